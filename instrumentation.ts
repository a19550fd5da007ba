/**
 * Next.js runs `register()` once per server process, before the first request: the place to
 * validate config, start the metrics source (lib/server/source/; none with PRODUCER=off) and
 * install the shutdown handlers. Edge has no process.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { bootServer } = await import('./lib/server/boot');
  bootServer();
}
