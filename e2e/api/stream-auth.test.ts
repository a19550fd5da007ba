import { describe, expect, it } from 'vitest';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import type { Snapshot } from '@/lib/metrics/events';
import { cookieFrom, mintSessionCookie, signIn } from '../fixtures/auth';
import { STREAM_PATHS } from '../fixtures/next-server';
import { useStreamServer } from './support/stream-server';
import { HIDDEN_FEED, LIMITED_FEED, LIMITED_FEEDS, TEST_USERS } from '../fixtures/test-config';

/**
 * Auth on the data routes (docs/auth.md, docs/protocol.md), against `next start` on both stream
 * paths: who may open a stream or read a snapshot (401 with the reason), which feeds they get
 * (scoped, 403 for a forbidden one), and that a cursor grants nothing: a resume's replay and a
 * reset's snapshot carry only what the principal may read now. Then the per-session stream cap.
 */

const VIEWER_FEEDS = LIMITED_FEEDS;
const sorted = (list: Iterable<string>) => [...list].sort();

interface ErrorBody {
  error: { code: string; message: string };
}

describe.each(STREAM_PATHS)('auth on the stream and snapshot (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, {
    AUTH_MODE: 'session',
    METRICS_INTERVAL_MS: '100',
    SSE_MAX_STREAMS_PER_CLIENT: '2',
  });
  const snapshot = (path: string, cookie?: string) =>
    fetch(`${api.server.url}${path}`, cookie ? { headers: { cookie } } : {});

  /** The 401 both data routes give, with the reason as the code. */
  async function expectRefused(cookie: string | undefined, code: string): Promise<void> {
    const stream = await api.connect('/api/stream', cookie ? { cookie } : {});
    expect(stream.response.status).toBe(401);
    expect(((await stream.response.json()) as ErrorBody).error.code).toBe(code);
    const snap = await snapshot('/api/snapshot', cookie);
    expect(snap.status).toBe(401);
    expect(((await snap.json()) as ErrorBody).error.code).toBe(code);
  }

  it('answers 401 session_missing without a session', async () => {
    await expectRefused(undefined, 'session_missing');
  });

  it('answers 401 session_expired for an expired session', async () => {
    await expectRefused(
      await mintSessionCookie({ user: TEST_USERS.full.id, expiresAt: Date.now() - 60_000 }),
      'session_expired',
    );
  });

  it('answers 401 session_invalid for a tampered token and one signed with another key', async () => {
    const real = await signIn(api.server.url, 'limited');
    // Claim to be the full user with the limited user's signature: the payload no longer matches it.
    const [header, , signature] = real.split('=')[1]!.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: TEST_USERS.full.id, sid: 'x', iss: 'realtime-dashboard', exp: 4e9 }),
    ).toString('base64url');
    await expectRefused(`rtd_session=${header}.${forged}.${signature}`, 'session_invalid');
    const foreign = await mintSessionCookie({
      user: TEST_USERS.full.id,
      expiresAt: Date.now() + 60_000,
      secret: 'another-secret-of-at-least-32-characters!',
    });
    await expectRefused(foreign, 'session_invalid');
  });

  it('answers 401 session_revoked after sign-out, for the cookie that was signed out', async () => {
    const cookie = await signIn(api.server.url, 'full');
    const open = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie });
    expect(open.response.status).toBe(200);
    open.close();
    const out = await fetch(`${api.server.url}/api/auth/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(200);
    await expectRefused(cookie, 'session_revoked');
  });

  it('gives a signed-in viewer only its feeds when it asks for none, and 403 feed_forbidden for another', async () => {
    const cookie = await signIn(api.server.url, 'limited');
    const stream = await api.connect('/api/stream', { cookie });
    expect(stream.response.status).toBe(200);
    await stream.waitFor((c) => c.metrics().length >= 6, 10_000, 'some metrics');
    expect(sorted(stream.hello()!.feeds)).toEqual(sorted(VIEWER_FEEDS));
    expect(sorted(new Set(stream.metrics().map((m) => m.feed)))).toEqual(sorted(VIEWER_FEEDS));

    const forbidden = await api.connect(`/api/stream?feeds=${LIMITED_FEED},${HIDDEN_FEED}`, { cookie });
    expect(forbidden.response.status).toBe(403);
    expect(((await forbidden.response.json()) as ErrorBody).error).toMatchObject({ code: 'feed_forbidden' });

    const snap = await snapshot('/api/snapshot', cookie);
    expect(snap.status).toBe(200);
    expect(sorted(Object.keys(((await snap.json()) as Snapshot).feeds))).toEqual(sorted(VIEWER_FEEDS));
    const snapForbidden = await snapshot(`/api/snapshot?feeds=${HIDDEN_FEED}`, cookie);
    expect(snapForbidden.status).toBe(403);
    expect(((await snapForbidden.json()) as ErrorBody).error.code).toBe('feed_forbidden');

    // ops reads everything, with or without ?feeds.
    const ops = await signIn(api.server.url, 'full');
    const all = await snapshot('/api/snapshot', ops);
    expect(sorted(Object.keys(((await all.json()) as Snapshot).feeds))).toEqual(sorted(FEED_NAMES));
  });

  it('replays to a viewer only its feeds, even from a cursor an ops stream was given', async () => {
    const ops = await signIn(api.server.url, 'full');
    const source = await api.connect('/api/stream', { cookie: ops });
    await source.waitFor(
      (c) => new Set(c.metrics().map((m) => m.feed)).size === FEED_NAMES.length,
      10_000,
      'every feed',
    );
    source.close();
    const cursor = source.lastCursor()!;
    const offset = Number(cursor.split('.')[1]);
    // A few ticks of every feed published since that cursor.
    await api.waitForHealth((h) => Number(h.bus.head?.split('.')[1]) - offset >= 3 * FEED_NAMES.length, 'ticks');

    const viewer = await signIn(api.server.url, 'limited');
    const resumed = await api.connect('/api/stream', { cookie: viewer, 'Last-Event-ID': cursor });
    expect(resumed.response.status).toBe(200);
    await resumed.waitFor((c) => c.hello() !== undefined, 10_000, 'hello');
    const hello = resumed.hello()!;
    expect(hello.resumed).toBe(true);
    expect(hello.replayed).toBeGreaterThanOrEqual(3 * VIEWER_FEEDS.length);
    await resumed.waitFor((c) => c.metrics().length >= hello.replayed, 10_000, 'the replay');
    const replay = resumed.metrics().slice(0, hello.replayed);
    expect(sorted(new Set(replay.map((m) => m.feed)))).toEqual(sorted(VIEWER_FEEDS));
    expect(resumed.resets()).toEqual([]);
  });

  it('sends a viewer with a bad cursor a reset whose snapshot has only its feeds', async () => {
    const viewer = await signIn(api.server.url, 'limited');
    const client = await api.connect('/api/stream', { cookie: viewer, 'Last-Event-ID': 'not-a-cursor' });
    await client.waitFor((c) => c.resets().length === 1, 10_000, 'the reset');
    const [reset] = client.resets();
    expect(reset!.reason).toBe('cursor_invalid');
    expect(sorted(Object.keys(reset!.feeds))).toEqual(sorted(VIEWER_FEEDS));
  });

  it('caps open streams per session with 429 too_many_streams + Retry-After; other sessions and freed slots pass', async () => {
    const ops = await signIn(api.server.url, 'full');
    const a = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie: ops });
    const b = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie: ops });
    expect([a.response.status, b.response.status]).toEqual([200, 200]);

    const refused = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie: ops });
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.response.json()) as ErrorBody).error.code).toBe('too_many_streams');

    // A client that does not say it reads status codes (a native EventSource) is told in-band.
    const native = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, {
      cookie: ops,
      'X-Stream-Refusals': 'in-band',
    });
    expect(native.response.status).toBe(200);
    expect(await native.ended).toBe('end');
    expect(native.records.some((r) => r.kind === 'retry')).toBe(true);
    expect(native.records.some((r) => r.kind === 'comment' && r.text.includes('too_many_streams'))).toBe(true);

    const viewer = await api.connect(`/api/stream?feeds=${LIMITED_FEED}`, {
      cookie: await signIn(api.server.url, 'limited'),
    });
    expect(viewer.response.status).toBe(200);
    // Another visitor signed in as the same shared demo user is another client (auth-abuse-caps.test.ts).
    const opsAgain = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, {
      cookie: await signIn(api.server.url, 'full'),
    });
    expect(opsAgain.response.status).toBe(200);

    a.close();
    await api.waitForHealth((h) => h.connections === 3, 'a freed slot');
    const again = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie: ops });
    expect(again.response.status).toBe(200);
  });
});

describe.each(STREAM_PATHS)('snapshot and reset rate limits (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, {
    AUTH_MODE: 'session',
    SNAPSHOT_RATE_BURST: '3',
    SNAPSHOT_RATE_PER_S: '1',
  });

  it('answers 429 rate_limited + Retry-After once a client spent its snapshot budget', async () => {
    const cookie = await signIn(api.server.url, 'full');
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => fetch(`${api.server.url}/api/snapshot`, { headers: { cookie } })),
    );
    const limited = answers.filter((r) => r.status === 429);
    // 3 at once plus at most what refilled while the six were answered.
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(3);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(((await limited[0]!.json()) as ErrorBody).error.code).toBe('rate_limited');
  });

  it('tells a stream that needs a reset past the budget to come back (retry + end), not a snapshot', async () => {
    const cookie = await signIn(api.server.url, 'limited');
    const clients = await Promise.all(
      Array.from({ length: 6 }, () => api.connect('/api/stream', { cookie, 'Last-Event-ID': 'bad' })),
    );
    await Promise.all(
      clients.map((c) =>
        c.waitFor(
          (x) =>
            x.resets().length > 0 || x.records.some((r) => r.kind === 'comment' && r.text.includes('rate_limited')),
          10_000,
          'a reset or a refusal',
        ),
      ),
    );
    const refused = clients.filter((c) => c.resets().length === 0);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const client of refused) {
      expect(await client.ended).toBe('end');
      expect(client.records.find((r) => r.kind === 'retry')).toMatchObject({ kind: 'retry' });
      expect(client.metrics()).toEqual([]);
    }
  });
});

describe.each(STREAM_PATHS)('per-IP stream cap, public demo (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, {
    AUTH_MODE: 'off',
    SSE_MAX_STREAMS_PER_CLIENT: '1',
    TRUSTED_PROXIES: '127.0.0.1',
  });

  it('counts streams per IP, and per forwarded client behind a trusted proxy', async () => {
    const first = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`);
    expect(first.response.status).toBe(200);
    const second = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`);
    expect(second.response.status).toBe(429);
    expect(((await second.response.json()) as ErrorBody).error.code).toBe('too_many_streams');

    // Through a trusted proxy (the socket peer is 127.0.0.1): X-Forwarded-For names the client.
    const viaProxyA = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { 'X-Forwarded-For': '10.0.0.1' });
    const viaProxyB = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { 'X-Forwarded-For': '10.0.0.2' });
    expect([viaProxyA.response.status, viaProxyB.response.status]).toEqual([200, 200]);
    const againA = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { 'X-Forwarded-For': '10.0.0.1' });
    expect(againA.response.status).toBe(429);
  });
});

describe('per-IP stream cap without trusted proxies (raw path, which sees the socket)', () => {
  const api = useStreamServer('raw', { AUTH_MODE: 'off', SSE_MAX_STREAMS_PER_CLIENT: '1' });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const first = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`);
    expect(first.response.status).toBe(200);
    const forged = await api.connect(`/api/stream?feeds=${HIDDEN_FEED}`, { 'X-Forwarded-For': '10.9.9.9' });
    expect(forged.response.status).toBe(429);
  });
});

