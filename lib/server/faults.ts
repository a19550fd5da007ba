import 'server-only';
import { z } from 'zod';
import type { BusFaults } from './bus';
import { encodeMetrics, encodeText } from './batch-encoder';
import type { Runtime } from './runtime';

/**
 * Test-only fault injection behind `POST /api/faults` (only with `ENABLE_FAULTS=1`): the
 * server-side half of the drop kit, so e2e suites can cause what a real outage causes.
 */

export const faultSchema = z.discriminatedUnion('action', [
  /** Cut every open stream mid-body (clients see a network error and resume by cursor). */
  z.object({ action: z.literal('drop') }),
  /** Re-send the newest `count` events to every open stream: a burst of duplicates. */
  z.object({ action: z.literal('duplicates'), count: z.number().int().min(1).max(10_000).default(50) }),
  /** Forget the replay history: the next resume of any existing cursor is `cursor_evicted`. */
  z.object({ action: z.literal('evict') }),
  /** Act like a restart: new epoch, seqs from 1, history gone, streams cut. */
  z.object({ action: z.literal('bump-epoch') }),
  /** Publish `ticks` source ticks now (deterministic data with a slow or stopped source). */
  z.object({ action: z.literal('publish'), ticks: z.number().int().min(1).max(1000).default(1) }),
]);

export type Fault = z.output<typeof faultSchema>;

export type FaultResult =
  { ok: true; detail: Record<string, unknown> } | { ok: false; status: number; message: string };

export async function runFault(runtime: Runtime, fault: Fault): Promise<FaultResult> {
  const { bus, registry, source } = runtime;
  const faults = bus as Partial<BusFaults>;
  switch (fault.action) {
    case 'drop': {
      const streams = registry.size;
      registry.closeAll('fault');
      return { ok: true, detail: { streams } };
    }
    case 'duplicates': {
      const events = await bus.recent(fault.count);
      let streams = 0;
      registry.forEach((connection) => {
        const text = encodeMetrics(events, connection.feeds);
        if (text) {
          connection.write(encodeText(text));
          streams += 1;
        }
      });
      return { ok: true, detail: { events: events.length, streams } };
    }
    case 'evict':
      if (!faults.evictHistory)
        return { ok: false, status: 501, message: `the ${bus.kind} bus cannot evict on demand` };
      faults.evictHistory();
      return { ok: true, detail: { head: bus.stats().head } };
    case 'bump-epoch': {
      if (!faults.rotateEpoch)
        return { ok: false, status: 501, message: `the ${bus.kind} bus cannot rotate its epoch` };
      await faults.rotateEpoch();
      const streams = registry.size;
      registry.closeAll('fault');
      return { ok: true, detail: { epoch: bus.epoch(), streams } };
    }
    case 'publish':
      for (let i = 0; i < fault.ticks; i += 1) {
        if (!source.tick())
          return { ok: false, status: 501, message: 'this process runs no source that can tick (PRODUCER=off?)' };
      }
      return { ok: true, detail: { head: bus.stats().head } };
  }
}
