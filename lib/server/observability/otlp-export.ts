import 'server-only';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { defaultResource, emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { ServerEnv } from '../env';
import { logger, logRepeated } from './logger';
import { registryAsScopeMetrics } from './otlp-bridge';
import { getServerMetrics } from './server-metrics';

/**
 * OTLP push of the server's own metrics, on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`) is set: every `OTEL_METRIC_EXPORT_INTERVAL` the
 * OpenTelemetry SDK reads the prom-client registry through `otlp-bridge.ts` and its OTLP/HTTP
 * exporter posts the result. Nothing is counted twice and nothing changes on the hot path: the push
 * reads what a Prometheus scrape would read. A collector that is down costs a logged warning per
 * failed push (the SDK's own retry and timeout), never a stream.
 */

const log = logger('otlp');
const SCOPE = 'nextjs-realtime-dashboard';

export interface OtlpExport {
  /** Pushes once more and stops (called on SIGTERM, so the last interval is not lost). */
  shutdown(): Promise<void>;
}

export function startOtlpExport(env: ServerEnv, instanceId: string): OtlpExport | null {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) return null;
  // The SDK reports failed pushes through its `diag` logger, silent unless one is set.
  diag.setLogger(
    {
      // Through the repeat gate: a collector down under a short interval is a handful of lines.
      error: (message, ...args) => logRepeated(log, 'warn', `otlp: ${message}`, { args }, message),
      warn: (message, ...args) => logRepeated(log, 'warn', `otlp: ${message}`, { args }, message),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.WARN,
  );
  const { registry } = getServerMetrics();
  const producer: MetricProducer = {
    async collect() {
      return {
        // The reader keeps the provider's resource and takes only the scope metrics from here.
        resourceMetrics: { resource: emptyResource(), scopeMetrics: [await registryAsScopeMetrics(registry, SCOPE)] },
        errors: [],
      };
    },
  };
  const reader = new PeriodicExportingMetricReader({
    // The exporter reads the endpoint, headers and timeout from the standard variables itself.
    exporter: new OTLPMetricExporter(),
    exportIntervalMillis: env.OTEL_METRIC_EXPORT_INTERVAL,
    exportTimeoutMillis: Math.min(30_000, env.OTEL_METRIC_EXPORT_INTERVAL),
    metricProducers: [producer],
  });
  const provider = new MeterProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': env.OTEL_SERVICE_NAME ?? SCOPE,
        'service.instance.id': instanceId,
      }),
    ),
    readers: [reader],
  });
  log.info(
    {
      endpoint: env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT,
      everyMs: env.OTEL_METRIC_EXPORT_INTERVAL,
    },
    'pushing metrics over OTLP',
  );
  return { shutdown: () => provider.shutdown() };
}
