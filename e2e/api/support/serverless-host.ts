import { startNextServer, type NextServer } from '../../fixtures/next-server';

/**
 * A small imitation of a serverless host, for e2e/api/serverless.test.ts: web instances that
 * live only a few seconds each, on one Redis.
 *
 * - It keeps `poolSize` instances (serving or frozen). Each one, after `lifeMs` of serving, is killed (by
 *   turns SIGKILL, a crash or an instance recycled without notice, and SIGTERM, a graceful stop)
 *   and a fresh one is started in its place, whatever it was doing: open streams and requests
 *   in flight are cut as on a real platform.
 * - Once in a while it freezes (SIGSTOP) an instance that is idle (no open stream, no request
 *   in flight), as platforms freeze an instance between requests, and thaws it (SIGCONT) after
 *   `frozenMs`; a thawed instance is the first one offered to the next stream.
 * - Clients ask `acquire()` for an instance to send one request to, and `release()` it after:
 *   that is how the host knows which instances are idle. A frozen or stopping one is never offered.
 *
 * The schedule runs on wall-clock time (that is the behaviour imitated); the test that uses it
 * waits for states (rotations seen, instances used), never for a time.
 */

export interface HostedInstance {
  /** 1, 2, 3 … in start order. */
  readonly n: number;
  readonly server: NextServer;
  state: 'serving' | 'frozen' | 'stopping';
  /** Requests and streams open to it now. */
  busy: number;
  servingSince: number;
  /** Thawed and not yet offered to a stream. */
  thawed: boolean;
  /** Times it was frozen and thawed. */
  thaws: number;
}

export interface HostOptions {
  env: Record<string, string>;
  /** Instances kept, a frozen one included. Default 3. */
  poolSize?: number;
  /** How long an instance serves before it is killed. Default 4000 ms. */
  lifeMs?: number;
  /** How long a frozen instance stays frozen. Default 2500 ms. */
  frozenMs?: number;
}

export interface HostStats {
  started: number;
  killed: { SIGKILL: number; SIGTERM: number };
  frozen: number;
  thawed: number;
}

export interface ServerlessHost {
  readonly stats: HostStats;
  /** An instance to send one request or stream to (`prefer: 'thawed'` offers a thawed one first), or null. */
  acquire(prefer?: 'thawed'): HostedInstance | null;
  release(instance: HostedInstance): void;
  /** Stops the schedule and kills every instance. */
  close(): Promise<void>;
}

export async function startServerlessHost(options: HostOptions): Promise<ServerlessHost> {
  const poolSize = options.poolSize ?? 3;
  const lifeMs = options.lifeMs ?? 4000;
  const frozenMs = options.frozenMs ?? 2500;
  const instances = new Set<HostedInstance>();
  const stats: HostStats = { started: 0, killed: { SIGKILL: 0, SIGTERM: 0 }, frozen: 0, thawed: 0 };
  let closed = false;
  let starting = 0;
  let nextSignal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL';
  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => {});
    return work;
  };

  const launch = async () => {
    starting += 1;
    try {
      // A platform offers an instance the request that started it, with no readiness check.
      const server = await startNextServer({ env: options.env, startedWhen: 'alive' });
      stats.started += 1;
      const instance: HostedInstance = {
        n: stats.started,
        server,
        state: 'serving',
        busy: 0,
        servingSince: Date.now(),
        thawed: false,
        thaws: 0,
      };
      if (closed) await server.stop('SIGKILL');
      else instances.add(instance);
    } finally {
      starting -= 1;
    }
  };

  const serving = () => [...instances].filter((i) => i.state === 'serving');

  const kill = async (instance: HostedInstance) => {
    instance.state = 'stopping';
    const signal = nextSignal;
    nextSignal = signal === 'SIGKILL' ? 'SIGTERM' : 'SIGKILL';
    // The replacement starts at once, as a platform scales on demand.
    void track(launch());
    await instance.server.stop(signal);
    stats.killed[signal] += 1;
    instances.delete(instance);
  };

  const signal = (instance: HostedInstance, name: 'SIGSTOP' | 'SIGCONT') => process.kill(instance.server.pid, name);
  let lastThawAt = 0;

  const schedule = () => {
    if (closed) return;
    const now = Date.now();
    const live = serving();
    const frozen = [...instances].find((i) => i.state === 'frozen');
    // The pool counts a frozen instance: a platform keeps it for the next request.
    if (live.length + (frozen ? 1 : 0) + starting < poolSize) void track(launch());
    // One kill at a time, and never the last serving instance.
    const stopping = [...instances].some((i) => i.state === 'stopping');
    const old = live.find((i) => now - i.servingSince >= lifeMs);
    if (old && !stopping && live.length >= 2) void track(kill(old));
    if (frozen && now - frozen.servingSince >= frozenMs) {
      signal(frozen, 'SIGCONT');
      frozen.state = 'serving';
      frozen.thawed = true;
      frozen.thaws += 1;
      frozen.servingSince = now;
      lastThawAt = now;
      stats.thawed += 1;
    } else if (!frozen && live.length >= 2 && now - lastThawAt >= lifeMs) {
      // Idle: nothing open to it. Freezing a busy one would be a stall, not what platforms do.
      const idle = live.find((i) => i.busy === 0 && i !== old && !i.thawed);
      if (idle) {
        signal(idle, 'SIGSTOP');
        idle.state = 'frozen';
        idle.servingSince = now;
        stats.frozen += 1;
      }
    }
  };

  await Promise.all(Array.from({ length: poolSize }, () => launch()));
  const timer = setInterval(schedule, 100);

  return {
    stats,
    acquire(prefer) {
      const live = serving();
      const pick = (prefer === 'thawed' && live.find((i) => i.thawed)) || live[Math.floor(Math.random() * live.length)];
      if (!pick) return null;
      pick.busy += 1;
      if (prefer === 'thawed') pick.thawed = false;
      return pick;
    },
    release(instance) {
      instance.busy -= 1;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await Promise.allSettled([...pending]);
      await Promise.all([...instances].map((i) => i.server.stop('SIGKILL')));
      instances.clear();
    },
  };
}
