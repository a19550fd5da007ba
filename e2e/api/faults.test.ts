import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFaults, KIT_FAULTS_TOKEN } from '../fixtures/faults';
import { waitForHealth } from '../fixtures/health';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { connectSse } from '../fixtures/sse-client';
import { ALL_FEEDS, FIRST_FEED } from '../fixtures/test-config';

/** The test-only fault route: off by default, and each fault does what the drop suite needs. */

describe('fault route, by default', () => {
  let server: NextServer;
  beforeAll(async () => {
    server = await startNextServer();
  });
  afterAll(() => server?.stop('SIGKILL'));

  it.each(['GET', 'POST', 'DELETE'])('answers 404 to %s when ENABLE_FAULTS is not set', async (method) => {
    const response = await fetch(`${server.url}/api/faults`, {
      method,
      ...(method === 'POST' ? { body: '{"action":"drop"}' } : {}),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('fault route, with ENABLE_FAULTS=1', () => {
  let server: NextServer;
  const faults = () => createFaults(server.url);
  const stream = (headers: Record<string, string> = {}) =>
    connectSse(`${server.url}/api/stream?feeds=${FIRST_FEED}`, { headers });

  beforeAll(async () => {
    server = await startNextServer({ env: { AUTH_MODE: 'off', ENABLE_FAULTS: '1', METRICS_INTERVAL_MS: '3600000' } });
  });
  afterAll(() => server?.stop('SIGKILL'));
  // Each test starts with no stream open, whatever the one before it left.
  beforeEach(() => waitForHealth(server.url, (h) => h.connections === 0, { what: 'no open stream' }));

  it('publish: ticks on demand', async () => {
    const client = await stream();
    await faults().publish(3);
    await client.waitFor((c) => c.metrics().length === 3, 5000, '3 metrics');
    const [first] = client.metrics();
    expect(client.metrics().map((m) => m.seq)).toEqual([first!.seq, first!.seq + 1, first!.seq + 2]);
    client.close();
  });

  it('drop: cuts open streams mid-body', async () => {
    const client = await stream();
    await client.waitFor((c) => c.hello() !== undefined, 5000, 'hello');
    const result = await faults().drop();
    expect(result.streams).toBe(1);
    expect(await client.ended).toBe('error');
  });

  it('duplicates: re-sends the newest events with their original ids', async () => {
    const client = await stream();
    await faults().publish(2);
    await client.waitFor((c) => c.metrics().length === 2, 5000, '2 metrics');
    // The newest events of every feed: the two ticks just published.
    await faults().duplicates(2 * ALL_FEEDS.length);
    await client.waitFor((c) => c.metrics().length === 4, 5000, 'the repeats');
    const [a, b, c, d] = client.metrics();
    expect([c?.cursor, d?.cursor]).toEqual([a?.cursor, b?.cursor]);
    client.close();
  });

  it('evict: the next resume of an old cursor is cursor_evicted', async () => {
    const probe = await stream();
    await faults().publish(1);
    await probe.waitFor((c) => c.metrics().length === 1, 5000, 'a metric');
    probe.close();
    await faults().evict();
    const client = await stream({ 'Last-Event-ID': probe.lastCursor()! });
    await client.waitFor((c) => c.resets().length === 1, 5000, 'reset');
    expect(client.resets()[0]?.reason).toBe('cursor_evicted');
    client.close();
  });

  it('bump-epoch: acts like a restart (epoch_changed, seqs from 1)', async () => {
    const before = await stream();
    await faults().publish(1);
    await before.waitFor((c) => c.metrics().length === 1, 5000, 'a metric');
    await faults().bumpEpoch();
    expect(await before.ended).toBe('error');
    const after = await stream({ 'Last-Event-ID': before.lastCursor()! });
    await after.waitFor((c) => c.resets().length === 1, 5000, 'reset');
    expect(after.resets()[0]?.reason).toBe('epoch_changed');
    await faults().publish(1);
    await after.waitFor((c) => c.metrics().length === 1, 5000, 'a metric');
    expect(after.metrics()[0]?.seq).toBe(1);
    after.close();
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${server.url}/api/faults`, { method: 'POST', body, headers });
  const code = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;
  const json = { 'content-type': 'application/json', 'x-fault-token': KIT_FAULTS_TOKEN };

  it('rejects a bad body with 400 and a wrong method with 405', async () => {
    expect((await post('{"action":"explode"}', json)).status).toBe(400);
    expect((await post('drop', json)).status).toBe(400);
    const get = await fetch(`${server.url}/api/faults`, { headers: { 'x-fault-token': KIT_FAULTS_TOKEN } });
    expect(get.status).toBe(405);
  });

  it('needs the process token and a JSON content type: a cross-site text/plain POST is refused (no CSRF)', async () => {
    const noToken = await post('{"action":"drop"}', { 'content-type': 'application/json' });
    expect([noToken.status, await code(noToken)]).toEqual([403, 'fault_token']);
    const wrongToken = await post('{"action":"drop"}', { ...json, 'x-fault-token': 'guess-guess-guess-guess' });
    expect(wrongToken.status).toBe(403);
    const plain = await post('{"action":"drop"}', { 'content-type': 'text/plain', 'x-fault-token': KIT_FAULTS_TOKEN });
    expect([plain.status, await code(plain)]).toEqual([415, 'unsupported_media_type']);
  });
});
