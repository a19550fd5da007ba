import 'server-only';
import type { Redis } from 'ioredis';
import type { ServerMetrics } from './server-metrics';

/**
 * Times every command sent on one ioredis link and counts the ones that fail
 * (`rtd_redis_command_duration_seconds`, `rtd_redis_command_errors_total`), by command name.
 * Put on the command link only: the reader's blocking `XREAD`s wait on purpose and would drown
 * the latency that matters. A command refused because the link is down counts as an error too:
 * that is what an outage looks like from here.
 */
export function instrumentRedis(redis: Redis, metrics: ServerMetrics): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    const stop = metrics.redisCommandSeconds.startTimer({ command: command.name });
    command.promise.then(
      () => stop(),
      () => {
        stop();
        metrics.redisCommandErrors.inc({ command: command.name });
      },
    );
    return send(command, stream);
  };
}
