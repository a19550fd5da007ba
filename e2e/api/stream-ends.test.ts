import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { health, waitForHealth } from '../fixtures/health';
import { STREAM_PATHS, startNextServer, type NextServer } from '../fixtures/next-server';
import { connectSse, seqsByFeed, type SseClient, type SseRecord } from '../fixtures/sse-client';
import { HIDDEN_FEED, LIMITED_FEED, signIn as signInAs, type TestUserRole } from '../fixtures/test-config';

/**
 * Streams that end on purpose, on both stream paths (docs/protocol.md, "Planned ends"):
 * rotation after SSE_MAX_STREAM_MS minus ≤ 10 % jitter (`event: rotate`), the end at session
 * expiry (`event: auth` expired) and at sign-out (`event: auth` revoked), each followed by a
 * short `retry:` and a clean end, and a resume from the cursor with no gap and no duplicate.
 */

const SECRET = 'integration-test-secret-0123456789abcdef';
const MAX_STREAM_MS = 3000;
/** How late a server timer may fire on a busy machine; the early side stays exact. */
const LATE_SLACK_MS = 1500;

type EventRecord = Extract<SseRecord, { kind: 'event' }>;
const eventNamed = (client: SseClient, name: string) =>
  client.records.find((r): r is EventRecord => r.kind === 'event' && r.event === name);

function useServer(streamPath: (typeof STREAM_PATHS)[number], env: Record<string, string>) {
  const box: { server?: NextServer; clients: SseClient[] } = { clients: [] };
  beforeAll(async () => {
    box.server = await startNextServer({
      streamPath,
      env: {
        AUTH_MODE: 'session',
        AUTH_SECRET: SECRET,
        METRICS_INTERVAL_MS: '100',
        SSE_HEARTBEAT_MS: '1000',
        ...env,
      },
    });
  });
  afterEach(async () => {
    box.clients.forEach((client) => client.close());
    box.clients = [];
    await waitForHealth(url(), (h) => h.connections === 0, { what: 'no open stream' });
  });
  afterAll(() => box.server?.stop('SIGKILL'));
  const url = () => {
    if (!box.server) throw new Error('server not started');
    return box.server.url;
  };
  const signIn = (role: TestUserRole = 'full') => signInAs(url(), role);
  const connect = async (path: string, headers: Record<string, string>) => {
    const client = await connectSse(`${url()}${path}`, { headers });
    box.clients.push(client);
    return client;
  };
  return { url, signIn, connect };
}

describe.each(STREAM_PATHS)('planned rotation (%s path)', (streamPath) => {
  const { url, signIn, connect } = useServer(streamPath, {
    SSE_MAX_STREAM_MS: String(MAX_STREAM_MS),
    AUTH_SESSION_TTL_S: '600',
  });

  it('ends each stream after the max minus ≤ 10 % jitter with event: rotate, a short retry and a clean end', async () => {
    const cookie = await signIn();
    const before = (await health(url())) as unknown as { streams: { rotations: number; opened: number } };
    const openedAt = Date.now();
    const client = await connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie });
    expect(client.response.status).toBe(200);
    await client.waitFor((c) => eventNamed(c, 'rotate') !== undefined, MAX_STREAM_MS + 10_000, 'event: rotate');
    const rotate = eventNamed(client, 'rotate')!;
    const elapsed = rotate.at - openedAt;
    expect(elapsed).toBeGreaterThanOrEqual(MAX_STREAM_MS * 0.9 - 50);
    expect(elapsed).toBeLessThanOrEqual(MAX_STREAM_MS + LATE_SLACK_MS);
    expect(JSON.parse(rotate.data)).toEqual({ reason: 'max_age' });
    expect(await client.ended).toBe('end');
    // The short retry comes right after the event, so a native EventSource returns at once.
    const after = client.records.slice(client.records.indexOf(rotate) + 1);
    expect(after).toEqual([expect.objectContaining({ kind: 'retry', ms: 250 })]);

    const now = (await waitForHealth(url(), (h) => h.connections === 0)) as unknown as {
      streams: { rotations: number; opened: number; closed: { rotate: number } };
    };
    expect(now.streams.rotations).toBe(before.streams.rotations + 1);
    expect(now.streams.closed.rotate).toBe(now.streams.rotations);
    expect(now.streams.opened).toBe(before.streams.opened + 1);
  });

  it('resumes from the cursor across two rotations with no gap and no duplicate', async () => {
    const cookie = await signIn();
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 3; i += 1) {
      const client = await connect(`/api/stream?feeds=${HIDDEN_FEED}`, {
        cookie,
        ...(cursor ? { 'Last-Event-ID': cursor } : {}),
      });
      if (i < 2) {
        await client.waitFor((c) => eventNamed(c, 'rotate') !== undefined, MAX_STREAM_MS + 10_000, 'event: rotate');
        await client.ended;
      } else {
        await client.waitFor((c) => c.metrics().length >= 5, 10_000, 'metrics after the second rotation');
        expect(client.hello()?.resumed).toBe(true);
      }
      seen.push(...(seqsByFeed(client.metrics()).get(HIDDEN_FEED) ?? []));
      cursor = client.lastCursor();
    }
    // With a cursor from the start, every stream continues the last: consecutive seqs.
    const first = seen[0]!;
    expect(seen).toEqual(seen.map((_, i) => first + i));
  });
});

