import { describe, expect, it } from 'vitest';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { loadSnapshot } from './snapshot-loader';

/** One attempt's outcome: a timeout is told apart from an answer that is a failure (follower-apply.ts asks again only after a timeout). */

const snapshot: WireSnapshot = { epoch: 'ep', cursor: 'ep.5', windowMs: 1000, feeds: {} };
const answering =
  (response: Response): typeof fetch =>
  () =>
    Promise.resolve(response);
/** A fetch that never answers, and rejects when its signal aborts, as the browser's does. */
const hanging: typeof fetch = (_, init) =>
  new Promise((_resolve, reject) =>
    init?.signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError'))),
  );

describe('loadSnapshot()', () => {
  it('gives the validated snapshot', async () => {
    const attempt = await loadSnapshot(
      answering(Response.json(snapshot)),
      '/api/snapshot',
      new AbortController().signal,
    );
    expect(attempt).toEqual({ ok: true, snapshot });
  });

  it('an error status, a bad body or a refused connection is a failed answer, not a timeout', async () => {
    const signal = new AbortController().signal;
    const refused: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    for (const fetchImpl of [
      answering(Response.json({ error: 'rate_limited' }, { status: 429 })),
      answering(Response.json({ epoch: 3 })),
      refused,
    ])
      expect(await loadSnapshot(fetchImpl, '/api/snapshot', signal)).toEqual({ ok: false, timedOut: false });
  });

  it('an attempt its signal ended timed out', async () => {
    const controller = new AbortController();
    const pending = loadSnapshot(hanging, '/api/snapshot', controller.signal);
    controller.abort();
    expect(await pending).toEqual({ ok: false, timedOut: true });
  });
});
