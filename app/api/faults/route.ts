import { faultSchema, runFault } from '@/lib/server/faults';
import { json, jsonError } from '@/lib/server/http';
import { getRuntime } from '@/lib/server/runtime';
import { checkFaultRequest, processFaultToken } from '@/lib/server/security/fault-guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

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
    body = await request.json();
  } catch {
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
  console.log(`[faults] ${parsed.data.action}`, JSON.stringify(result.detail));
  return json({ ok: true, action: parsed.data.action, ...result.detail });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
