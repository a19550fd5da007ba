import 'server-only';
import { isIP } from 'node:net';
import { z } from 'zod';
import { corsOriginsProblems } from './security/cors';

/**
 * Server configuration, read from the environment once and validated with zod. Every variable
 * is optional; the defaults below are what `npm run dev` uses. Documented in docs/configuration.md.
 */

/** A whole number in `[min, max]`, or undefined when unset. */
const optionalInt = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional();

const int = (min: number, max: number, fallback: number) =>
  optionalInt(min, max).transform((value) => value ?? fallback);

/** `LOG_LEVEL`: pino's levels, plus `silent`. */
export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.output<typeof logLevelSchema>;

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

/** An http(s) URL: `host:4318` alone would parse as a URL with the scheme `host:`. */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const otlpProtocol = z.enum(['http/json', 'http/protobuf', 'grpc']).optional();

export const envSchema = z.object({
  /** HTTP port for `npm run dev` / `npm start` (read by the Next CLI; validated here). Default 3000. */
  PORT: int(1, 65535, 3000),
  /** Producer tick: every feed publishes one point per tick. Default 1000 ms. */
  METRICS_INTERVAL_MS: int(1, 3_600_000, 1000),
  /**
   * Seed of the simulated random walks: set it to see the same shapes after every restart (the
   * tests do). Default unset: a new seed per boot, printed at start-up.
   */
  METRICS_SEED: optionalInt(0, 2 ** 31 - 1),
  /** Keep-alive comment interval on every open stream. Default 15000 ms. */
  SSE_HEARTBEAT_MS: int(100, 300_000, 15_000),
  /** `retry:` sent to clients: their base reconnection delay. Default 2000 ms. */
  SSE_RETRY_MS: int(0, 600_000, 2000),
  /**
   * Planned rotation: each stream ends after this long, minus a random jitter of up to 10 %, with
   * `event: rotate` so the client reconnects at once from its cursor (docs/protocol.md). Set it
   * under the platform's response-duration limit: 280000 on Vercel (300 s default), 90000 behind
   * proxies that cut at ~100 s (Cloudflare). Default 0: off, streams last as long as the client.
   */
  SSE_MAX_STREAM_MS: int(0, 86_400_000, 0).refine((ms) => ms === 0 || ms >= 1000, 'must be 0 (off) or at least 1000'),
  /** Events kept for replay (all feeds together). Default 6000: 12.5 min of 8 feeds at 1 Hz. */
  SSE_REPLAY_CAPACITY: int(16, 10_000_000, 6000),
  /** Open streams per process before new ones get 503. Default 2000. */
  SSE_MAX_CONNECTIONS: int(1, 1_000_000, 2000),
  /**
   * Open streams per client (the session when signed in, else the IP; a real user's sessions
   * together too: lib/server/limits/client-key.ts) before new ones get 429, so one client cannot
   * take every slot of SSE_MAX_CONNECTIONS. Default 20 (a browser needs one: its tabs share the
   * leader's stream).
   */
  SSE_MAX_STREAMS_PER_CLIENT: int(1, 1_000_000, 20),
  /** Snapshots (`/api/snapshot` and stream `reset`s) a client may have built at once. Default 20. */
  SNAPSHOT_RATE_BURST: int(1, 1_000_000, 20),
  /** Refill of that budget, snapshots per second per client. Default 2. */
  SNAPSHOT_RATE_PER_S: int(1, 1_000_000, 2),
  /**
   * Proxies whose `X-Forwarded-For`, `-Proto` and `-Host` are believed (comma-separated IP
   * addresses, e.g. the nginx in front); anyone else's are ignored. Under `npm start` setting it
   * says every request comes through them (lib/server/security/forwarded.ts). Default none.
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((raw) =>
      (raw ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      const bad = entries.filter((entry) => isIP(entry) === 0);
      if (bad.length) ctx.addIssue({ code: 'custom', message: `not an IP address: ${bad.slice(0, 3).join(', ')}` });
    }),
  // ── Abuse limits and origins (docs/auth.md) ──────────────────────────────────────────────
  /**
   * How many signed-in clients one IP address may carry at their full caps (an office behind one
   * NAT): the streams and snapshot budget of all sessions behind an address are capped at this
   * many times the per-client ones, so opening more sessions does not multiply an address's share.
   * Default 5.
   */
  CLIENTS_PER_IP: int(1, 100_000, 5),
  /**
   * Other sites that may call the API with the user's session (comma-separated, each exactly
   * `scheme://host[:port]`; `null` and anything else is refused at boot). Default none.
   */
  CORS_ORIGINS: z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      const problems = corsOriginsProblems(raw);
      if (problems.length) ctx.addIssue({ code: 'custom', message: problems.join('; ') });
    }),
  // ─────────────────────────────────────────────────────────────────────────────────────────
  /** Bytes queued for one stream before it is treated as a slow consumer and closed. Default 1 MiB. */
  SSE_MAX_BACKLOG_BYTES: int(1024, 1 << 30, 1 << 20),
  /** History returned by snapshots and resets, per feed. Default 300000 ms (5 min). */
  SNAPSHOT_WINDOW_MS: int(1000, 86_400_000, 300_000),
  /**
   * On SIGTERM/SIGINT, streams end at once; the process exits when Next has closed the server,
   * or after this long (an idle keep-alive socket can otherwise hold it for 5 s). Default 1000 ms.
   */
  SHUTDOWN_GRACE_MS: int(0, 60_000, 1000),
  /** Test-only fault routes (`/api/faults`). Off unless `1`. Never enable in production. */
  ENABLE_FAULTS: flag,
  /**
   * Bench-only, and only with `ENABLE_FAULTS=1`: streams add nothing to the events/bytes-written
   * counters, so `npm run bench -- counting` can price counting against the same server counting.
   * Off unless `1`.
   */
  BENCH_UNCOUNTED: flag,
  /** Redis for several instances (`redis://host:port`). Unset: the in-memory bus. Default unset. */
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Prefix of every Redis key, so apps can share a Redis. Default `rtd`. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits and : . _ - only')
    .optional()
    .transform((value) => value ?? 'rtd'),
  /** Name of this instance in the producer lease and /api/health. Default `i-<8 random hex digits>`. */
  INSTANCE_ID: z.string().max(128).optional(),

  // ── Sources and ingest (lib/server/source/, lib/server/ingest/, docs/protocol.md) ─────────────
  /**
   * `on`: this process runs the metrics source (with Redis, only while it holds the producer
   * lease). `off`: it never produces; points come from `npm run producer` or `POST /api/ingest`
   * (serverless web instances, docs/serverless.md). Default `on`.
   */
  PRODUCER: z
    .enum(['on', 'off'])
    .optional()
    .transform((value) => value ?? 'on'),
  /**
   * How far back the history reaches that the source loads into an empty log when it starts, so
   * the first page is a full chart (the demo generates it). 0: none, charts fill as points
   * arrive. Default unset: `SNAPSHOT_WINDOW_MS`.
   */
  SOURCE_HISTORY_MS: optionalInt(0, 86_400_000),
  /**
   * Bearer token of `POST /api/ingest` (at least 32 characters). Default unset: the route answers
   * 404, as if it did not exist.
   */
  INGEST_TOKEN: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Largest ingest body, refused with 413 while it is read. Default 1048576 (1 MiB). */
  INGEST_MAX_BODY_BYTES: int(64, 64 << 20, 1 << 20),
  /** Ingest requests a client (its IP) may send at once before 429. Default 100. */
  INGEST_RATE_BURST: int(1, 1_000_000, 100),
  /** Refill of that budget, ingest requests per second per client. Default 50. */
  INGEST_RATE_PER_S: int(1, 1_000_000, 50),
  /**
   * How long an `Idempotency-Key` is remembered (in Redis with `REDIS_URL`, else in this process):
   * a retry within it is applied at most once. At least 600000. Default 600000 ms (10 min).
   */
  INGEST_KEY_TTL_MS: int(600_000, 7 * 86_400_000, 600_000),

  // ── Operations (docs/operations.md) ───────────────────────────────────────────────────────
  /**
   * Bearer token of `GET /api/metrics` (Prometheus text; at least 32 characters). Default unset:
   * the route answers 404, as if it did not exist.
   */
  METRICS_TOKEN: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Lowest level logged: fatal, error, warn, info, debug, trace or silent. Default `info`. */
  LOG_LEVEL: logLevelSchema.optional().transform((value) => value ?? 'info'),
  /**
   * OpenTelemetry's standard collector address (e.g. `http://127.0.0.1:4318`): when set (or the
   * metrics-only `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`), the same metrics are pushed over OTLP/HTTP
   * (JSON) to `<endpoint>/v1/metrics`. The exporter itself reads the other `OTEL_EXPORTER_OTLP_*`
   * variables (headers, timeout). Default unset: no push.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional().or(z.literal('').transform(() => undefined)),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: httpUrl.optional().or(z.literal('').transform(() => undefined)),
  /** How often metrics are pushed over OTLP, in ms (the OpenTelemetry default). Default 60000. */
  OTEL_METRIC_EXPORT_INTERVAL: int(100, 3_600_000, 60_000),
  /**
   * The OTLP transport, as OpenTelemetry names it. Only `http/json` is wired in: with another
   * value the server says so at boot and does not push. Default unset (= `http/json` here).
   */
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: otlpProtocol,
  /** OpenTelemetry's off switch: `true` turns the OTLP push off whatever else is set. Default off. */
  OTEL_SDK_DISABLED: flag,
  /** `service.name` of the pushed metrics. Default `nextjs-realtime-dashboard`. */
  OTEL_SERVICE_NAME: z
    .string()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export type ServerEnv = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses the given environment; throws an EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(env)';
    const got = issue.path.length ? ` (got ${JSON.stringify(source[key])})` : '';
    return `${key}: ${issue.message}${got}`;
  });
  throw new EnvError(issues);
}
