import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBodyText } from './request-body';

/** A body that produces `chunk` forever (or `count` times), counting what was pulled and whether it was cancelled. */
function endlessBody(chunk: Uint8Array, count = Infinity) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled >= count) return controller.close();
      seen.pulled += 1;
      controller.enqueue(chunk);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { body, seen };
}

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('readBodyText', () => {
  it('reads a body within the limit, multi-byte characters split across chunks included', async () => {
    const bytes = new TextEncoder().encode('{"user":"é✓"}');
    const parts = [bytes.slice(0, 10), bytes.slice(10)];
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => (parts.length ? controller.enqueue(parts.shift()!) : controller.close()),
    });
    expect(await readBodyText(post(body), 64)).toBe('{"user":"é✓"}');
    expect(await readBodyText(post(null), 64)).toBe('');
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const { body, seen } = endlessBody(new Uint8Array(1024));
    const request = post(body, { 'content-length': String(200 << 20) });
    await expect(readBodyText(request, 4096)).rejects.toEqual(new BodyTooLargeError(4096));
    expect(seen.pulled).toBeLessThanOrEqual(1); // the stream may prefetch one chunk; nothing is kept
  });

  it('cancels an undeclared body as soon as it passes the limit', async () => {
    const { body, seen } = endlessBody(new Uint8Array(1024));
    const error = await readBodyText(post(body), 4096).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limitBytes).toBe(4096);
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(6); // 5 chunks pass 4 KiB, plus at most one prefetched
  });

  it('accepts a body of exactly the limit', async () => {
    const { body } = endlessBody(new TextEncoder().encode('ab'), 2);
    expect(await readBodyText(post(body), 4)).toBe('abab');
  });
});
