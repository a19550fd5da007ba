import 'server-only';

/**
 * Reading a request body with a size limit that holds while it is read: a `Content-Length`
 * over the limit is refused before a byte is read, and a body without one (chunked) is counted
 * as it arrives and cancelled the moment it passes the limit, so a client cannot make the
 * server buffer more than `maxBytes` by lying about, or leaving out, the length.
 */

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the request body is larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The body as UTF-8 text; throws a `BodyTooLargeError` past `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(maxBytes);
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
}
