import { describe, expect, it } from 'vitest';
import { encodeJsonEvent } from '@/lib/sse/wire';
import { connectionHarness, hello, metric, reset } from '@/lib/client/testing/connection-harness';
import { settle } from '@/lib/client/testing/fake-env';
import { plainReason } from './plain-reason';
import type { ConnectionState } from './status-store';

describe('plainReason', () => {
  it('maps transport errors to words, never the raw error', () => {
    expect(plainReason('reconnecting', 'cannot reach the server: TypeError: Failed to fetch')).toBe(
      "Can't reach the server, trying again",
    );
    expect(plainReason('reconnecting', 'connection lost: TypeError: network error')).toBe(
      'Connection to the server lost, trying again',
    );
    expect(plainReason('reconnecting', 'server ended the stream')).toBe('The server closed the stream');
    expect(plainReason('stale', 'no bytes for 37.5 s')).toBe('No data for 37.5 s, the link looks dead');
  });

  it('names HTTP refusals by what they mean', () => {
    expect(plainReason('reconnecting', 'HTTP 503: too many streams')).toBe('Server busy, waiting for a free slot');
    expect(plainReason('reconnecting', 'HTTP 429: too_many_streams')).toMatch(/Too many open streams/);
    expect(plainReason('failed', 'HTTP 401: session_missing')).toMatch(/sign in/i);
    expect(plainReason('failed', 'HTTP 403: feed_forbidden')).toBe('Not allowed to read these feeds');
    expect(plainReason('reconnecting', 'HTTP 500: boom')).toBe('Server error (HTTP 500)');
    expect(plainReason('failed', 'HTTP 400: bad request')).toBe('The server refused the stream (HTTP 400)');
  });

  it('says offline whatever the underlying failure', () => {
    expect(plainReason('offline', 'connection lost: Failed to fetch; browser is offline')).toBe(
      'This device is offline',
    );
    expect(plainReason('offline', 'browser went offline')).toBe('This device is offline');
  });

  it('explains resets by their cause', () => {
    expect(plainReason('resyncing', 'reset: epoch_changed')).toMatch(/^The server restarted/);
    expect(plainReason('resyncing', 'reset: cursor_evicted')).toMatch(/no longer on the server/);
  });

  it('falls back to a sentence per state for a reason it does not know', () => {
    expect(plainReason('reconnecting', 'auth: expired')).toBe('Connection lost, trying again');
    expect(plainReason('live', 'something new')).toBe('Receiving live data');
    expect(plainReason('live', 'resumed, 0 event(s) replayed')).toBe('Receiving live data');
    expect(plainReason('failed', 'client error: TypeError: x is undefined')).toBe(
      'This page hit an error while showing the data',
    );
  });
});

/**
 * The words each state shows, produced from the cause itself: a real connection manager in a fake
 * world meets the failure, and the words are read from the status it ends up in. A reason worded
 * anew in the client without its plain words following fails here.
 */
describe('plainReason, for the cause that produced it', () => {
  const h = connectionHarness();
  /** Live on a server with the default heartbeat whose feeds tick at 1 Hz. */
  const live = async () => {
    h.start();
    const stream = h.fake.last().open();
    stream.send(hello({ heartbeatMs: 15_000, dataIntervalMs: 1000 }) + metric(1));
    await settle();
    return stream;
  };
  const nextAttempt = () => h.fake.advance(h.status().retryAt! - h.fake.now);
  /** The first attempt is answered with `status` and a JSON error body. */
  const answered = async (status: number, headers: Record<string, string> = {}) => {
    h.start();
    const body = JSON.stringify({ error: { code: 'refused', message: 'refused' } });
    h.fake.last().respond(status, body, { 'content-type': 'application/json', ...headers });
    await settle();
  };

  /** Each cause, produced for real, and the state and words it must end in. */
  const causes: [string, () => Promise<unknown>, ConnectionState, string][] = [
    ['a stream that opens', live, 'live', 'Receiving live data'],
    [
      'a server that refuses connections, from the first attempt',
      async () => {
        h.start();
        h.fake.last().refuse();
        await settle();
      },
      'reconnecting',
      "Can't reach the server, trying again",
    ],
    [
      'an open stream cut (a server killed under it, a reset)',
      async () => {
        (await live()).cut();
        await settle();
      },
      'reconnecting',
      'Connection to the server lost, trying again',
    ],
    [
      'a server killed: its stream cut, then its connections refused',
      async () => {
        (await live()).cut();
        await settle();
        await nextAttempt();
        h.fake.last().refuse();
        await settle();
      },
      'reconnecting',
      "Can't reach the server, trying again",
    ],
    [
      'a link that stops forwarding without closing, feeds at 1 Hz',
      async () => {
        await live();
        await h.fake.advance(3000);
      },
      'stale',
      'No data for 3.0 s, the link looks dead',
    ],
    [
      'a device that goes offline and loses its stream',
      async () => {
        const stream = await live();
        h.fake.setOnline(false);
        stream.cut();
        await settle();
      },
      'offline',
      'This device is offline',
    ],
    [
      'a server that ends the stream',
      async () => {
        (await live()).end();
        await settle();
      },
      'reconnecting',
      'The server closed the stream',
    ],
    [
      'a full server (503)',
      () => answered(503, { 'retry-after': '2' }),
      'reconnecting',
      'Server busy, waiting for a free slot',
    ],
    [
      'a session refused, nothing to renew it with (401)',
      () => answered(401),
      'failed',
      'Signed out: sign in again to see live data',
    ],
    [
      'a restarted server (a reset with a new epoch)',
      async () => {
        (await live()).cut();
        await settle();
        await nextAttempt();
        h.fake
          .last()
          .open()
          .send(hello({ resumed: false }) + encodeJsonEvent('reset', reset, reset.cursor));
        await settle();
      },
      'resyncing',
      'The server restarted: catching up from a snapshot',
    ],
    [
      '"Reconnect now"',
      async () => {
        await live();
        h.manager.reconnectNow({ kind: 'user' });
      },
      'reconnecting',
      'Reconnecting, as requested',
    ],
  ];

  it.each(causes)('%s', async (_cause, produce, state, words) => {
    await produce();
    expect(h.state()).toBe(state);
    expect(plainReason(h.state(), h.status().reason)).toBe(words);
  });
});
