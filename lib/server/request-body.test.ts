import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBodyText } from './request-body';

/** A streamed body (no Content-Length unless given) that records how many chunks were pulled from it. */
function chunked(chunks: string[], headers: Record<string, string> = {}): { request: Request; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled];
      pulled += 1;
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
  });
  const request = new Request('http://test/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('readBodyText', () => {
  it('reads a body within the limit, multi-byte characters split across chunks included', async () => {
    const euro = new TextEncoder().encode('€');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(euro.slice(0, 1));
        controller.enqueue(euro.slice(1));
        controller.close();
      },
    });
    const request = new Request('http://test/', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await readBodyText(request, 3)).toBe('€');
  });

  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    const { request, pulled } = chunked(['x'.repeat(11)], { 'content-length': '11' });
    await expect(readBodyText(request, 10)).rejects.toEqual(new BodyTooLargeError(10));
    expect(pulled()).toBe(0);
  });

  it('stops reading a body without a length as soon as it passes the limit', async () => {
    const { request, pulled } = chunked(['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']);
    const error = await readBodyText(request, 6).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limitBytes).toBe(6);
    // The second chunk passed the limit: the rest was never pulled.
    expect(pulled()).toBeLessThanOrEqual(3);
  });

  it('accepts a body of exactly the limit, and an empty one', async () => {
    expect(await readBodyText(chunked(['abc', 'def']).request, 6)).toBe('abcdef');
    expect(await readBodyText(new Request('http://test/', { method: 'POST' }), 6)).toBe('');
  });
});
