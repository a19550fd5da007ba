import { describe, expect, it, vi } from 'vitest';
import { encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import type { RenewOutcome } from './session-renewal';
import { connectionHarness, hello, metric } from './testing/connection-harness';
import { settle } from './testing/fake-env';

/** ConnectionManager: planned ends (`event: rotate`, `event: auth`) and session renewal. */

const h = connectionHarness();

/** What the server writes just before a planned close (lib/server/planned-end.ts). */
const rotate = () => encodeJsonEvent('rotate', { reason: 'max_age' }) + encodeRetry(250);
const authEnd = (reason = 'expired') => encodeJsonEvent('auth', { reason }) + encodeRetry(250);

const states = () => h.transitions.map((t) => `${t.from}→${t.to}`);

describe('planned rotation', () => {
  it('reconnects at once from the cursor and never leaves live: no toast, no gap, a counted rotation', async () => {
    const stream = await h.startLive();
    stream.send(metric(1) + metric(2) + rotate());
    stream.end();
    await settle();
    expect(h.state()).toBe('live');
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.last().headers['Last-Event-ID']).toBe('ep1.2');
    expect(h.status().rotations).toBe(1);

    const next = h.fake.last().open();
    next.send(hello({ resumed: true }) + metric(3) + rotate());
    next.end();
    await settle();
    h.fake
      .last()
      .open()
      .send(hello({ resumed: true }) + metric(4));
    await settle();

    expect(h.status()).toMatchObject({ state: 'live', rotations: 2 });
    expect(states().every((s) => s.endsWith('→live'))).toBe(true);
    expect(h.recoveries).toEqual([]);
    expect(h.metrics.map((m) => m.event.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps its backoff base: the short retry with the announcement is for native clients', async () => {
    const stream = await h.startLive();
    stream.send(rotate());
    stream.end();
    await settle();
    // The reconnect after the rotation is refused: the wait uses the base of `hello` (1000 ms), not 250.
    h.fake.last().refuse();
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(h.status().retryAt).toBe(h.fake.now + 500);
  });

  it('treats an end without an announcement as an outage', async () => {
    const stream = await h.startLive();
    stream.end();
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(h.status().rotations).toBe(0);
  });
});

describe('session expiry and renewal', () => {
  const renewing = (...outcomes: RenewOutcome[]) => {
    const renew = vi.fn(() => Promise.resolve(outcomes.shift() ?? 'denied'));
    return renew;
  };

  it('renews after the announced end, then reconnects quietly', async () => {
    const renewSession = renewing('renewed');
    h.start({ renewSession });
    const stream = h.fake.last().open();
    stream.send(hello() + metric(1) + authEnd());
    stream.end();
    await settle();
    expect(renewSession).toHaveBeenCalledTimes(1);
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.last().headers['Last-Event-ID']).toBe('ep1.1');
    h.fake
      .last()
      .open()
      .send(hello({ resumed: true }) + metric(2));
    await settle();
    expect(states()).toEqual(['connecting→live', 'live→live']);
    expect(h.recoveries).toEqual([]);
    expect(h.metrics.map((m) => m.event.seq)).toEqual([1, 2]);
  });

  it('a renewal refused is failed for auth: no retry, no timer, no further request', async () => {
    const renewSession = renewing('denied');
    h.start({ renewSession });
    const stream = h.fake.last().open();
    stream.send(hello() + authEnd('revoked'));
    stream.end();
    await settle();
    expect(h.status()).toMatchObject({ state: 'failed', reason: 'auth', failure: 'auth', retryAt: null });
    expect(h.transitions.at(-1)).toMatchObject({ from: 'live', to: 'failed' });
    await h.fake.advance(120_000);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.pendingTimers()).toBe(0);
  });

  it('a 401 on connect renews once; a second 401 right after is failed, not a loop', async () => {
    const renewSession = renewing('renewed', 'renewed');
    h.start({ renewSession });
    h.fake.last().respond(401, JSON.stringify({ error: { code: 'session_expired', message: 'expired' } }));
    await settle();
    expect(renewSession).toHaveBeenCalledTimes(1);
    expect(h.fake.requests).toHaveLength(2);
    h.fake.last().respond(401);
    await settle();
    expect(renewSession).toHaveBeenCalledTimes(1);
    expect(h.status()).toMatchObject({ state: 'failed', failure: 'auth' });
  });

  it('a first connect refused with 401 and renewed is still connecting, never reconnecting: nothing was lost', async () => {
    const renewSession = renewing('renewed');
    h.start({ renewSession });
    h.fake.last().respond(401);
    await settle();
    h.fake
      .last()
      .open()
      .send(hello() + metric(1));
    await settle();
    expect(h.state()).toBe('live');
    expect(states()).not.toContain('connecting→reconnecting');
    expect(h.transitions.map((t) => t.to)).not.toContain('reconnecting');
    expect(h.recoveries).toEqual([]);
  });

  it('a quiet reconnect (rotation) refused with 401 renews without leaving live', async () => {
    const renewSession = renewing('renewed');
    h.start({ renewSession });
    const stream = h.fake.last().open();
    stream.send(hello() + metric(1) + rotate());
    stream.end();
    await settle();
    h.fake.last().respond(401);
    await settle();
    expect(renewSession).toHaveBeenCalledTimes(1);
    h.fake
      .last()
      .open()
      .send(hello({ resumed: true }) + metric(2));
    await settle();
    expect(states().every((s) => s.endsWith('→live'))).toBe(true);
    expect(h.recoveries).toEqual([]);
  });

  it('without a renew hook, a 401 is failed for auth at once', async () => {
    h.start();
    h.fake.last().respond(401);
    await settle();
    expect(h.status()).toMatchObject({ state: 'failed', failure: 'auth' });
  });

  it('a renewal that cannot be made (network) is an outage with backoff, never failed', async () => {
    const renewSession = renewing('unavailable', 'renewed');
    h.start({ renewSession });
    const stream = h.fake.last().open();
    stream.send(hello() + authEnd());
    stream.end();
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(h.status().failure).toBeNull();
    await h.fake.advance(1000);
    expect(h.fake.requests).toHaveLength(2);
  });

  it('a renewal that never answers times out into the same outage', async () => {
    const renewSession = vi.fn(() => new Promise<RenewOutcome>(() => {}));
    h.start({ renewSession, renewTimeoutMs: 3000 });
    const stream = h.fake.last().open();
    stream.send(hello() + authEnd());
    stream.end();
    await settle();
    expect(h.state()).toBe('live');
    await h.fake.advance(3000);
    expect(h.state()).toBe('reconnecting');
  });

  it('stop() during a renewal leaves nothing behind', async () => {
    let answer: (outcome: RenewOutcome) => void = () => {};
    const renewSession = vi.fn(() => new Promise<RenewOutcome>((resolve) => (answer = resolve)));
    h.start({ renewSession });
    const stream = h.fake.last().open();
    stream.send(hello() + authEnd());
    stream.end();
    await settle();
    h.manager.stop();
    answer('renewed');
    await settle();
    expect(h.fake.requests).toHaveLength(1);
  });

  describe('a check that reconnects while a renewal is in flight (waking a laptop)', () => {
    /** Live, then an outage whose retry is refused with 401: a renewal starts and waits for `answer`. */
    async function renewingDuringOutage() {
      const answers: ((outcome: RenewOutcome) => void)[] = [];
      const renewSession = vi.fn(() => new Promise<RenewOutcome>((resolve) => answers.push(resolve)));
      h.start({ renewSession });
      const stream = h.fake.last().open();
      stream.send(hello());
      await settle();
      stream.cut();
      await settle();
      expect(h.state()).toBe('reconnecting');
      await h.fake.advance(h.status().retryAt! - h.fake.now);
      h.fake.last().respond(401);
      await settle();
      expect(renewSession).toHaveBeenCalledTimes(1);
      // The page becomes visible: the manager does not wait out its retry, and asks again at once,
      // with the cookie it has, which the renewal has not replaced yet.
      h.fake.becomeVisible();
      expect(h.fake.requests).toHaveLength(3);
      return { renewSession, answer: (outcome: RenewOutcome) => answers.forEach((resolve) => resolve(outcome)) };
    }

    /** The request made with the new cookie is answered: live, after one refresh. */
    async function resumesAfterOneRenewal(renewSession: () => unknown) {
      h.fake
        .last()
        .open()
        .send(hello({ resumed: true }));
      await settle();
      expect(h.status()).toMatchObject({ state: 'live', failure: null });
      expect(renewSession).toHaveBeenCalledTimes(1);
    }

    it('the renewal succeeds first: the request with the old cookie is replaced, and the stream resumes', async () => {
      const { renewSession, answer } = await renewingDuringOutage();
      const stale = h.fake.last();
      answer('renewed');
      await settle();
      // Refused too (it carried the old cookie), if it was not replaced already.
      stale.respond(401);
      await settle();
      await resumesAfterOneRenewal(renewSession);
    });

    it('the old cookie is refused first: it waits for the renewal in flight, then the stream resumes', async () => {
      const { renewSession, answer } = await renewingDuringOutage();
      h.fake.last().respond(401);
      await settle();
      answer('renewed');
      await settle();
      expect(h.fake.requests).toHaveLength(4);
      await resumesAfterOneRenewal(renewSession);
    });

    it('a renewal refused meanwhile still ends in failed for auth', async () => {
      const { answer } = await renewingDuringOutage();
      h.fake.last().respond(401);
      await settle();
      answer('denied');
      await settle();
      expect(h.status()).toMatchObject({ state: 'failed', failure: 'auth' });
    });
  });
});
