import 'server-only';
import type { CreateSource } from './metrics-source';

/**
 * A source that produces nothing: every point arrives through `POST /api/ingest` (or from a
 * process of your own that publishes to Redis). Select it in `selected-source.ts` when the
 * dashboard only shows what other systems push.
 */
export const createPushOnlySource: CreateSource = () => ({
  start() {},
  stop() {},
  running: false,
  ticks: 0,
});