describe.each(STREAM_PATHS)('session ends (%s path)', (streamPath) => {
  const { url, signIn, connect } = useServer(streamPath, { AUTH_SESSION_TTL_S: '5' });

  it('ends the stream at session expiry with event: auth expired; a renewed session resumes', async () => {
    const cookie = await signIn();
    const signedInAt = Date.now();
    const client = await connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie });
    expect(client.response.status).toBe(200);
    await client.waitFor((c) => eventNamed(c, 'auth') !== undefined, 15_000, 'event: auth');
    const auth = eventNamed(client, 'auth')!;
    expect(JSON.parse(auth.data)).toEqual({ reason: 'expired' });
    // A JWT's `exp` is in whole seconds, so the session ends up to 1 s before sign-in + TTL.
    expect(auth.at - signedInAt).toBeGreaterThanOrEqual(5000 - 1000 - 100);
    expect(auth.at - signedInAt).toBeLessThanOrEqual(5000 + LATE_SLACK_MS);
    expect(await client.ended).toBe('end');

    // The expired cookie opens nothing; the refresh route renews it, and the stream resumes.
    const refused = await connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie });
    expect(refused.response.status).toBe(401);
    const refresh = await fetch(`${url()}/api/auth/refresh`, { method: 'POST', headers: { cookie } });
    expect(refresh.status).toBe(200);
    const renewed = (refresh.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const cursor = client.lastCursor()!;
    const resumed = await connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie: renewed, 'Last-Event-ID': cursor });
    await resumed.waitFor((c) => c.metrics().length > 0, 10_000, 'a metric after renewal');
    expect(resumed.hello()?.resumed).toBe(true);
    const lastSeq = client.metrics().at(-1)!.seq;
    expect(resumed.metrics()[0]!.seq).toBe(lastSeq + 1);
  });

  it('ends a signed-out session’s streams within a few seconds with event: auth revoked', async () => {
    const cookie = await signIn();
    const a = await connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie });
    const b = await connect('/api/stream', { cookie });
    const bystander = await connect(`/api/stream?feeds=${HIDDEN_FEED}`, { cookie: await signIn('limited') });
    expect(bystander.response.status).toBe(403); // the limited user may not read it (scope check, not ours here)
    const other = await connect(`/api/stream?feeds=${LIMITED_FEED}`, { cookie: await signIn('limited') });
    await Promise.all([a, b, other].map((c) => c.waitFor((x) => x.hello() !== undefined, 10_000, 'hello')));

    const signedOutAt = Date.now();
    const out = await fetch(`${url()}/api/auth/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(200);
    for (const client of [a, b]) {
      await client.waitFor((c) => eventNamed(c, 'auth') !== undefined, 3000, 'event: auth revoked');
      expect(JSON.parse(eventNamed(client, 'auth')!.data)).toEqual({ reason: 'revoked' });
      expect(await client.ended).toBe('end');
    }
    expect(Date.now() - signedOutAt).toBeLessThan(3000);
    // Another session's stream is untouched, and the revoked cookie opens nothing any more.
    expect(eventNamed(other, 'auth')).toBeUndefined();
    const again = await connect('/api/stream', { cookie });
    expect(again.response.status).toBe(401);
  });
});
