import 'server-only';
import { SERVER_FEEDS_ENABLED } from '@/lib/metrics/feeds';
import { createDemoSource } from '../demo-simulation/demo-source';
import { createServerSource } from '../this-server/server-source';
import { combineSources } from './combined-source';

/**
 * The metrics source this app runs: the one line to change when you fork (docs/fork.md).
 *
 *   real data pushed to POST /api/ingest:  export { createPushOnlySource as createSource } from './push-only-source';
 *   your own poller or queue consumer:     export { createMySource as createSource } from './my-source';
 *
 * Here: the demo simulation, joined by the "this server" feeds (lib/server/this-server/) when the
 * app is built with `NEXT_PUBLIC_SERVER_FEEDS=1`. Once nothing imports
 * `lib/server/demo-simulation/`, delete that folder. `start-source.ts` checks that the export
 * fits `CreateSource`.
 */
export const createSource = SERVER_FEEDS_ENABLED
  ? combineSources(createDemoSource, createServerSource)
  : createDemoSource;
