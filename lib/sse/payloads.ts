import { array, boolean, int, number, object, oneOf, optional, record, refine, string, type Infer } from './validate';

/**
 * The payloads of wire contract v1 as validators: what a client may trust after decoding
 * (docs/protocol.md). Pure, like the rest of `lib/sse/`: feed names are plain strings here, so
 * a client keeps working when the server's catalogue grows (the store accepts feeds it did not
 * know). `lib/metrics/events.ts` holds the same shapes with the catalogue's `FeedName`; the
 * decoder's tests check that they stay assignable to these.
 *
 * Unknown extra fields are dropped, not refused: a newer server may add some.
 */

export const helloSchema = object({
  epoch: string(1),
  heartbeatMs: int(1),
  /** Optional: absent from servers whose data has no fixed rate (and from older ones). */
  dataIntervalMs: optional(int(1)),
  feeds: array(string()),
  resumed: boolean(),
  replayed: int(0),
  bus: string(),
  serverTime: number(),
});

export const metricSchema = object({
  feed: string(1),
  seq: int(1),
  ts: number(),
  value: number(),
});

export const feedWindowSchema = refine(
  object({ firstSeq: int(1), ts: array(number()), value: array(number()) }),
  (w) => w.ts.length === w.value.length,
  'ts and value differ in length',
);

const snapshotShape = {
  epoch: string(1),
  cursor: string(1),
  windowMs: int(0),
  feeds: record(feedWindowSchema),
};

export const snapshotSchema = object(snapshotShape);

export const resetSchema = object({
  ...snapshotShape,
  reason: oneOf(['epoch_changed', 'cursor_evicted', 'cursor_invalid'] as const),
});

/** Why the server ended a stream on purpose (`event: rotate`): only `max_age` so far. */
export const rotateSchema = object({ reason: oneOf(['max_age'] as const) });

/** Why the session no longer grants the stream (`event: auth`). */
export const authEndSchema = object({ reason: oneOf(['expired', 'revoked', 'invalid'] as const) });

export type WireHello = Infer<typeof helloSchema>;
export type WireMetric = Infer<typeof metricSchema>;
export type WireFeedWindow = Infer<typeof feedWindowSchema>;
export type WireSnapshot = Infer<typeof snapshotSchema>;
export type WireReset = Infer<typeof resetSchema>;
export type WireRotate = Infer<typeof rotateSchema>;
export type WireAuthEnd = Infer<typeof authEndSchema>;
