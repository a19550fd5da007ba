import 'server-only';
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { MetricObjectWithValues, MetricValue, MetricValueWithName, Registry } from 'prom-client';

/**
 * The prom-client registry read as OpenTelemetry metric data, so the one registry that
 * `GET /api/metrics` serves is also what goes out over OTLP: no second set of instruments to keep
 * in step. Counters become monotonic cumulative sums, gauges gauges, histograms histograms
 * (Prometheus buckets are cumulative `le` counts; OTLP's are per bucket, so they are differenced).
 * Summaries have no OTLP counterpart without their raw observations; the app registers none.
 */

/** Read as the start of every cumulative series: they all began with this process. */
const PROCESS_START: HrTime = toHrTime(Date.now() - performance.now());

function toHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

type Labels = MetricValue<string>['labels'];

function attributesOf(labels: Labels, without?: string): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(labels)) {
    if (key !== without && value !== undefined) attributes[key] = value;
  }
  return attributes;
}

/** Series key: the labels minus `le`, in a stable order. */
function seriesKey(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function histogramPoints(metric: MetricObjectWithValues<MetricValueWithName<string>>, now: HrTime) {
  interface Series {
    attributes: Attributes;
    le: { bound: number; cumulative: number }[];
    sum: number;
    count: number;
  }
  const series = new Map<string, Series>();
  for (const value of metric.values) {
    const le = value.labels.le;
    const attributes = attributesOf(value.labels, 'le');
    const key = seriesKey(attributes);
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { attributes, le: [], sum: 0, count: 0 }));
    if (value.metricName?.endsWith('_bucket') && le !== undefined) {
      entry.le.push({ bound: le === '+Inf' ? Infinity : Number(le), cumulative: value.value });
    } else if (value.metricName?.endsWith('_sum')) {
      entry.sum = value.value;
    } else if (value.metricName?.endsWith('_count')) {
      entry.count = value.value;
    }
  }
  const points: DataPoint<Histogram>[] = [];
  for (const { attributes, le, sum, count } of series.values()) {
    le.sort((a, b) => a.bound - b.bound);
    if (le.at(-1)?.bound !== Infinity) le.push({ bound: Infinity, cumulative: count });
    // One count per bucket, the last one (above every boundary) included: OTLP's shape.
    const boundaries = le.slice(0, -1).map((b) => b.bound);
    const counts = le.map((b, i) => b.cumulative - (i === 0 ? 0 : le[i - 1]!.cumulative));
    points.push({
      startTime: PROCESS_START,
      endTime: now,
      attributes,
      value: { buckets: { boundaries, counts }, sum, count },
    });
  }
  return points;
}

function toMetricData(metric: MetricObjectWithValues<MetricValue<string>>, now: HrTime): MetricData | null {
  const descriptor = { name: metric.name, description: metric.help, unit: '', valueType: ValueType.DOUBLE };
  const numberPoints = (): DataPoint<number>[] =>
    metric.values.map((value) => ({
      startTime: PROCESS_START,
      endTime: now,
      attributes: attributesOf(value.labels),
      value: value.value,
    }));
  // prom-client's typings say a numeric enum; at run time `type` is the Prometheus type name.
  switch (String(metric.type)) {
    case 'counter':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: numberPoints(),
      };
    case 'gauge':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: numberPoints(),
      };
    case 'histogram':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: histogramPoints(metric, now),
      };
    default:
      return null;
  }
}

/** Every family of `registry` as one OTLP instrumentation scope, read now. */
export async function registryAsScopeMetrics(registry: Registry, scopeName: string): Promise<ScopeMetrics> {
  const families = await registry.getMetricsAsJSON();
  const now = toHrTime(Date.now());
  const metrics = families.flatMap((family) => toMetricData(family, now) ?? []);
  return { scope: { name: scopeName }, metrics };
}
