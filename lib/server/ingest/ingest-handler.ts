import 'server-only';
import { retryAfterSeconds } from '../admission';
import type { IngestOutcome } from '../bus';
import { errorAnswer, methodNotAllowedAnswer, type PlainAnswer } from '../http';
import { addressKey } from '../limits/client-key';
import { BodyTooLargeError, readBodyText } from '../request-body';
import type { Runtime } from '../runtime';
import { clientIpFromHeaders, trustedProxies } from '../security/forwarded';
import { getServerMetrics } from '../observability/server-metrics';
import { serving } from '../serving';
import { BEARER_CHALLENGE, checkBearer } from './bearer-token';
import { IDEMPOTENCY_HEADER, idempotencyKey, parseIdempotencyKey } from './idempotency-key';
import { parseIngestBody, type PointProblem } from './ingest-body';

/** What ingest needs of the runtime (runtime.ts). */
export type IngestRuntime = Pick<Runtime, 'env' | 'bus' | 'ingestLimiter' | 'draining' | 'revocationChannel'>;

/**
 * `POST /api/ingest`: points pushed from outside (services, cron jobs, queues, scripts) into
 * the same log the source publishes to, so they reach every open stream with the next seqs of
 * their feed, resumable like any other event. docs/protocol.md has the contract and curl
 * examples. Checked in this order, cheapest first, and never a 5xx for bad input:
 *
 *   404 INGEST_TOKEN unset (the route does not exist) · 405 not POST · 401/403 bearer token ·
 *   429 this client's request budget · 415 not JSON · 400 bad Idempotency-Key · 503 the bus
 *   cannot take writes now · 413 body over INGEST_MAX_BODY_BYTES (while reading) · 400 not
 *   JSON / not {"points":[…]} / bad points (every one listed, nothing applied) · 422 the key was
 *   used with another body · 200 {"accepted":N,"duplicate":D}.
 */
export async function handleIngest(request: Request, runtime: IngestRuntime): Promise<PlainAnswer> {
  const answer = await answerIngest(request, runtime);
  // Counted by status only: the route's 404 while INGEST_TOKEN is unset is no ingest at all.
  if (runtime.env.INGEST_TOKEN) {
    const outcome =
      answer.status !== 200 ? 'rejected' : answer.headers['Idempotent-Replayed'] ? 'duplicate' : 'accepted';
    getServerMetrics().ingestRequests.inc({ outcome, status: String(answer.status) });
  }
  return answer;
}

async function answerIngest(request: Request, runtime: IngestRuntime): Promise<PlainAnswer> {
  const { env, bus } = runtime;
  const token = env.INGEST_TOKEN;
  if (!token) return errorAnswer(404, 'not_found', 'Not found.');
  if (request.method !== 'POST') return methodNotAllowedAnswer('POST');

  const bearer = checkBearer(request.headers.get('authorization'), token);
  if (!bearer.ok) {
    return errorAnswer(bearer.status, bearer.code, bearer.message, { 'WWW-Authenticate': BEARER_CHALLENGE });
  }
  const budget = runtime.ingestLimiter.take(clientKeyOf(request));
  if (!budget.ok) {
    return errorAnswer(429, 'rate_limited', 'Too many ingest requests from this client; retry later.', {
      'Retry-After': String(Math.max(1, Math.ceil(budget.retryAfterMs / 1000))),
    });
  }
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return errorAnswer(415, 'unsupported_media_type', 'Send Content-Type: application/json.');
  }
  const key = parseIdempotencyKey(request.headers.get(IDEMPOTENCY_HEADER));
  if (!key.ok) return errorAnswer(400, 'invalid_idempotency_key', key.message);
  const unavailable = () =>
    errorAnswer(503, 'bus_unavailable', 'The event bus cannot take points now; retry shortly.', {
      'Retry-After': String(retryAfterSeconds(env)),
      // A draining instance: the retry should open a new connection, to another instance.
      ...(runtime.draining ? { Connection: 'close' } : {}),
    });
  if (runtime.draining || !serving(runtime)) return unavailable();

  let text: string;
  try {
    text = await readBodyText(request, env.INGEST_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return errorAnswer(
        413,
        'body_too_large',
        `The body is larger than ${error.limitBytes} bytes; send smaller batches.`,
        {
          Connection: 'close',
        },
      );
    }
    return errorAnswer(400, 'invalid_body', 'The body could not be read.');
  }
  const parsed = parseIngestBody(text, Date.now());
  if (!parsed.ok && parsed.code === 'invalid_points') {
    return invalidPoints(parsed.problems, parsed.invalid, parsed.total);
  }
  if (!parsed.ok) return errorAnswer(400, parsed.code, parsed.message);

  let outcome: IngestOutcome;
  try {
    outcome = await bus.ingest(parsed.points, key.key === null ? null : idempotencyKey(key.key, text));
  } catch {
    // Redis failed, timed out or changed epoch mid-request: nothing was applied, or it was and
    // a keyed retry is answered as a duplicate. Either way, retrying is safe.
    return unavailable();
  }
  switch (outcome.kind) {
    case 'applied':
      getServerMetrics().ingestPoints.inc({ outcome: 'accepted' }, outcome.batch.length);
      return ok({ accepted: outcome.batch.length, duplicate: 0 });
    case 'duplicate':
      getServerMetrics().ingestPoints.inc({ outcome: 'duplicate' }, outcome.accepted);
      // The first answer again, with the points this request did not apply again counted.
      return ok({ accepted: outcome.accepted, duplicate: outcome.accepted }, { 'Idempotent-Replayed': 'true' });
    case 'key_reused':
      return errorAnswer(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different body; use a new key for a new batch.',
      );
    case 'late':
      return invalidPoints(
        outcome.points.map(({ index, newestTs }) => ({
          index,
          reason: `ts ${parsed.points[index]!.ts} is older than ${parsed.points[index]!.feed}'s newest point (${newestTs}): a feed's times never go back`,
        })),
        outcome.points.length,
        parsed.points.length,
      );
  }
}

/** Per-process request budget of one client: its address (IPv6 per /64), `TRUSTED_PROXIES` honoured. */
function clientKeyOf(request: Request): string {
  return addressKey(clientIpFromHeaders(request.headers, trustedProxies()));
}

const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } as const;

function ok(body: { accepted: number; duplicate: number }, headers: Record<string, string> = {}): PlainAnswer {
  return { status: 200, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** The error shape of every route (`{error: {code, message}}`), with the bad points listed. */
function invalidPoints(points: readonly PointProblem[], invalid: number, total: number): PlainAnswer {
  const message = `${invalid} of ${total} points are invalid; nothing was applied.`;
  return {
    status: 400,
    headers: JSON_HEADERS,
    body: JSON.stringify({ error: { code: 'invalid_points', message, points: points.slice(0, 100) } }),
  };
}
