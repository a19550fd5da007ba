import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLIC_DEMO_ENV } from '../fixtures/auth';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { pollUntil } from '../kit';

/**
 * OTLP push of the server's own metrics (docs/operations.md, "OpenTelemetry"): a real production
 * server with `OTEL_EXPORTER_OTLP_ENDPOINT` set posts OTLP/HTTP JSON to a loopback receiver, with
 * the same families `GET /api/metrics` serves, and pushes once more on SIGTERM.
 */

/** The parts of an OTLP JSON export request this test reads. */
interface OtlpRequest {
  resourceMetrics: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeMetrics: { metrics: OtlpMetric[] }[];
  }[];
}
interface OtlpPoint {
  asDouble?: number;
  asInt?: string | number;
  attributes?: { key: string; value: { stringValue?: string } }[];
  count?: string | number;
  bucketCounts?: (string | number)[];
  explicitBounds?: number[];
}
interface OtlpMetric {
  name: string;
  sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean };
  gauge?: { dataPoints: OtlpPoint[] };
  histogram?: { dataPoints: OtlpPoint[] };
}

/** A stand-in OpenTelemetry Collector: keeps every `POST /v1/metrics` body. */
async function startReceiver(): Promise<{ url: string; pushes: OtlpRequest[]; close: () => Promise<void> }> {
  const pushes: OtlpRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/metrics') {
        pushes.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest);
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pushes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const metricsOf = (push: OtlpRequest) => push.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
const find = (push: OtlpRequest, name: string) => metricsOf(push).find((m) => m.name === name);
const number = (point: OtlpPoint) => Number(point.asDouble ?? point.asInt ?? NaN);

describe('OTLP push of the server metrics', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: NextServer | undefined;
  let client: SseClient | undefined;

  const start = async (everyMs: number) => {
    receiver = await startReceiver();
    server = await startNextServer({
      env: {
        ...PUBLIC_DEMO_ENV,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: String(everyMs),
        OTEL_SERVICE_NAME: 'otlp-test',
      },
    });
    client = await connectSse(`${server.url}/api/stream`);
  };
  afterEach(async () => {
    client?.close();
    await server?.stop('SIGKILL');
    await receiver?.close();
  });

  it('pushes every interval: the open stream as a gauge, opens as a monotonic sum, histograms with bounds, its service name', async () => {
    await start(200);
    const push = await pollUntil(
      () => Promise.resolve(receiver.pushes.at(-1) ?? null),
      (latest) =>
        latest !== null && (find(latest, 'rtd_streams_open')?.gauge?.dataPoints ?? []).some((p) => number(p) === 1),
      { timeoutMs: 20_000, what: 'a push that counts the open stream' },
    );
    const opens = find(push!, 'rtd_stream_opens_total')!;
    expect(opens.sum?.isMonotonic).toBe(true);
    expect(opens.sum!.dataPoints.reduce((total, p) => total + number(p), 0)).toBeGreaterThanOrEqual(1);
    // A Node family from prom-client's defaults, a histogram: buckets per bound plus one above.
    // (A booting Next server has collected garbage many times over by now.)
    const gc = find(push!, 'nodejs_gc_duration_seconds')!.histogram!.dataPoints[0]!;
    expect(gc.bucketCounts).toHaveLength(gc.explicitBounds!.length + 1);
    expect(find(push!, 'nodejs_eventloop_lag_p99_seconds')?.gauge).toBeDefined();
    const resource = push!.resourceMetrics[0]!.resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'otlp-test' } });
    expect(receiver.pushes.length).toBeGreaterThanOrEqual(1);
  });

  it('pushes once more on SIGTERM, so the last interval is not lost', async () => {
    // An interval far longer than the test: any push that arrives is the one the shutdown sends.
    await start(3_600_000);
    expect(receiver.pushes).toHaveLength(0);
    await server!.stop('SIGTERM');
    server = undefined;
    // Sent before the process exited; recorded when this process has read the whole request.
    const last = await pollUntil(
      () => Promise.resolve(receiver.pushes.at(-1) ?? null),
      (push) => push !== null,
      { timeoutMs: 10_000, what: 'the push sent on SIGTERM' },
    );
    const opens = find(last!, 'rtd_stream_opens_total')!;
    expect(opens.sum!.dataPoints.reduce((total, p) => total + number(p), 0)).toBeGreaterThanOrEqual(1);
  });
});
