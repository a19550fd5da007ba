import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registryAsScopeMetrics } from './otlp-bridge';

function registryWithOneOfEach() {
  const registry = new Registry();
  const registers = [registry];
  const opens = new Counter({ name: 'opens_total', help: 'opens', labelNames: ['path'], registers });
  const open = new Gauge({ name: 'open', help: 'open now', registers });
  const latency = new Histogram({
    name: 'latency_seconds',
    help: 'latency',
    labelNames: ['command'],
    buckets: [0.01, 0.1, 1],
    registers,
  });
  return { registry, opens, open, latency };
}

const byName = (metrics: MetricData[], name: string) => metrics.find((m) => m.descriptor.name === name)!;

describe('the prom-client registry as OTLP metric data', () => {
  it('counters are monotonic sums and gauges gauges, one point per label set, with their help', async () => {
    const { registry, opens, open } = registryWithOneOfEach();
    opens.inc({ path: 'route' }, 3);
    opens.inc({ path: 'raw' });
    open.set(7);
    const { scope, metrics } = await registryAsScopeMetrics(registry, 'test');
    expect(scope.name).toBe('test');

    const sum = byName(metrics, 'opens_total');
    expect(sum).toMatchObject({
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      descriptor: { description: 'opens' },
    });
    expect(sum.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ path: 'route' }, 3],
      [{ path: 'raw' }, 1],
    ]);
    const gauge = byName(metrics, 'open');
    expect(gauge.dataPointType).toBe(DataPointType.GAUGE);
    expect(gauge.dataPoints.map((p) => p.value)).toEqual([7]);
  });

  it('a histogram keeps its boundaries, and its cumulative `le` counts become counts per bucket', async () => {
    const { registry, latency } = registryWithOneOfEach();
    for (const seconds of [0.005, 0.005, 0.05, 0.5, 5]) latency.observe({ command: 'xadd' }, seconds);
    latency.observe({ command: 'get' }, 0.05);
    const { metrics } = await registryAsScopeMetrics(registry, 'test');
    const histogram = byName(metrics, 'latency_seconds');
    expect(histogram.dataPointType).toBe(DataPointType.HISTOGRAM);
    const points = Object.fromEntries(histogram.dataPoints.map((p) => [String(p.attributes.command), p]));
    expect(points.xadd!.attributes).toEqual({ command: 'xadd' });
    expect(points.xadd!.value).toEqual({
      buckets: { boundaries: [0.01, 0.1, 1], counts: [2, 1, 1, 1] },
      sum: expect.closeTo(5.56, 9),
      count: 5,
    });
    expect(points.get!.value).toEqual({
      buckets: { boundaries: [0.01, 0.1, 1], counts: [0, 1, 0, 0] },
      sum: 0.05,
      count: 1,
    });
  });

  it('every point starts when the process did and ends now', async () => {
    const { registry, open } = registryWithOneOfEach();
    open.set(1);
    const before = Date.now();
    const point = byName((await registryAsScopeMetrics(registry, 'test')).metrics, 'open').dataPoints[0]!;
    const ms = ([seconds, nanos]: readonly [number, number]) => seconds * 1000 + nanos / 1e6;
    expect(ms(point.startTime)).toBeLessThanOrEqual(before);
    expect(ms(point.endTime)).toBeGreaterThanOrEqual(before - 1);
    expect(ms(point.endTime) - Date.now()).toBeLessThanOrEqual(1);
  });
});
