import 'server-only';

/**
 * Reading a request body with a size limit that holds while reading, not after.
 *
 * `request.json()` and `request.formData()` buffer the whole body before anything can look at
 * it: one 200 MB upload costs 200 MB of memory (several at once, gigabytes) before a route even
 * sees that it is not a sign-in form. Here a declared `Content-Length` over the limit is refused
 * before one byte is read, and an undeclared (chunked) body is counted as it arrives and cancelled
 * the moment it passes the limit, so memory stays at the limit whatever the client sends.
 *
 * Routes answer `BodyTooLargeError` with `413` (`bodyTooLarge()` in http.ts).
 */

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';

  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
  }
}

/** The body as UTF-8 text, at most `maxBytes` bytes; throws `BodyTooLargeError` past it. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(maxBytes);
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, total));
}
