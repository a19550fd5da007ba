import type { BrowserSignal, ConnectionEnv } from '../connection-env';

/**
 * Test-only: a hand-driven world for the connection manager. Time moves only on `advance()`,
 * every fetch waits until the test answers it, and browser signals fire on demand.
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
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createFakeEnv() {
  let now = 1_000_000;
  let nextId = 1;
  let online = true;
  let randomValue = 0.5;
  const timers = new Map<number, { at: number; callback: () => void }>();
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
        url: String(input),
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
    fetch: fetchImpl as typeof fetch,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    now: () => now,
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
    get now() {
      return now;
    },
    /** Moves the clock, firing due timers in order (and letting their promises settle). */
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        // After a jump() the due time may be past: the timer fires late, and time never runs back.
        now = Math.max(now, due[1].at);
        due[1].callback();
        await settle();
      }
      now = until;
      await settle();
    },
    /** Moves the clock without firing timers: what a throttled background tab experiences. */
    jump(ms: number) {
      now += ms;
    },
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
    pendingTimers: () => timers.size,
    last(): FakeRequest {
      const request = requests.at(-1);
      if (!request) throw new Error('no request yet');
      return request;
    },
  };
}

export type FakeEnv = ReturnType<typeof createFakeEnv>;
