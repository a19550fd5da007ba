import { toResponse } from '@/lib/server/http';
import { handleIngest } from '@/lib/server/ingest/ingest-handler';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * POST /api/ingest {"points":[{"feed":"cpu","value":42.1,"ts":1795495150385}]} with
 * `Authorization: Bearer <INGEST_TOKEN>` and optionally `Idempotency-Key`: push points from
 * outside into every open stream (docs/protocol.md, "Ingest"). 404 to everything while
 * INGEST_TOKEN is unset.
 */
async function handle(request: Request): Promise<Response> {
  return toResponse(await handleIngest(request, getRuntime()));
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
