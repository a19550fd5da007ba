import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTabMessage, encodeTabMessage, type StreamItem, type TabMessage } from './protocol';
import { FEED_A } from '@/lib/testing/catalogue';

/** The tab channel protocol: what is accepted, what is dropped, and that nothing throws. */

const metric: StreamItem = { kind: 'metric', cursor: 'ep1.7', event: { feed: FEED_A, seq: 7, ts: 1000, value: 42.5 } };
const reset: StreamItem = {
  kind: 'reset',
  cursor: 'ep2.3',
  reset: {
    reason: 'epoch_changed',
    epoch: 'ep2',
    cursor: 'ep2.3',
    windowMs: 300000,
    feeds: { [FEED_A]: { firstSeq: 1, ts: [1, 2, 3], value: [4, 5, 6] } },
  },
};
const status = {
  state: 'reconnecting' as const,
  reason: 'network error',
  since: 1,
  attempt: 1,
  retryAt: 5000,
  epoch: 'ep1',
  heartbeatMs: 15000,
  error: null,
  failure: null,
  rotations: 0,
  clockOffsetMs: 12,
  transition: { from: 'live' as const, to: 'reconnecting' as const, reason: 'network error', at: 1 },
};

const valid: TabMessage[] = [
  { kind: 'announce', term: 3, epoch: 'ep1', cursor: 'ep1.7' },
  { kind: 'announce', term: 3, epoch: null, cursor: null },
  // With the leader's status (null before it has one); without it, as an older build sends it.
  { kind: 'announce', term: 3, epoch: 'ep1', cursor: 'ep1.7', status },
  { kind: 'announce', term: 3, epoch: null, cursor: null, status: null },
  { kind: 'item', term: 3, item: metric, prev: 'ep1.6' },
  { kind: 'item', term: 3, item: reset, prev: null },
  {
    kind: 'items',
    term: 3,
    items: [
      { item: metric, prev: 'ep1.6' },
      { item: reset, prev: null },
    ],
  },
  { kind: 'status', term: 3, status },
  // A leader whose session cannot be renewed: every tab shows the sign-in prompt.
  { kind: 'status', term: 3, status: { ...status, state: 'failed', reason: 'auth', failure: 'auth', rotations: 4 } },
  { kind: 'recovery', term: 3, recovery: { outageMs: 1200, replayed: 4, resetReason: null } },
  { kind: 'replay', term: 3, to: 'tab-b', requestId: 'r1', ok: true, items: [metric, reset] },
  { kind: 'catch-up', requestId: 'r1', cursor: 'ep1.2', reason: 'join' },
  { kind: 'reconnect', reason: 'user' },
  { kind: 'claim', term: 4 },
  { kind: 'goodbye', term: 3 },
];

describe('decodeTabMessage()', () => {
  it('accepts every message kind it encodes, after a structured clone', () => {
    for (const message of valid) {
      const decoded = decodeTabMessage(structuredClone(encodeTabMessage('tab-a', message)));
      expect(decoded).toEqual({ ok: true, envelope: { ...message, v: 1, from: 'tab-a' } });
    }
  });

  it('tells apart what is not ours, another version, and a malformed message', () => {
    expect(decodeTabMessage('hello')).toEqual({ ok: false, error: 'not_an_envelope' });
    expect(decodeTabMessage({ kind: 'claim' })).toEqual({ ok: false, error: 'not_an_envelope' });
    expect(decodeTabMessage({ v: 2, from: 'x', kind: 'claim', term: 1 })).toEqual({
      ok: false,
      error: 'other_version',
    });
    expect(decodeTabMessage({ v: 1, from: 'x', kind: 'teleport' })).toEqual({ ok: false, error: 'malformed' });
    expect(decodeTabMessage({ v: 1, from: 'x', kind: 'toString' })).toEqual({ ok: false, error: 'malformed' });
  });

  it.each([
    [
      'a metric without a seq',
      { kind: 'item', term: 1, prev: null, item: { ...metric, event: { feed: FEED_A, ts: 1, value: 1 } } },
    ],
    ['a NaN value', { kind: 'item', term: 1, prev: null, item: { ...metric, event: { ...metric.event, value: NaN } } }],
    ['a cursor over 64 characters', { kind: 'item', term: 1, prev: null, item: { ...metric, cursor: 'x'.repeat(65) } }],
    [
      'a reset whose id is not its snapshot cursor',
      { kind: 'item', term: 1, prev: null, item: { ...reset, cursor: 'ep2.4' } },
    ],
    [
      'a reset window with ragged columns',
      {
        kind: 'item',
        term: 1,
        prev: null,
        item: { ...reset, reset: { ...reset.reset, feeds: { [FEED_A]: { firstSeq: 1, ts: [1], value: [] } } } },
      },
    ],
    ['an unknown connection state', { kind: 'status', term: 1, status: { ...status, state: 'sleeping' } }],
    ['an unknown failure', { kind: 'status', term: 1, status: { ...status, failure: 'bored' } }],
    ['a status without a rotation count', { kind: 'status', term: 1, status: { ...status, rotations: -1 } }],
    ['a negative term', { kind: 'claim', term: -1 }],
    ['a replay with a bad item', { kind: 'replay', term: 1, to: 'a', requestId: 'r', ok: true, items: [{}] }],
    ['an empty items batch', { kind: 'items', term: 1, items: [] }],
    ['an items batch with a bad item', { kind: 'items', term: 1, items: [{ item: {}, prev: null }] }],
    ['an announce with a bad status', { kind: 'announce', term: 1, epoch: null, cursor: null, status: { state: 'x' } }],
    ['an items batch without prev', { kind: 'items', term: 1, items: [{ item: metric }] }],
    ['an unknown catch-up reason', { kind: 'catch-up', requestId: 'r', cursor: null, reason: 'because' }],
  ])('drops %s', (_name, body) => {
    expect(decodeTabMessage({ ...body, v: 1, from: 'tab-a' })).toEqual({ ok: false, error: 'malformed' });
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        expect(decodeTabMessage(raw).ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.string(), fc.anything(), (message, key, value) => {
        // A valid message with one field replaced by anything: decodes or is dropped, never throws.
        decodeTabMessage({ ...encodeTabMessage('tab-a', message), [key]: value });
      }),
    );
  });
});
