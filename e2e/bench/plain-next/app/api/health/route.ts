// Benchmark peer: what the bench polls to know the server is up.
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' });
}
