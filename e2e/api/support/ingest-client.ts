/**
 * A client of `POST /api/ingest` for the integration tests: one request, and a pusher that
 * retries a batch with the same `Idempotency-Key` and the same bytes until it gets an answer,
 * as a real producer must (the batch is then in the log exactly once, whatever happened to the
 * earlier attempts).
 */

/** The token the test servers are started with (`INGEST_TOKEN`, at least 32 characters). */
export const TEST_INGEST_TOKEN = 'integration-test-ingest-token-0123456789';

export interface IngestAnswer {
  status: number;
  headers: Headers;
  /** `{accepted, duplicate}` on 200, `{error: {code, message, points?}}` otherwise. */
  json: {
    accepted?: number;
    duplicate?: number;
    error?: { code: string; message: string; points?: { index: number; reason: string }[] };
  };
}

export interface IngestOptions {
  key?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Abort the request after this long. Default 10 000 ms. */
  timeoutMs?: number;
}

/** One request; throws on a network error (a cut, a refused connection, a timeout). */
export async function ingest(baseUrl: string, body: string, options: IngestOptions = {}): Promise<IngestAnswer> {
  const response = await fetch(`${baseUrl}/api/ingest`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${options.token ?? TEST_INGEST_TOKEN}`,
      'Content-Type': 'application/json',
      ...(options.key === undefined ? {} : { 'Idempotency-Key': options.key }),
      ...options.headers,
    },
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as IngestAnswer['json'] };
}

/** A body of one point per value, all for `feed`, without `ts` (the server's time). */
export function pointsBody(feed: string, values: readonly number[]): string {
  return JSON.stringify({ points: values.map((value) => ({ feed, value })) });
}

/** Where one attempt goes, and what to call when it is over (e.g. to tell a host the instance is idle again). */
export type Target = string | { url: string; release(): void };

export interface RetryOptions {
  /** Where the next attempt goes (e.g. any live instance); called before every attempt. */
  target: () => Target;
  /** Give up after this long. Default 30 000 ms. */
  timeoutMs?: number;
  /** Per-attempt timeout. Default 5000 ms. */
  attemptTimeoutMs?: number;
  /** Told about every attempt that got no final answer (a network error, a 503). */
  onRetry?: (reason: string) => void;
}

/**
 * Sends `body` under `key` until an answer other than a network error or a 503 comes back, and
 * returns it with the number of attempts. Same key, same bytes, every time.
 */
export async function pushUntilAnswered(
  body: string,
  key: string,
  options: RetryOptions,
): Promise<IngestAnswer & { attempts: number }> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let attempts = 1; ; attempts += 1) {
    let reason: string;
    const target = options.target();
    try {
      const url = typeof target === 'string' ? target : target.url;
      const answer = await ingest(url, body, { key, timeoutMs: options.attemptTimeoutMs ?? 5000 });
      if (answer.status !== 503) return { ...answer, attempts };
      reason = `503 ${answer.json.error?.code ?? ''}`;
    } catch (error) {
      reason = String(error);
    } finally {
      if (typeof target !== 'string') target.release();
    }
    options.onRetry?.(reason);
    if (Date.now() > deadline) throw new Error(`push ${key} got no answer in time (last: ${reason})`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempts, 500)));
  }
}
