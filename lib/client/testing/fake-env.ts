import type { BrowserSignal, ConnectionEnv } from '../connection-env';
import { createFakeClock, flush, type FakeClock } from './fake-clock';

/**
 * Test-only: a hand-driven world for the connection manager. Time moves only on `advance()`
 * (the shared fake clock, fake-clock.ts), every fetch waits until the test answers it, and
 * browser signals fire on demand.
 */

export interface FakeStream {
  send(text: string): void;
  /** The server ends the body cleanly. */
  end(): void;
  /** The connection breaks mid-stream. */
  cut(): void;
}

export interface FakeRequest {
  url: string;
  headers: Record<string, string>;
  aborted: boolean;
  /** Answers 200 text/event-stream and returns the body's controls. */
  open(): FakeStream;
  respond(status: number, body?: string, headers?: Record<string, string>): void;
  /** The request fails before any response (refused, DNS). */
  refuse(): void;
}

/** Lets pending promise callbacks and stream reads run. */
export const settle = flush;

/** `clock`: share one with other fakes (a fake browser's). Default a fresh one. */
export function createFakeEnv(clock: FakeClock = createFakeClock()) {
  let online = true;
  let randomValue = 0.5;
  const listeners: Record<BrowserSignal, Set<() => void>> = {
    online: new Set(),
    offline: new Set(),
    visible: new Set(),
  };
  const requests: FakeRequest[] = [];
  const reportedErrors: unknown[] = [];

  const fetchImpl = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const signal = init?.signal ?? undefined;
      let onAbort: (() => void) | null = null;
      const request: FakeRequest = {
        url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
        headers: { ...(init?.headers as Record<string, string>) },
        aborted: false,
        open() {
          let controller!: ReadableStreamDefaultController<Uint8Array>;
          const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
          onAbort = () => controller.error(new DOMException('aborted', 'AbortError'));
          resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
          const encoder = new TextEncoder();
          return {
            send: (text) => controller.enqueue(encoder.encode(text)),
            end: () => controller.close(),
            cut: () => controller.error(new TypeError('network error')),
          };
        },
        respond(status, body = '', headers = {}) {
          resolve(new Response(body || null, { status, headers }));
        },
        refuse() {
          reject(new TypeError('fetch failed'));
        },
      };
      signal?.addEventListener('abort', () => {
        request.aborted = true;
        if (onAbort) onAbort();
        else reject(new DOMException('aborted', 'AbortError'));
      });
      requests.push(request);
    });

  const env: ConnectionEnv = {
    fetch: fetchImpl,
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
    now: clock.now,
    random: () => randomValue,
    isOnline: () => online,
    listen(signal, callback) {
      listeners[signal].add(callback);
      return () => listeners[signal].delete(callback);
    },
    reportError: (error) => reportedErrors.push(error),
  };

  return {
    env,
    requests,
    /** What `env.reportError` received: bugs in handlers, reported instead of retried. */
    reportedErrors,
    clock,
    get now() {
      return clock.now();
    },
    /** Moves the clock, firing due timers in order (and letting their promises settle). */
    advance: (ms: number) => clock.advance(ms),
    /** Moves the clock without firing timers: what a throttled background tab experiences. */
    jump: (ms: number) => clock.jump(ms),
    setRandom(value: number) {
      randomValue = value;
    },
    setOnline(value: boolean) {
      online = value;
      listeners[value ? 'online' : 'offline'].forEach((callback) => callback());
    },
    becomeVisible() {
      listeners.visible.forEach((callback) => callback());
    },
    pendingTimers: () => clock.pending(),
    last(): FakeRequest {
      const request = requests.at(-1);
      if (!request) throw new Error('no request yet');
      return request;
    },
  };
}

export type FakeEnv = ReturnType<typeof createFakeEnv>;
