import { describe, expect, it } from 'vitest';
import { encodeJsonEvent } from '@/lib/sse/wire';
import { connectionHarness, hello, metric, reset } from '@/lib/client/testing/connection-harness';
import { settle } from '@/lib/client/testing/fake-env';
import { plainReason } from './plain-reason';

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
  const words = () => plainReason(h.state(), h.status().reason);
  /** Live on a server with the default heartbeat whose feeds tick at 1 Hz. */
  const live = async () => {
    h.start();
    const stream = h.fake.last().open();
    stream.send(hello({ heartbeatMs: 15_000, dataIntervalMs: 1000 }) + metric(1));
    await settle();
    return stream;
  };
  const nextAttempt = () => h.fake.advance(h.status().retryAt! - h.fake.now);

  it('a stream that opens: receiving live data', async () => {
    await live();
    expect(h.state()).toBe('live');
    expect(words()).toBe('Receiving live data');
  });

  it("a server that refuses connections, from the first attempt: can't reach the server", async () => {
    h.start();
    h.fake.last().refuse();
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(words()).toBe("Can't reach the server, trying again");
  });

  it('a server killed under an open stream: the connection is lost, then the server cannot be reached', async () => {
    const stream = await live();
    stream.cut();
    await settle();
    expect(words()).toBe('Connection to the server lost, trying again');
    await nextAttempt();
    h.fake.last().refuse();
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(words()).toBe("Can't reach the server, trying again");
  });

  it('a link that stops forwarding without closing: no data, within 3 s at 1 Hz', async () => {
    await live();
    await h.fake.advance(3000);
    expect(h.state()).toBe('stale');
    expect(words()).toBe('No data for 3.0 s, the link looks dead');
  });

  it('a device that goes offline and loses its stream: offline', async () => {
    const stream = await live();
    h.fake.setOnline(false);
    stream.cut();
    await settle();
    expect(h.state()).toBe('offline');
    expect(words()).toBe('This device is offline');
  });

  it('a server that ends the stream: closed by the server', async () => {
    const stream = await live();
    stream.end();
    await settle();
    expect(words()).toBe('The server closed the stream');
  });

  it('a full server (503): busy, waiting for a slot', async () => {
    h.start();
    h.fake.last().respond(503, JSON.stringify({ error: { code: 'too_many_connections', message: 'full' } }), {
      'content-type': 'application/json',
      'retry-after': '2',
    });
    await settle();
    expect(words()).toBe('Server busy, waiting for a free slot');
  });

  it('a session refused (401, nothing to renew it with): signed out', async () => {
    h.start();
    h.fake.last().respond(401, JSON.stringify({ error: { code: 'session_missing', message: 'no session' } }), {
      'content-type': 'application/json',
    });
    await settle();
    expect(h.state()).toBe('failed');
    expect(words()).toBe('Signed out: sign in again to see live data');
  });

  it('a restarted server (reset with a new epoch): catching up from a snapshot', async () => {
    const stream = await live();
    stream.cut();
    await settle();
    await nextAttempt();
    h.fake
      .last()
      .open()
      .send(hello({ resumed: false }) + encodeJsonEvent('reset', reset, reset.cursor));
    await settle();
    expect(h.state()).toBe('resyncing');
    expect(words()).toBe('The server restarted: catching up from a snapshot');
  });

  it('"Reconnect now": reconnecting, as requested', async () => {
    await live();
    h.manager.reconnectNow({ kind: 'user' });
    expect(words()).toBe('Reconnecting, as requested');
  });
});
