import { describe, expect, it } from 'vitest';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(parseEnv({})).toEqual({
      PORT: 3000,
      METRICS_INTERVAL_MS: 1000,
      METRICS_SEED: undefined,
      SSE_HEARTBEAT_MS: 15_000,
      SSE_RETRY_MS: 2000,
      SSE_MAX_STREAM_MS: 0,
      SSE_REPLAY_CAPACITY: 6000,
      SSE_MAX_CONNECTIONS: 2000,
      SSE_MAX_STREAMS_PER_CLIENT: 20,
      SNAPSHOT_RATE_BURST: 20,
      SNAPSHOT_RATE_PER_S: 2,
      TRUSTED_PROXIES: [],
      CLIENTS_PER_IP: 5,
      CORS_ORIGINS: undefined,
      SSE_MAX_BACKLOG_BYTES: 1 << 20,
      SNAPSHOT_WINDOW_MS: 300_000,
      SHUTDOWN_GRACE_MS: 1000,
      ENABLE_FAULTS: false,
      REDIS_URL: undefined,
      REDIS_KEY_PREFIX: 'rtd',
      INSTANCE_ID: undefined,
      PRODUCER: 'on',
      SOURCE_HISTORY_MS: undefined,
      INGEST_TOKEN: undefined,
      INGEST_MAX_BODY_BYTES: 1 << 20,
      INGEST_RATE_BURST: 100,
      INGEST_RATE_PER_S: 50,
      INGEST_KEY_TTL_MS: 600_000,
      LOG_LEVEL: 'info',
      BENCH_UNCOUNTED: false,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: undefined,
      OTEL_METRIC_EXPORT_INTERVAL: 60_000,
      OTEL_SERVICE_NAME: undefined,
      OTEL_EXPORTER_OTLP_PROTOCOL: undefined,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: undefined,
      OTEL_SDK_DISABLED: false,
    });
  });

  it('reads the operations settings, and refuses a short metrics token or an unknown log level', () => {
    const env = parseEnv({ METRICS_TOKEN: 'm'.repeat(32), LOG_LEVEL: 'debug' });
    expect([env.METRICS_TOKEN, env.LOG_LEVEL]).toEqual(['m'.repeat(32), 'debug']);
    expect(parseEnv({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 32 characters/);
    expect(() => parseEnv({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      'http://127.0.0.1:4318',
    );
    expect(() => parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318/' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => parseEnv({ OTEL_METRIC_EXPORT_INTERVAL: '10' })).toThrow(/OTEL_METRIC_EXPORT_INTERVAL/);
  });

  it('reads the source and ingest settings, and refuses a short ingest token or a TTL under 10 minutes', () => {
    const env = parseEnv({ PRODUCER: 'off', METRICS_SEED: '7', INGEST_TOKEN: 'x'.repeat(32) });
    expect([env.PRODUCER, env.METRICS_SEED, env.INGEST_TOKEN]).toEqual(['off', 7, 'x'.repeat(32)]);
    expect(parseEnv({ INGEST_TOKEN: '' }).INGEST_TOKEN).toBeUndefined();
    expect(() => parseEnv({ INGEST_TOKEN: 'short' })).toThrow(/INGEST_TOKEN: must be at least 32 characters/);
    expect(() => parseEnv({ INGEST_KEY_TTL_MS: '60000' })).toThrow(/INGEST_KEY_TTL_MS/);
    expect(() => parseEnv({ PRODUCER: 'maybe' })).toThrow(/PRODUCER/);
  });

  it('keeps at least 10 minutes of every feed at the default rate in the replay window', () => {
    const env = parseEnv({});
    const eventsPerTenMinutes = FEED_NAMES.length * (600_000 / env.METRICS_INTERVAL_MS);
    expect(env.SSE_REPLAY_CAPACITY).toBeGreaterThanOrEqual(eventsPerTenMinutes);
  });

  it('parses numbers and flags', () => {
    const env = parseEnv({ PORT: '4000', SSE_HEARTBEAT_MS: ' 500 ', ENABLE_FAULTS: '1' });
    expect(env.PORT).toBe(4000);
    expect(env.SSE_HEARTBEAT_MS).toBe(500);
    expect(env.ENABLE_FAULTS).toBe(true);
  });

  it('names every bad variable and what it got', () => {
    let error: unknown;
    try {
      parseEnv({ PORT: '70000', METRICS_INTERVAL_MS: 'fast', SSE_MAX_CONNECTIONS: '0', ENABLE_FAULTS: 'yes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as EnvError).message;
    expect(message).toMatch(/^Invalid environment:/);
    expect(message).toMatch(/PORT: .*\(got "70000"\)/);
    expect(message).toMatch(/METRICS_INTERVAL_MS: must be a whole number \(got "fast"\)/);
    expect(message).toMatch(/SSE_MAX_CONNECTIONS: .*\(got "0"\)/);
    expect(message).toMatch(/ENABLE_FAULTS: .*\(got "yes"\)/);
    expect((error as EnvError).issues).toHaveLength(4);
  });

  it('accepts a Redis URL and refuses anything else', () => {
    expect(parseEnv({ REDIS_URL: 'redis://127.0.0.1:6380' }).REDIS_URL).toBe('redis://127.0.0.1:6380');
    expect(parseEnv({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(() => parseEnv({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });

  it('takes SSE_MAX_STREAM_MS as 0 (off) or a duration of at least a second', () => {
    expect(parseEnv({ SSE_MAX_STREAM_MS: '280000' }).SSE_MAX_STREAM_MS).toBe(280_000);
    expect(parseEnv({ SSE_MAX_STREAM_MS: '0' }).SSE_MAX_STREAM_MS).toBe(0);
    expect(() => parseEnv({ SSE_MAX_STREAM_MS: '50' })).toThrow(
      /SSE_MAX_STREAM_MS: must be 0 \(off\) or at least 1000/,
    );
  });

  it('reads TRUSTED_PROXIES as a list of IP addresses and refuses anything else', () => {
    expect(parseEnv({ TRUSTED_PROXIES: '127.0.0.1, ::1' }).TRUSTED_PROXIES).toEqual(['127.0.0.1', '::1']);
    expect(() => parseEnv({ TRUSTED_PROXIES: '127.0.0.1,nginx' })).toThrow(/TRUSTED_PROXIES: not an IP address: nginx/);
  });

  it('rejects negative and fractional numbers', () => {
    expect(() => parseEnv({ SSE_RETRY_MS: '-1' })).toThrow(EnvError);
    expect(() => parseEnv({ SSE_RETRY_MS: '1.5' })).toThrow(EnvError);
  });
});
