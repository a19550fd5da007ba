import type { BrowserContext, Page } from '@playwright/test';

/**
 * What the page itself received, recorded in the page: every SSE event that reached it over a
 * native `EventSource` or over a `fetch` whose answer is `text/event-stream`, with the page's own
 * clock. A test then asserts on what the client got (`assertExactlyOnce`), not on what the
 * server sent or what the page chose to show. Plus browser-side faults and counters.
 *
 * Offline emulation does not touch a stream that is already open (measured with Chromium: an
 * open SSE stream kept delivering under `setOffline(true)`); combine it with a real drop (the
 * chaos proxy, a server kill) so the reconnects are what it blocks.
 */

export interface ReceivedEvent {
  /** How it arrived: a native `EventSource`, or a `fetch` read as a stream. */
  transport: 'eventsource' | 'fetch';
  /**
   * Which connection (1, 2, … in the order they were opened in this page). A native
   * EventSource's own reconnects count as new connections.
   */
  stream: number;
  /** The event's type (`message` when the frame named none). */
  event: string;
  /** The last event ID after this event (`lastEventId`), `''` when none was ever set. */
  id: string;
  data: string;
  /** Page clock (`performance.timeOrigin + performance.now()`, ms since 1970). */
  at: number;
}

export interface StreamOpened {
  transport: 'eventsource' | 'fetch';
  stream: number;
  url: string;
  /** Page clock when the page opened it. */
  at: number;
  /** The HTTP status (fetch only; null until answered or when it failed). */
  status: number | null;
  /** Page clock when it ended, broke or was closed; null while open. */
  endedAt: number | null;
}

export interface SseLog {
  events: ReceivedEvent[];
  streams: StreamOpened[];
}

export interface RecordSseOptions {
  /** Record only requests whose URL path is this (e.g. `'/api/stream'`). Default: every SSE request. */
  path?: string;
}

/**
 * Starts recording in every page load of `page` from now on (call before `page.goto`); the
 * returned function reads the log so far. A `fetch` answer that is `text/event-stream` is teed:
 * the page reads one copy as before, the recorder parses the other (WHATWG rules: CR, LF or CRLF
 * line ends, `data` lines joined, `id` kept across events).
 */
export async function recordSse(page: Page, options: RecordSseOptions = {}): Promise<() => Promise<SseLog>> {
  await page.addInitScript((only: string | null) => {
    const log: SseLog = { events: [], streams: [] };
    (window as unknown as { __kitSse: SseLog }).__kitSse = log;
    const now = () => performance.timeOrigin + performance.now();
    const wanted = (url: string) => only === null || new URL(url, location.href).pathname === only;

    // ── native EventSource: record every event type the page listens to, before the page sees
    // it. A plain function, not a subclass: this code runs in the page as written, without the
    // helpers a compiled class may need.
    const Native = window.EventSource;
    if (Native) {
      const Recorded = function (url: string | URL, init?: EventSourceInit): EventSource {
        const source = new Native(url, init);
        if (!wanted(String(url))) return source;
        const connection = (): StreamOpened => {
          const entry: StreamOpened = {
            transport: 'eventsource',
            stream: log.streams.length + 1,
            url: String(url),
            at: now(),
            status: null,
            endedAt: null,
          };
          log.streams.push(entry);
          return entry;
        };
        let opened = connection();
        let opens = 0;
        const add = source.addEventListener.bind(source) as (type: string, listener: (e: Event) => void) => void;
        const types = new Set<string>();
        const listen = (type: string) => {
          if (types.has(type) || type === 'open' || type === 'error') return;
          types.add(type);
          add(type, (e) => {
            const message = e as MessageEvent<string>;
            log.events.push({
              transport: 'eventsource',
              stream: opened.stream,
              event: type,
              id: message.lastEventId,
              data: message.data,
              at: now(),
            });
          });
        };
        listen('message');
        // Each `open` after the first is the EventSource reconnecting by itself: a new connection.
        add('open', () => {
          opens += 1;
          if (opens > 1) opened = connection();
        });
        add('error', () => {
          opened.endedAt ??= now();
        });
        const addForPage = source.addEventListener.bind(source);
        source.addEventListener = ((
          type: string,
          ...rest: [EventListenerOrEventListenerObject, AddEventListenerOptions?]
        ) => {
          listen(type);
          addForPage(type, ...rest);
        }) as EventSource['addEventListener'];
        const close = source.close.bind(source);
        source.close = () => {
          opened.endedAt ??= now();
          close();
        };
        return source;
      };
      Recorded.prototype = Native.prototype;
      Object.assign(Recorded, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
      window.EventSource = Recorded as unknown as typeof EventSource;
    }

    // ── fetch read as a stream: tee the body and parse the copy.
    const originalFetch = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!wanted(url)) return originalFetch(input, init);
      const response = await originalFetch(input, init);
      if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream'))
        return response;
      const stream = log.streams.length + 1;
      const opened: StreamOpened = {
        transport: 'fetch',
        stream,
        url,
        at: now(),
        status: response.status,
        endedAt: null,
      };
      log.streams.push(opened);
      const [forPage, forLog] = response.body.tee();
      void (async () => {
        const reader = forLog.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        let event = '';
        let data: string[] = [];
        let id = '';
        const line = (text: string) => {
          if (text === '') {
            if (data.length > 0)
              log.events.push({
                transport: 'fetch',
                stream,
                event: event || 'message',
                id,
                data: data.join('\n'),
                at: now(),
              });
            event = '';
            data = [];
            return;
          }
          if (text.startsWith(':')) return;
          const colon = text.indexOf(':');
          const field = colon === -1 ? text : text.slice(0, colon);
          let value = colon === -1 ? '' : text.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
          else if (field === 'id' && !value.includes('\0')) id = value;
        };
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            // A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
            const lines = buffer.split(/\r\n|\r(?!$)|\n/);
            buffer = lines.pop() ?? '';
            lines.forEach(line);
          }
        } catch {
          // The page's copy breaks the same way: the page sees the failure, the log its end.
        } finally {
          opened.endedAt = now();
        }
      })();
      return new Response(forPage, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  }, options.path ?? null);
  return () =>
    page.evaluate(() => (window as unknown as { __kitSse?: SseLog }).__kitSse ?? { events: [], streams: [] });
}

/** Counts requests to `path` (a URL path, e.g. `'/api/stream'`) from now on. */
export function countRequests(page: Page, path: string): { readonly count: number; readonly times: number[] } {
  const times: number[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === path) times.push(Date.now());
  });
  return {
    get count() {
      return times.length;
    },
    times,
  };
}

/** Browser offline emulation: fires `offline` and fails new requests; an open stream lives on. Returns the undo. */
export async function goOffline(context: BrowserContext): Promise<() => Promise<void>> {
  await context.setOffline(true);
  return () => context.setOffline(false);
}
