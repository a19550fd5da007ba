import { describe, expect, it, vi } from 'vitest';
import { refreshSession, SessionRenewal } from './session-renewal';

describe('refreshSession', () => {
  const answering = (status: number | Error) =>
    vi.fn<typeof fetch>(() =>
      status instanceof Error ? Promise.reject(status) : Promise.resolve(new Response(null, { status })),
    );

  it('POSTs to the refresh route with the same-origin cookie', async () => {
    const fetchImpl = answering(200);
    expect(await refreshSession(fetchImpl)()).toBe('renewed');
    expect(fetchImpl).toHaveBeenCalledWith('/api/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
    });
  });

  it('maps 401/403 to denied, other failures to unavailable', async () => {
    expect(await refreshSession(answering(401))()).toBe('denied');
    expect(await refreshSession(answering(403))()).toBe('denied');
    expect(await refreshSession(answering(503))()).toBe('unavailable');
    expect(await refreshSession(answering(new TypeError('offline')))()).toBe('unavailable');
  });
});

describe('SessionRenewal', () => {
  it('renews once per loss of authorisation, again only after a stream went live', async () => {
    const renew = vi.fn(() => Promise.resolve('renewed' as const));
    const renewal = new SessionRenewal(renew);
    expect(await renewal.attempt()).toBe('renewed');
    expect(await renewal.attempt()).toBe('denied');
    renewal.streamLive();
    expect(await renewal.attempt()).toBe('renewed');
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('without a hook, every attempt is denied', async () => {
    expect(await new SessionRenewal(null).attempt()).toBe('denied');
  });
});
