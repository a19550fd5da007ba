import 'server-only';

/**
 * The metrics source this app runs: the one line to change when you fork (docs/fork.md).
 *
 *   real data pushed to POST /api/ingest:  export { createPushOnlySource as createSource } from './push-only-source';
 *   your own poller or queue consumer:     export { createMySource as createSource } from './my-source';
 *
 * Once nothing imports `lib/server/demo-simulation/`, delete that folder. `start-source.ts`
 * checks that the export fits `CreateSource`.
 */
export { createDemoSource as createSource } from '../demo-simulation/demo-source';
