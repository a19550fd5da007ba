import 'server-only';
import type { CreateSource, MetricsSource } from './metrics-source';

/**
 * Several sources run as one: started, stopped and resumed together, each publishing its own
 * feeds on its own schedule. The first is the main one: its history fills an empty log and its
 * schedule is announced to clients (`intervalMs`), so give the others the same interval
 * (the "this server" source uses `METRICS_INTERVAL_MS`, like the demo).
 */
export function combineSources(main: CreateSource, ...others: CreateSource[]): CreateSource {
  return (context) => {
    const first = main(context);
    const rest = others.map((create) => create(context));
    const all: MetricsSource[] = [first, ...rest];
    return {
      ...(first.history ? { history: (windowMs: number) => first.history!(windowMs) } : {}),
      resumeFrom: (values) => all.forEach((source) => source.resumeFrom?.(values)),
      ...(first.intervalMs !== undefined ? { intervalMs: first.intervalMs } : {}),
      start: () => all.forEach((source) => source.start()),
      stop: () => all.forEach((source) => source.stop()),
      tick: () => all.forEach((source) => source.tick?.()),
      get running() {
        return first.running;
      },
      get ticks() {
        return first.ticks;
      },
    };
  };
}
