import 'server-only';
import type { Revocations } from './auth/revocations';
import type { EventBus } from './bus';
import type { ServerEnv } from './env';
import type { ProducerLease } from './source/produce-while-leader';

/**
 * The seam to a log shared by several instances (`REDIS_URL`): the only module outside
 * lib/server/redis/ that reaches it. Without `REDIS_URL` the app never calls it and every
 * instance keeps its own log in memory (memory-bus.ts).
 *
 * A fork that runs one instance can delete Redis: delete lib/server/redis/, and replace the
 * last line of this file with
 *
 *   export const createSharedLog: CreateSharedLog | null = null;
 *
 * (docs/fork.md, "Drop Redis", has the whole checklist: tests, fixtures, the producer script).
 * A `REDIS_URL` set by mistake then stops the server at boot with a clear message.
 */

export interface SharedLogOptions {
  env: ServerEnv;
  url: string;
  instanceId: string;
  /** The log was lost (unreachable, restarted empty, this reader fell behind): end every stream. */
  onInterrupt: () => void;
  /** This instance's sign-outs, shared with the other instances. */
  revocations: Revocations;
  /** A session was signed out on another instance: end its streams here. */
  onRevokedElsewhere: (sessionId: string) => void;
}

/** What the runtime needs to know of sign-outs shared between instances. */
export interface SharedRevocations {
  /** Whether the other instances' sign-outs have been read back since start; stays true once it is (serving.ts). */
  synced(): boolean;
  stop(): Promise<void>;
}

export interface SharedLog {
  /**
   * Started: the log every instance reads and (the lease holder) writes. Its `epoch()` is `''`
   * until it first knows the log's epoch: readiness waits for that (serving.ts `ready`).
   */
  bus: EventBus;
  /** Started: the sign-outs of every instance. */
  revocations: SharedRevocations;
  /** The producer lease of `instanceId`, not started: exactly one process of the log produces. */
  createLease: () => ProducerLease;
}

export type CreateSharedLog = (options: SharedLogOptions) => SharedLog;

export { createRedisSharedLog as createSharedLog } from './redis/redis-shared-log';
