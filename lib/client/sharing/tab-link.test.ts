import { describe, expect, it } from 'vitest';
import { MAX_ITEMS_PER_MESSAGE, type SequencedItem, type TabEnvelope } from './protocol';
import { createTabLink } from './tab-link';
import type { TabChannel } from './tab-env';
import type { TabSharingStats } from './types';
import { FEED_A } from '@/lib/testing/catalogue';

/** The channel as one tab uses it: what it posts, in which order and batches, and what it lets in. */

function setup() {
  const posted: TabEnvelope[] = [];
  let onData: (data: unknown) => void = () => {};
  const channel: TabChannel = {
    postMessage: (message) => void posted.push(message as TabEnvelope),
    listen: (listener) => void (onData = listener),
    close: () => {},
  };
  const stats = { sent: 0, sendFailed: 0, malformed: 0, otherVersion: 0 } as TabSharingStats;
  const link = createTabLink({ env: { createChannel: () => channel }, channelName: 'test', id: 'me', stats });
  const received: TabEnvelope[] = [];
  expect(link.open((envelope) => received.push(envelope))).toBe(true);
  return { link, posted, stats, received, deliver: (data: unknown) => onData(data) };
}

const entry = (seq: number): SequencedItem => ({
  item: { kind: 'metric', cursor: `ep.${seq}`, event: { feed: FEED_A, seq, ts: seq, value: seq } },
  prev: seq > 1 ? `ep.${seq - 1}` : null,
});

const nextMicrotask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('createTabLink()', () => {
  it('batches the events of one task into one `items` message, posted when the task ends', async () => {
    const { link, posted, stats } = setup();
    link.enqueue(entry(1), 7);
    link.enqueue(entry(2), 7);
    expect(posted).toHaveLength(0);
    await nextMicrotask();
    expect(posted).toMatchObject([{ kind: 'items', term: 7, from: 'me', items: [entry(1), entry(2)] }]);
    expect(stats.sent).toBe(1);
  });

  it('posts batched events before any other message, and a new term starts a new batch', () => {
    const { link, posted } = setup();
    link.enqueue(entry(1), 7);
    link.enqueue(entry(2), 8);
    link.send({ kind: 'goodbye', term: 8 });
    expect(posted.map((m) => [m.kind, 'term' in m ? m.term : null])).toEqual([
      ['items', 7],
      ['items', 8],
      ['goodbye', 8],
    ]);
  });

  it('splits a batch larger than one message may carry', () => {
    const { link, posted } = setup();
    for (let seq = 1; seq <= MAX_ITEMS_PER_MESSAGE + 1; seq += 1) link.enqueue(entry(seq), 1);
    link.flush();
    expect(posted.map((m) => (m.kind === 'items' ? m.items.length : 0))).toEqual([MAX_ITEMS_PER_MESSAGE, 1]);
  });

  it('lets in valid messages of other tabs only, and counts what it drops', () => {
    const { deliver, received, stats } = setup();
    deliver({ v: 1, from: 'other', kind: 'claim', term: 3 });
    deliver({ v: 1, from: 'me', kind: 'claim', term: 3 });
    deliver({ v: 1, from: 'other', kind: 'claim', term: -1 });
    deliver({ v: 2, from: 'other', kind: 'claim', term: 3 });
    deliver(undefined);
    expect(received).toEqual([{ v: 1, from: 'other', kind: 'claim', term: 3 }]);
    expect(stats).toMatchObject({ malformed: 2, otherVersion: 1 });
  });

  it('counts a message the channel refuses, and sends nothing once closed', () => {
    const { link, posted, stats } = setup();
    link.send({ kind: 'claim', term: 1 });
    link.close();
    link.send({ kind: 'claim', term: 2 });
    expect(posted).toHaveLength(1);

    const refusing = createTabLink({
      env: {
        createChannel: () => ({
          postMessage: () => {
            throw new DOMException('closed', 'InvalidStateError');
          },
          listen: () => {},
          close: () => {},
        }),
      },
      channelName: 'test',
      id: 'me',
      stats,
    });
    refusing.open(() => {});
    refusing.send({ kind: 'claim', term: 1 });
    expect(stats.sendFailed).toBe(1);
  });

  it('says so when the browser refuses a channel', () => {
    const stats = {} as TabSharingStats;
    const refused = createTabLink({
      env: {
        createChannel: () => {
          throw new DOMException('opaque origin', 'SecurityError');
        },
      },
      channelName: 'test',
      id: 'me',
      stats,
    });
    expect(refused.open(() => {})).toBe(false);
  });
});