describe('the feed catalogue and the server-rendered page are scoped too', () => {
  const api = useStreamServer('route', { AUTH_MODE: 'session' });

  it('lists only the feeds the caller may read, and 401 without a session', async () => {
    expect((await fetch(`${api.server.url}/api/feeds`)).status).toBe(401);
    const viewer = await fetch(`${api.server.url}/api/feeds`, {
      headers: { cookie: await signIn(api.server.url, 'limited') },
    });
    const body = (await viewer.json()) as { mode: string; feeds: { name: string }[] };
    expect(body.mode).toBe('session');
    expect(sorted(body.feeds.map((f) => f.name))).toEqual(sorted(VIEWER_FEEDS));
  });

  it('server-renders data only for the feeds the visitor may read, and no card without a session', async () => {
    /** Each card's `data-last-seq` in the server HTML, by feed (0: rendered without data). */
    const seqsInHtml = async (cookie?: string) => {
      const html = await (await fetch(`${api.server.url}/`, cookie ? { headers: { cookie } } : {})).text();
      const cards = [...html.matchAll(/<[^>]*data-feed="(\w+)"[^>]*>/g)].map((m) => [
        m[1]!,
        Number(/data-last-seq="(\d+)"/.exec(m[0])?.[1] ?? 0),
      ]);
      return Object.fromEntries(cards) as Record<string, number>;
    };
    await api.waitForHealth((h) => h.producer.ticks >= 2, 'two ticks');
    const ops = await seqsInHtml(await signIn(api.server.url, 'full'));
    expect(Object.keys(ops).length).toBeGreaterThan(0);
    expect(Object.values(ops).every((seq) => seq > 0)).toBe(true);
    const viewer = await seqsInHtml(await signIn(api.server.url, 'limited'));
    expect(sorted(Object.keys(viewer).filter((feed) => viewer[feed]! > 0))).toEqual(sorted(VIEWER_FEEDS));
    // Without a session the page is the sign-in panel: no card at all, so no data.
    expect(await seqsInHtml()).toEqual({});
  });

  it('signs in with the cookie the route sets (fixture sanity)', async () => {
    const response = await fetch(`${api.server.url}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_USERS.full.credentials),
    });
    expect(cookieFrom(response)).toMatch(/^rtd_session=/);
  });
});
