import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from './logger';
import { formatDevLine } from './dev-format';
import { scrubSecrets } from './scrub';

/** A logger that writes into an array, one parsed object per line. */
function capture(options: { pretty?: boolean } = {}) {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) }, ...options });
  return { log, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const TOKEN = 'tok_' + 'x'.repeat(40);

describe('the server logger', () => {
  it('never writes a token, cookie or secret field, at the top or one level down, or in headers', () => {
    const { log, lines, records } = capture();
    log.info(
      {
        token: TOKEN,
        authorization: `Bearer ${TOKEN}`,
        cookie: `rtd_session=${TOKEN}`,
        ingest: { token: TOKEN, secret: TOKEN, password: TOKEN, keep: 'visible' },
        headers: {
          authorization: `Bearer ${TOKEN}`,
          cookie: 'a=b',
          'x-fault-token': TOKEN,
          accept: 'text/event-stream',
        },
      },
      'request',
    );
    expect(lines.join('')).not.toContain(TOKEN);
    const [record] = records();
    expect(record).toMatchObject({
      token: REDACTED,
      authorization: REDACTED,
      cookie: REDACTED,
      ingest: { token: REDACTED, secret: REDACTED, password: REDACTED, keep: 'visible' },
      headers: { authorization: REDACTED, cookie: REDACTED, 'x-fault-token': REDACTED, accept: 'text/event-stream' },
    });
  });

  it('scrubs bearer tokens and URL passwords out of messages and errors', () => {
    const { log, lines, records } = capture();
    log.warn(`Redis unavailable: connect redis://default:${TOKEN}@10.0.0.5:6379 failed`);
    log.error({ err: new Error(`refused Authorization: Bearer ${TOKEN}`) }, 'publish failed');
    expect(lines.join('')).not.toContain(TOKEN);
    expect(records()[0]!.msg).toBe('Redis unavailable: connect redis://default:[redacted]@10.0.0.5:6379 failed');
    expect((records()[1]!.err as { message: string }).message).toBe('refused Authorization: Bearer [redacted]');
  });

  it('writes JSON lines at the level asked for, without host or pid', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', pretty: false, destination: { write: (line) => lines.push(line) } });
    log.info('not written');
    log.warn({ component: 'redis-bus' }, 'written');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 40, component: 'redis-bus', msg: 'written' });
    expect(record).not.toHaveProperty('hostname');
    expect(record).not.toHaveProperty('pid');
  });

  it('formats a line for people under npm run dev', () => {
    const line = JSON.stringify({
      level: 30,
      time: '2026-12-07T03:04:05.000Z',
      component: 'stream',
      msg: 'stream closed',
      reason: 'client_gone',
      livedMs: 12,
    });
    expect(formatDevLine(line)).toBe('03:04:05 INFO  [stream] stream closed reason=client_gone livedMs=12\n');
    expect(formatDevLine('not json\n')).toBe('not json\n');
  });
});

describe('scrubSecrets', () => {
  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('epoch changed a -> b (restarted): ending open streams')).toBe(
      'epoch changed a -> b (restarted): ending open streams',
    );
    expect(scrubSecrets('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('scrubs token-like parameters', () => {
    expect(scrubSecrets('GET /api/stream?access_token=abc&feeds=cpu')).toBe(
      'GET /api/stream?access_token=[redacted]&feeds=cpu',
    );
  });
});
