import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HelloData, MetricEvent, ResetData, Snapshot } from '@/lib/metrics/events';
import { decodeMessage, ProtocolError, type DecodeResult } from './decode';
import type { WireHello, WireMetric, WireReset, WireSnapshot } from './payloads';
import { FEED_A } from '@/lib/testing/catalogue';

// Compile-time: what the server encodes (lib/metrics/events.ts) is what the decoder accepts.
// If a field is added or retyped on one side only, this stops compiling.
const serverShapesFitTheDecoder = (h: HelloData, m: MetricEvent, s: Snapshot, r: ResetData) => {
  const hello: WireHello = h;
  const metric: WireMetric = m;
  const reset: WireReset = r;
  const snapshot: WireSnapshot = s;
  return [hello, metric, reset, snapshot];
};
void serverShapesFitTheDecoder;

const hello: HelloData = {
  epoch: 'ep1',
  heartbeatMs: 15_000,
  feeds: [FEED_A],
  resumed: false,
  replayed: 0,
  bus: 'memory',
  serverTime: 1_700_000_000_000,
};
const reset: ResetData = {
  reason: 'cursor_evicted',
  epoch: 'ep1',
  cursor: 'ep1.9',
  windowMs: 300_000,
  feeds: { [FEED_A]: { firstSeq: 4, ts: [1000, 2000], value: [1, 2] } },
};

const decode = (event: string | undefined, data: unknown, id?: string): DecodeResult =>
  decodeMessage({
    data: typeof data === 'string' ? data : JSON.stringify(data),
    ...(event === undefined ? {} : { event }),
    ...(id === undefined ? {} : { id }),
  });

/** The error's message, or a failure naming what was decoded instead. */
const errorOf = (result: DecodeResult): string => {
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.error).toBeInstanceOf(ProtocolError);
  return result.error.message;
};

describe('decodeMessage: valid events', () => {
  it('decodes hello, metric (with its cursor) and reset into the tagged union', () => {
    expect(decode('hello', hello)).toEqual({ kind: 'event', event: { type: 'hello', hello } });
    expect(decode('metric', { feed: FEED_A, seq: 3, ts: 3000, value: 41.5 }, 'ep1.3')).toEqual({
      kind: 'event',
      event: { type: 'metric', metric: { feed: FEED_A, seq: 3, ts: 3000, value: 41.5 }, cursor: 'ep1.3' },
    });
    expect(decode('reset', reset, reset.cursor)).toEqual({ kind: 'event', event: { type: 'reset', reset } });
  });

  it('decodes the planned ends: rotate and auth, with their reasons', () => {
    expect(decode('rotate', { reason: 'max_age' })).toEqual({
      kind: 'event',
      event: { type: 'rotate', rotate: { reason: 'max_age' } },
    });
    for (const reason of ['expired', 'revoked', 'invalid'] as const) {
      expect(decode('auth', { reason })).toEqual({ kind: 'event', event: { type: 'auth', auth: { reason } } });
    }
    expect(errorOf(decode('auth', { reason: 'bored' }))).toMatch(/malformed auth event \(schema\)/);
    expect(errorOf(decode('rotate', 'x'))).toMatch(/malformed rotate event \(json\)/);
  });

  it('accepts feeds it does not know (the catalogue may have grown) and drops unknown fields', () => {
    expect(decode('metric', { feed: 'brand_new', seq: 1, ts: 1, value: 1, unit: '%' }, 'e.1')).toEqual({
      kind: 'event',
      event: { type: 'metric', metric: { feed: 'brand_new', seq: 1, ts: 1, value: 1 }, cursor: 'e.1' },
    });
  });

  it('reads the data interval of a hello when the server gives one, and does without it', () => {
    const timed = { ...hello, dataIntervalMs: 1000 };
    expect(decode('hello', timed)).toEqual({ kind: 'event', event: { type: 'hello', hello: timed } });
    expect(decode('hello', hello)).toEqual({ kind: 'event', event: { type: 'hello', hello } });
    expect(errorOf(decode('hello', { ...hello, dataIntervalMs: 0 }))).toBe(
      'malformed hello event (schema): dataIntervalMs: too_small',
    );
  });

  it('ignores events it does not know, and plain messages', () => {
    expect(decode('ping', '')).toEqual({ kind: 'ignored', name: 'ping' });
    expect(decode(undefined, 'hi')).toEqual({ kind: 'ignored', name: 'message' });
  });
});

describe('decodeMessage: malformed events are typed protocol errors', () => {
  it('data that is not JSON', () => {
    expect(errorOf(decode('metric', '{"feed":"x",', 'e.1'))).toBe(
      'malformed metric event (json): data is not JSON: "{\\"feed\\":\\"x\\","',
    );
  });

  it('cuts long data in the message', () => {
    expect(errorOf(decode('hello', `x${'y'.repeat(100)}`))).toBe(
      `malformed hello event (json): data is not JSON: "x${'y'.repeat(59)}…"`,
    );
  });

  it('a metric without an id', () => {
    const result = decode('metric', { feed: FEED_A, seq: 1, ts: 1, value: 1 });
    expect(errorOf(result)).toBe('malformed metric event (cursor): metric event without an id');
    expect(result.kind === 'error' && result.error.problem).toBe('cursor');
  });

  it.each([
    ['seq 0', { feed: FEED_A, seq: 0, ts: 1, value: 1 }, 'seq: too_small'],
    ['fractional seq', { feed: FEED_A, seq: 1.5, ts: 1, value: 1 }, 'seq: invalid_type'],
    ['value null (NaN on the server)', { feed: FEED_A, seq: 1, ts: 1, value: null }, 'value: invalid_type'],
    ['empty feed', { feed: '', seq: 1, ts: 1, value: 1 }, 'feed: too_small'],
    ['an array', [1, 2], 'data: invalid_type'],
  ])('a metric with %s', (_name, data, issue) => {
    expect(errorOf(decode('metric', data, 'e.1'))).toBe(`malformed metric event (schema): ${issue}`);
  });

  it('a hello with a missing or zero heartbeat', () => {
    expect(errorOf(decode('hello', { ...hello, heartbeatMs: 0 }))).toBe(
      'malformed hello event (schema): heartbeatMs: too_small',
    );
    const { epoch: _epoch, ...noEpoch } = hello;
    expect(errorOf(decode('hello', noEpoch))).toBe('malformed hello event (schema): epoch: invalid_type');
  });

  it('a reset with an unknown reason, or columns of different lengths', () => {
    expect(errorOf(decode('reset', { ...reset, reason: 'bored' }))).toBe(
      'malformed reset event (schema): reason: invalid_value',
    );
    const skewed = { ...reset, feeds: { [FEED_A]: { firstSeq: 1, ts: [1, 2], value: [1] } } };
    expect(errorOf(decode('reset', skewed))).toBe(
      `malformed reset event (schema): feeds.${FEED_A}: ts and value differ in length`,
    );
  });

  it('never throws, whatever the event name and data', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('hello', 'metric', 'reset', 'other'),
        fc.oneof(fc.string(), fc.json()),
        fc.option(fc.string(), { nil: undefined }),
        (event, data, id) => {
          const result = decode(event, data, id);
          expect(['event', 'ignored', 'error']).toContain(result.kind);
        },
      ),
    );
  });
});
