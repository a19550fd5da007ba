import { describe, expect, it } from 'vitest';
import { createCatchUp } from './catch-up';
import type { StreamItem, TabMessage } from './protocol';
import { ReplayRing } from './replay-ring';
import { FEED_A } from '@/lib/testing/catalogue';

/** The follower's catch-up: one request at a time, and which replayed events to apply. */

const metric = (seq: number, epoch = 'ep'): StreamItem => ({
  kind: 'metric',
  cursor: `${epoch}.${seq}`,
  event: { feed: FEED_A, seq, ts: seq, value: seq },
});

function setup(storeCursor: string) {
  let ids = 0;
  const sent: Extract<TabMessage, { kind: 'catch-up' }>[] = [];
  const ring = new ReplayRing();
  const state = { cursor: storeCursor };
  const catchUp = createCatchUp({
    env: { randomId: () => `r${++ids}` },
    ring,
    cursor: () => state.cursor,
    patience: 3,
    send: (message) => sent.push(message),
  });
  const reply = (items: StreamItem[], ok = true) =>
    catchUp.answer({ kind: 'replay', term: 1, to: 'me', requestId: sent.at(-1)?.requestId ?? '', ok, items });
  /** The leader's heartbeats arrive. */
  const heartbeats = (count: number) => {
    for (let i = 0; i < count; i += 1) catchUp.heardHeartbeat();
  };
  return { catchUp, ring, sent, state, reply, heartbeats };
}

const cursors = (answer: ReturnType<ReturnType<typeof setup>['reply']>) =>
  answer?.ok ? answer.items.map((item) => item.cursor) : answer;

describe('createCatchUp()', () => {
  it('keeps one request in flight, except probes; an unanswered one is forgotten after `patience` heartbeats', () => {
    const { catchUp, sent, heartbeats } = setup('ep.3');
    catchUp.request('join');
    catchUp.request('gap');
    expect(sent.map((m) => m.reason)).toEqual(['join']);
    catchUp.request('probe');
    expect(sent.map((m) => m.reason)).toEqual(['join', 'probe']);
    heartbeats(2);
    catchUp.request('gap');
    expect(sent).toHaveLength(2);
    // However late this tab runs, only the leader's heartbeats tell that no answer is coming.
    heartbeats(1);
    catchUp.request('gap');
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatchObject({ cursor: 'ep.3', reason: 'gap' });
  });

  it('applies only the answer to the latest request', () => {
    const { catchUp, sent } = setup('ep.3');
    catchUp.request('join');
    const first = sent[0]!.requestId;
    catchUp.request('probe');
    expect(catchUp.answer({ kind: 'replay', term: 1, to: 'me', requestId: first, ok: true, items: [] })).toBeNull();
  });

  it('skips what was already received live, then sends everything when asked again from the same cursor', () => {
    const { catchUp, ring, reply, state } = setup('ep.3');
    ring.resetTo('ep.5');
    ring.record(metric(6), 'ep.5');
    catchUp.request('gap');
    expect(cursors(reply([metric(4), metric(5), metric(6)]))).toEqual(['ep.4', 'ep.5']);
    // The store did not move: it must have dropped 6. Asked again from ep.3, it gets all of it.
    state.cursor = 'ep.3';
    catchUp.request('gap');
    expect(cursors(reply([metric(4), metric(5), metric(6)]))).toEqual(['ep.4', 'ep.5', 'ep.6']);
  });

  it('after a reset in the answer, re-sends what was received live; skips a reset the store is past', () => {
    const reset: StreamItem = {
      kind: 'reset',
      cursor: 'new.0',
      reset: { reason: 'epoch_changed', epoch: 'new', cursor: 'new.0', windowMs: 1, feeds: {} },
    };
    const first = setup('old.9');
    first.ring.record(metric(1, 'new'), 'new.0');
    first.catchUp.request('join');
    expect(cursors(first.reply([reset, metric(1, 'new')]))).toEqual(['new.0', 'new.1']);

    const second = setup('new.0');
    second.catchUp.request('join');
    expect(cursors(second.reply([reset, metric(1, 'new')]))).toEqual(['new.1']);
  });

  it('reports a refusal with the cursor it asked from', () => {
    const { catchUp, reply } = setup('ep.3');
    catchUp.request('gap');
    expect(reply([], false)).toEqual({ ok: false, cursor: 'ep.3', reason: 'gap' });
  });
});
