import { startNextServer, type NextServer } from './fixtures/next-server';
import { startNginx, type Nginx } from './fixtures/nginx';
import { canRun, startRedis, type RedisServer } from './fixtures/redis-server';
import { badge, counter, expect, RECOVERY_TIMEOUT_MS, test as base } from './fixtures';

/**
 * Scale-out: two instances on one Redis behind the reference nginx config. The browser stays
 * live across the death (SIGKILL) of the instance serving it, with no reset and no gap.
 */

interface Cluster {
  redis: RedisServer;
  instances: NextServer[];
  nginx: Nginx;
}

const available = canRun('redis-server', 'scale-out e2e') && canRun('nginx', 'scale-out e2e');

const test = base.extend<{ cluster: Cluster }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none.
  cluster: async ({}, use) => {
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url, METRICS_INTERVAL_MS: '250', SSE_HEARTBEAT_MS: '1000', SSE_RETRY_MS: '500' };
    const instances = [
      await startNextServer({ env: { ...env, INSTANCE_ID: 'a' } }),
      await startNextServer({ env: { ...env, INSTANCE_ID: 'b' } }),
    ];
    const nginx = await startNginx(instances.map((i) => i.port));
    await use({ redis, instances, nginx });
    await nginx.stop();
    await Promise.all(instances.map((i) => i.stop('SIGKILL')));
    await redis.stop();
  },
});

test.skip(!available, 'needs redis-server and nginx (Debian packages; .ci/run installs them)');

test('through nginx, the browser stays live across the death of the instance serving it', async ({
  page,
  cluster,
  appErrors,
}) => {
  const connections = async (server: NextServer) =>
    ((await (await fetch(`${server.url}/api/health`)).json()) as { connections: number }).connections;

  await page.goto(cluster.nginx.url);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(16);

  // Find the instance holding the browser's stream, and kill it.
  let serving: NextServer | undefined;
  await expect
    .poll(async () => {
      const counts = await Promise.all(cluster.instances.map(connections));
      serving = cluster.instances[counts.findIndex((n) => n > 0)];
      return serving !== undefined;
    })
    .toBe(true);
  const survivor = cluster.instances.find((i) => i !== serving)!;
  await serving!.stop('SIGKILL');

  // The stream comes back through nginx on the survivor, resumed by cursor: no reset, no gap.
  await expect.poll(() => connections(survivor), { timeout: RECOVERY_TIMEOUT_MS }).toBeGreaterThan(0);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  const applied = await counter(page, 'events-applied');
  await expect.poll(() => counter(page, 'events-applied'), { timeout: 10_000 }).toBeGreaterThan(applied);
  expect(await counter(page, 'resets')).toBe(0);
  expect(await counter(page, 'gaps')).toBe(0);
  expect(await counter(page, 'duplicates-dropped')).toBe(0);
  expect(appErrors).toEqual([]);
});
