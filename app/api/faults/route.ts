import { faultSchema, runFault } from '@/lib/server/faults';
import { bodyTooLarge, json, jsonError } from '@/lib/server/http';
import { BodyTooLargeError, readBodyText } from '@/lib/server/request-body';
import { logger } from '@/lib/server/observability/logger';
import { getRuntime } from '@/lib/server/runtime';
import { checkFaultRequest, processFaultToken } from '@/lib/server/security/fault-guard';
import { withOriginCheck } from '@/lib/server/security/route-cors';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const log = logger('faults');

/** A fault is one small JSON object. */
const FAULT_MAX_BODY_BYTES = 16 * 1024;

/**
 * POST /api/faults {action: "drop" | "duplicates" | "evict" | "bump-epoch" | "publish"}:
 * test-only fault injection (e2e/README.md). Answers 404 to everything unless ENABLE_FAULTS=1.
 */
async function handle(request: Request): Promise<Response> {
  const rt = getRuntime();
  if (!rt.env.ENABLE_FAULTS) return jsonError(404, 'not_found', 'Not found.');
  // Second lock: POST + application/json + this process's X-Fault-Token (fault-guard.ts says why).
  const guard = checkFaultRequest(request, processFaultToken().token);
  if (!guard.ok) return jsonError(guard.status, guard.code, guard.message, guard.headers);

  let body: unknown;
  try {
    body = JSON.parse(await readBodyText(request, FAULT_MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return bodyTooLarge(error.limitBytes);
    return jsonError(400, 'invalid_body', 'Send a JSON body like {"action": "drop"}.');
  }
  const parsed = faultSchema.safeParse(body);
  if (!parsed.success)
    return jsonError(
      400,
      'invalid_body',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
    );
  const result = await runFault(rt, parsed.data);
  if (!result.ok) return jsonError(result.status, 'unsupported', result.message);
  log.info({ action: parsed.data.action, detail: result.detail }, `fault ${parsed.data.action}`);
  return json({ ok: true, action: parsed.data.action, ...result.detail });
}

// Never from another site, listed or not (the fault token is never sent cross-origin).
const guarded = withOriginCheck(handle, { listedOrigins: false, refusal: 'Fault injection is same-origin only.' });
export { guarded as GET, guarded as POST, guarded as PUT, guarded as PATCH, guarded as DELETE };
