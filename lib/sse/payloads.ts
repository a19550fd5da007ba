import { z } from 'zod/mini';

/**
 * The payloads of wire contract v1 as zod schemas: what a client may trust after decoding
 * (docs/protocol.md). Pure, like the rest of `lib/sse/`: feed names are plain strings here, so
 * a client keeps working when the server's catalogue grows (the store accepts feeds it did not
 * know). `lib/metrics/events.ts` holds the same shapes with the catalogue's `FeedName`; the
 * decoder's tests check that they stay assignable to these.
 *
 * `zod/mini` rather than `zod`: it tree-shakes, and these schemas ship in the browser bundle.
 * Unknown extra fields are dropped, not refused: a newer server may add some.
 */

const text = z.string().check(z.minLength(1));
const count = z.int().check(z.minimum(0));
const finite = z.number();

export const helloSchema = z.object({
  epoch: text,
  heartbeatMs: z.int().check(z.minimum(1)),
  feeds: z.array(z.string()),
  resumed: z.boolean(),
  replayed: count,
  bus: z.string(),
  serverTime: finite,
});

export const metricSchema = z.object({
  feed: text,
  seq: z.int().check(z.minimum(1)),
  ts: finite,
  value: finite,
});

export const feedWindowSchema = z
  .object({ firstSeq: z.int().check(z.minimum(1)), ts: z.array(finite), value: z.array(finite) })
  .check(z.refine((w) => w.ts.length === w.value.length, 'ts and value differ in length'));

export const snapshotSchema = z.object({
  epoch: text,
  cursor: text,
  windowMs: count,
  feeds: z.record(z.string(), feedWindowSchema),
});

const RESET_REASONS = ['epoch_changed', 'cursor_evicted', 'cursor_invalid'] as const;

export const resetSchema = z.object({ ...snapshotSchema.shape, reason: z.enum(RESET_REASONS) });

export type WireHello = z.infer<typeof helloSchema>;
export type WireMetric = z.infer<typeof metricSchema>;
export type WireFeedWindow = z.infer<typeof feedWindowSchema>;
export type WireSnapshot = z.infer<typeof snapshotSchema>;
export type WireReset = z.infer<typeof resetSchema>;
