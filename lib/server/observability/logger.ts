import 'server-only';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { logLevelSchema, type LogLevel } from '../env';
import { formatDevLine } from './dev-format';
import { RepeatGate } from './repeat-gate';
import { scrubSecrets } from './scrub';

/**
 * The server's structured logs: one JSON object per line on stdout (pino), at `LOG_LEVEL`
 * (default `info`), and a readable one-line format under `npm run dev` (dev-format.ts).
 *
 * Nothing secret is ever written: fields that carry credentials (`authorization`, `cookie`,
 * `token`, `secret`, `password`, at the top or one level down, and request headers) are replaced
 * by `[redacted]`, and messages and errors have bearer tokens and the password of a
 * `redis://user:pass@host` URL scrubbed (scrub.ts).
 *
 * Lines that one event repeats per stream or per retry go through `logRepeated`, which keeps a
 * burst of each kind and summarises the rest (repeat-gate.ts): an outage is a handful of lines.
 *
 * The root logger is kept on `globalThis` for the reason runtime.ts gives.
 */

export type { Logger };

export const REDACTED = '[redacted]';

/** Fields never written as they are (pino `redact` paths). */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'token',
  'secret',
  'password',
  '*.authorization',
  '*.cookie',
  '*.token',
  '*.secret',
  '*.password',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-fault-token"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["x-fault-token"]',
];

export interface CreateLoggerOptions {
  /** Default `LOG_LEVEL`, or `info` when unset or invalid (boot refuses an invalid one: env.ts). */
  level?: LogLevel;
  /** Default: the dev format when `NODE_ENV=development`, else JSON lines. */
  pretty?: boolean;
  /** Where lines go. Default stdout, written synchronously (a crash loses no line). */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? logLevelFromEnv();
  const pretty = options.pretty ?? process.env.NODE_ENV === 'development';
  const out = options.destination ?? pino.destination({ dest: 1, sync: true });
  const destination: DestinationStream = pretty ? { write: (line) => out.write(formatDevLine(line)) } : out;
  return pino(
    {
      level,
      // No hostname or pid: an instance is named by INSTANCE_ID where it matters.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: {
        err: (error: Error) => {
          const serialized = stdSerializers.err(error);
          return { ...serialized, message: scrubSecrets(serialized.message), stack: scrubSecrets(serialized.stack) };
        },
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? scrubSecrets(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

function logLevelFromEnv(): LogLevel {
  const parsed = logLevelSchema.safeParse(process.env.LOG_LEVEL);
  return parsed.success ? parsed.data : 'info';
}

interface LogState {
  root: Logger;
  gate: RepeatGate;
  children: Map<string, Logger>;
  timer: ReturnType<typeof setInterval>;
}

const GLOBAL_KEY = '__realtimeDashboardLog';
type GlobalWithLog = typeof globalThis & { [GLOBAL_KEY]?: LogState };

/** How often lines dropped by the repeat gate are summarised when no new line of their kind comes. */
const DRAIN_EVERY_MS = 10_000;

function state(): LogState {
  const g = globalThis as GlobalWithLog;
  if (!g[GLOBAL_KEY]) {
    const root = createLogger();
    const gate = new RepeatGate({ windowMs: DRAIN_EVERY_MS });
    const timer = setInterval(() => {
      for (const { key, dropped } of gate.drain())
        root.warn({ key, dropped }, `${dropped} more "${key}" lines not logged`);
    }, DRAIN_EVERY_MS);
    timer.unref();
    g[GLOBAL_KEY] = { root, gate, children: new Map(), timer };
  }
  return g[GLOBAL_KEY];
}

/** The logger of one part of the server; every line carries `component`. */
export function logger(component: string): Logger {
  const { root, children } = state();
  let child = children.get(component);
  if (!child) {
    child = root.child({ component });
    children.set(component, child);
  }
  return child;
}

export type RepeatedLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Logs a line that one event may repeat many times (per stream, per retry), through the repeat
 * gate: `key` names the kind of line. A line written after drops carries `dropped`.
 */
export function logRepeated(
  log: Logger,
  level: RepeatedLevel,
  key: string,
  fields: Record<string, unknown>,
  message: string,
): void {
  if (!log.isLevelEnabled(level)) return;
  const passed = state().gate.pass(key);
  if (!passed) return;
  log[level](passed.dropped ? { ...fields, dropped: passed.dropped } : fields, message);
}
