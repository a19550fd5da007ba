import { expect, test, type Page } from '@playwright/test';
import {
  cut,
  end,
  frame,
  hold,
  send,
  stall,
  startScriptedSse,
  write,
  type Answer,
  type LineEnd,
  type ScriptedSse,
} from './kit/scripted-sse';

/**
 * A native `EventSource` in a real browser against a scripted stream: the WHATWG parsing and
 * reconnection rules that this app's own client (lib/client, tested the same way in
 * e2e/api/scripted-sse-client.test.ts) must match. The page is a blank one served by the
 * fixture itself, so the stream is same-origin and no app is involved.
 */

interface Logged {
  type: string;
  data?: string;
  lastEventId?: string;
  readyState?: number;
}

declare global {
  interface Window {
    __sse?: { log: Logged[]; source: EventSource };
  }
}

let sse: ScriptedSse;
test.beforeEach(async () => {
  sse = await startScriptedSse();
});
test.afterEach(async () => {
  await sse.close();
});

/** Opens the blank page and a native EventSource on the scripted stream, logging everything it dispatches. */
async function openEventSource(page: Page): Promise<void> {
  await page.goto(sse.pageUrl);
  await page.evaluate((url) => {
    const log: Logged[] = [];
    const source = new EventSource(url);
    const record = (event: Event) => {
      const message = event as MessageEvent<string>;
      log.push(
        event.type === 'error' || event.type === 'open'
          ? { type: event.type, readyState: source.readyState }
          : { type: event.type, data: message.data, lastEventId: message.lastEventId },
      );
    };
    for (const type of ['open', 'error', 'message', 'metric']) source.addEventListener(type, record);
    window.__sse = { log, source };
  }, sse.url);
}

const logged = (page: Page) => page.evaluate(() => window.__sse?.log ?? []);
const messages = async (page: Page) => (await logged(page)).filter((e) => e.type !== 'open' && e.type !== 'error');

for (const [name, eol] of [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CR', '\r'],
] as [string, LineEnd][]) {
  test(`${name} line ends: multi-line data joined, comments ignored, the id carried to later events, an id with NUL ignored`, async ({
    page,
    browserName,
  }) => {
    sse.answer({
      steps: [
        send(frame({ comment: 'a comment\nand another' }, { eol })),
        send(frame({ event: 'metric', id: 'a.1', data: 'one\ntwo' }, { eol })),
        send(frame({ data: 'no id' }, { eol })),
        send(frame({ id: 'a.\0bad', data: 'nul id' }, { eol })),
        send(frame({ id: '', data: 'id cleared' }, { eol })),
        // The blank line of the event before this one may wait for a next byte (a CR could be
        // half of a CRLF): this comment is that byte.
        write(`: end${eol}`),
        hold(),
      ],
    });
    const expected: Logged[] = [
      { type: 'metric', data: 'one\ntwo', lastEventId: 'a.1' },
      { type: 'message', data: 'no id', lastEventId: 'a.1' },
      { type: 'message', data: 'nul id', lastEventId: 'a.1' },
      { type: 'message', data: 'id cleared', lastEventId: '' },
    ];
    // Measured: Firefox ESR 140 drops the whole event whose id has a NUL, where the standard
    // ignores only the id. A client must not count on either engine for such an id.
    if (browserName !== 'chromium') expected.splice(2, 1);
    await openEventSource(page);
    await expect.poll(() => messages(page)).toHaveLength(expected.length);
    expect(await messages(page)).toEqual(expected);
  });
}

test('an event split across chunks is dispatched once, whole, after its last byte', async ({ page }) => {
  sse.answer({
    steps: [
      send(frame({ data: 'before' })),
      stall(frame({ event: 'metric', id: 'a.7', data: '{"seq":7}' }), 9),
      hold(),
    ],
  });
  await openEventSource(page);
  await sse.held();
  await expect.poll(() => messages(page)).toHaveLength(1);
  sse.release();
  await expect.poll(() => messages(page)).toHaveLength(2);
  expect(await messages(page)).toEqual([
    { type: 'message', data: 'before', lastEventId: '' },
    { type: 'metric', data: '{"seq":7}', lastEventId: 'a.7' },
  ]);
});

test('a cut after frame N: the unterminated event is dropped, the reconnect sends Last-Event-ID and waits the retry: it was told', async ({
  page,
}) => {
  // The retry is longer than any engine's default (Chromium 3 s, Firefox 5 s): a reconnect that
  // waits at least this long honoured it.
  const retryMs = 6000;
  sse.answer({
    steps: [
      send(frame({ retry: 100, id: 'a.1', data: 'one' })),
      // One write: a page that dispatched `two` has read the unterminated `three` with it.
      write(
        frame({ retry: retryMs, id: 'a.2', data: 'two' }) + frame({ id: 'a.3', data: 'three' }, { terminated: false }),
      ),
      hold(),
      cut(),
    ],
  });
  sse.answer({ steps: [send(frame({ data: 'after' })), hold()] });
  await openEventSource(page);
  // The cut waits until the page has the two whole events. Seen once on a busy machine: Chromium
  // can fail the response before its renderer has read the bytes that came just before the
  // cut, and then drops them with it (the reconnect carried no Last-Event-ID). That is a race
  // in the browser, not the rule under test, which is about the unterminated third event.
  await sse.held();
  await expect.poll(() => messages(page)).toHaveLength(2);
  sse.release();
  await sse.connected(2);
  await expect.poll(() => messages(page)).toHaveLength(3);

  expect(sse.connections[0]!.lastEventId).toBeNull();
  expect(sse.connections[1]!.lastEventId).toBe('a.2');
  expect(sse.connections[1]!.openedAt - sse.connections[0]!.closedAt!).toBeGreaterThanOrEqual(retryMs);
  expect(await messages(page)).toEqual([
    { type: 'message', data: 'one', lastEventId: 'a.1' },
    { type: 'message', data: 'two', lastEventId: 'a.2' },
    { type: 'message', data: 'after', lastEventId: 'a.2' },
  ]);
  // Reconnecting: an error with readyState CONNECTING (0), then open again.
  expect((await logged(page)).filter((e) => e.type !== 'message')).toEqual([
    { type: 'open', readyState: 1 },
    { type: 'error', readyState: 0 },
    { type: 'open', readyState: 1 },
  ]);
});

const failures: [string, Answer][] = [
  ['a 503', { status: 503, contentType: 'application/json', steps: [write('{"error":"busy"}')] }],
  // Ended, because measured: in Chromium a short text/plain body that stays open leaves the
  // EventSource CONNECTING with no error (it waits for more of the body, it seems to sniff it).
  [
    'a 200 with the wrong content type',
    { contentType: 'text/plain', steps: [send(frame({ data: 'looks like SSE' })), end()] },
  ],
];
for (const [name, answer] of failures) {
  test(`${name} fails the connection: closed (readyState 2), no event, no reconnect`, async ({ page }) => {
    sse.answer(answer);
    await openEventSource(page);
    await expect.poll(() => logged(page)).toEqual([{ type: 'error', readyState: 2 }]);
    await sse.closed(0);
    expect(await page.evaluate(() => window.__sse!.source.readyState)).toBe(2);
    expect(sse.connections).toHaveLength(1);
  });
}
