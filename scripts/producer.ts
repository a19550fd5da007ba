// `npm run producer`: the metrics source as a process of its own, for deployments whose web
// instances do not produce (`PRODUCER=off`: serverless hosts, docs/serverless.md). It publishes
// straight to the Redis log the web instances serve (`REDIS_URL`), under the same producer lease,
// so it runs the same code as an embedded source: the selected source
// (lib/server/source/selected-source.ts), started by lib/server/source/start-source.ts.
//
// Why Redis directly and not through POST /api/ingest: the lease makes one producer of any number
// of these processes (run two: one waits as a standby); a restarted producer continues the seqs
// and, for the demo, the lines (the log keeps both); and it needs no web instance to be up, which
// on a serverless host would mean waking one for every tick. Ingest is for producers that cannot
// reach Redis (another network, another team): docs/protocol.md.
//
// SIGTERM/SIGINT stop the source and give the lease up at once, so a replacement takes over
// without waiting for the lease to expire (a SIGKILLed producer's lease expires in about 3 s).

import { randomBytes } from 'node:crypto';
import { EnvError, parseEnv, type ServerEnv } from '@/lib/server/env';
import { createLeaderLease } from '@/lib/server/redis/leader-lease';
import { RedisBus } from '@/lib/server/redis/redis-bus';
import { startSource } from '@/lib/server/source/start-source';
import { logger } from '@/lib/server/observability/logger';

const log = logger('producer');

function readEnv(): ServerEnv & { REDIS_URL: string } {
  let env: ServerEnv;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : error);
    process.exit(1);
  }
  if (!env.REDIS_URL) {
    console.error(
      'npm run producer publishes to Redis: set REDIS_URL (without it, the web process runs its own source).',
    );
    process.exit(1);
  }
  return { ...env, REDIS_URL: env.REDIS_URL };
}

const env = readEnv();
const instanceId = env.INSTANCE_ID ?? `producer-${randomBytes(4).toString('hex')}`;
const bus = new RedisBus({
  url: env.REDIS_URL,
  prefix: env.REDIS_KEY_PREFIX,
  capacity: env.SSE_REPLAY_CAPACITY,
  snapshotWindowMs: env.SNAPSHOT_WINDOW_MS,
  instanceId,
  reads: false,
});
bus.start();
// `PRODUCER` is for web instances; this process exists to produce.
const source = startSource({
  env: { ...env, PRODUCER: 'on' },
  bus,
  instanceId,
  createLease: () => createLeaderLease({ redis: bus.redis, key: bus.keys.lease, instanceId }),
});
log.info({ instance: instanceId }, `${instanceId} started: producing whenever it holds the producer lease`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, `${signal}: giving the lease up`);
    void source
      .stop()
      .then(() => bus.close())
      .finally(() => process.exit(0));
  });
}
