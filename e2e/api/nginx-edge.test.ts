import { describe, expect, it } from 'vitest';
import { PUBLIC_DEMO_ENV } from '../fixtures/auth';
import { KIT_FAULTS_TOKEN } from '../fixtures/faults';
import { waitForHealth } from '../fixtures/health';
import { canRun } from '../fixtures/binaries';
import { useNginxFront, type Answer } from './support/nginx-front';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * The reference nginx config's own rules (deploy/nginx.conf), checked against a real nginx in
 * front of a real production server: the per-address stream limit answers each kind of client
 * in a way it can come back from, and the fault route never crosses the edge.
 */

/** deploy/nginx.conf: `limit_conn streams_per_ip 20`. */
const EDGE_STREAMS_PER_ADDRESS = 20;

describe.skipIf(!canRun('nginx', 'nginx edge tests') || !canRun('openssl', 'nginx edge tests'))(
  'the reference nginx in front of the app',
  () => {
    const front = useNginxFront({
      ...PUBLIC_DEMO_ENV,
      // The app's own per-client cap sits above the edge's, so the edge is what refuses.
      SSE_MAX_STREAMS_PER_CLIENT: '1000',
      ENABLE_FAULTS: '1',
      FAULTS_TOKEN: KIT_FAULTS_TOKEN,
    });
    const { request, text } = front;

    it('past the streams-per-address limit: a native EventSource gets retry: in a 200, our client a 429 with Retry-After', async () => {
      const open: Answer[] = [];
      for (let i = 0; i < EDGE_STREAMS_PER_ADDRESS; i += 1) {
        open.push(await request(`/api/stream?feeds=${FIRST_FEED}`, { accept: 'text/event-stream' }));
      }
      expect(open.map((answer) => answer.status)).toEqual(open.map(() => 200));
      await waitForHealth(front.server.url, (h) => h.connections === EDGE_STREAMS_PER_ADDRESS, {
        what: `${EDGE_STREAMS_PER_ADDRESS} streams open`,
      });

      // No opt-in header (a native EventSource): a 200 event stream that only says when to retry.
      const native = await request(`/api/stream?feeds=${FIRST_FEED}`, { accept: 'text/event-stream' });
      expect(native.status).toBe(200);
      expect(native.headers['content-type']).toBe('text/event-stream');
      const body = await text(native);
      expect(body).toMatch(/^retry: 5000\n: .*too_many_streams.*\n\n$/);

      // Our fetch client (X-Stream-Refusals: status): the same JSON and Retry-After as the app's cap.
      const ours = await request(`/api/stream?feeds=${FIRST_FEED}`, { 'x-stream-refusals': 'status' });
      expect(ours.status).toBe(429);
      expect(ours.headers['retry-after']).toBe('5');
      expect(JSON.parse(await text(ours))).toMatchObject({ error: { code: 'too_many_streams' } });

      // A slot frees when a stream ends, and the next attempt gets in.
      open.shift()!.stream.close();
      await waitForHealth(front.server.url, (h) => h.connections === EDGE_STREAMS_PER_ADDRESS - 1, {
        what: 'one stream closed',
      });
      const again = await request(`/api/stream?feeds=${FIRST_FEED}`, { accept: 'text/event-stream' });
      expect(again.status).toBe(200);
      const first = await new Promise<string>((resolve) => {
        again.stream.setEncoding('utf8');
        again.stream.once('data', (chunk: string) => resolve(chunk));
      });
      expect(first).not.toMatch(/too_many_streams/);
      [again, ...open].forEach((answer) => answer.stream.close());
      await waitForHealth(front.server.url, (h) => h.connections === 0, { what: 'every stream closed' });
    });

    it('the fault route never crosses the edge, even enabled and with its token', async () => {
      // Enabled behind nginx: the instance itself accepts the token.
      const direct = await fetch(`${front.server.url}/api/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fault-token': KIT_FAULTS_TOKEN },
        body: '{"action":"publish"}',
      });
      expect(direct.status).toBe(200);
      const edge = await request(
        '/api/faults',
        { 'content-type': 'application/json', 'x-fault-token': KIT_FAULTS_TOKEN },
        '{"action":"publish"}',
      );
      expect(edge.status).toBe(404);
      await text(edge);
    });
  },
);
