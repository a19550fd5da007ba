import { describe, expect, it } from 'vitest';
import { checkFaultRequest, faultToken } from './fault-guard';

const TOKEN = 'a-test-token-of-some-length';
const request = (method: string, headers: Record<string, string>) =>
  new Request('http://127.0.0.1/api/faults', { method, headers, ...(method === 'POST' ? { body: '{}' } : {}) });

describe('fault guard', () => {
  it('accepts only POST + application/json + the right token', () => {
    const json = { 'content-type': 'application/json; charset=utf-8', 'x-fault-token': TOKEN };
    expect(checkFaultRequest(request('POST', json), TOKEN)).toEqual({ ok: true });
    expect(checkFaultRequest(request('GET', json), TOKEN)).toMatchObject({ ok: false, status: 405 });
    expect(
      checkFaultRequest(request('POST', { 'content-type': 'text/plain', 'x-fault-token': TOKEN }), TOKEN),
    ).toMatchObject({ ok: false, status: 415 });
    expect(
      checkFaultRequest(request('POST', { 'content-type': 'application/json', 'x-fault-token': 'nope' }), TOKEN),
    ).toMatchObject({ ok: false, status: 403 });
    expect(checkFaultRequest(request('POST', { 'content-type': 'application/json' }), TOKEN)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('uses FAULTS_TOKEN when long enough, else a random one', () => {
    expect(faultToken('x'.repeat(16))).toEqual({ token: 'x'.repeat(16), generated: false });
    const a = faultToken('short');
    expect(a.generated).toBe(true);
    expect(a.token).not.toBe(faultToken(undefined).token);
  });
});
