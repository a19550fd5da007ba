/**
 * The network-drop kit: break the network, the server and the stream for real, and check what
 * a client received. Imports nothing from the app it tests (eslint.config.mjs enforces it), so
 * it can be copied into any project: see README.md beside this file.
 */

export {
  recordSse,
  countRequests,
  goOffline,
  type ReceivedEvent,
  type RecordSseOptions,
  type SseLog,
  type StreamOpened,
} from './browser';
export { startChaosProxy, type ChaosProxy, type ChaosProxyOptions } from './chaos-proxy';
export { faultRoute, type FaultCall, type FaultRouteOptions } from './fault-route';
export { freePort } from './free-port';
export {
  assertExactlyOnce,
  describeViolation,
  findViolations,
  seqsByFeed,
  type Delivery,
  type ExactlyOnceOptions,
  type Violation,
  type ViolationKind,
} from './exactly-once';
export { dropTest, type DropFixtures } from './playwright';
export { pollUntil, type PollOptions } from './poll';
export {
  startNextApp,
  startServer,
  waitUntilReady,
  type KitServer,
  type NextAppOptions,
  type ServerOptions,
} from './server';
export { connectSse, type ConnectOptions, type SseClient, type SseEventRecord, type SseRecord } from './sse-recorder';
