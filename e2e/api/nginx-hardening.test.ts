import { describe, expect, it } from 'vitest';
import { KIT_FAULTS_TOKEN } from '../fixtures/faults';
import { canRun } from '../fixtures/binaries';
import { useNginxFront } from './support/nginx-front';
import { TEST_USERS } from '../fixtures/test-config';

/**
 * The reference nginx (deploy/nginx.conf, TLS + HTTP/2) in front of an instance that trusts it
 * (TRUSTED_PROXIES=127.0.0.1, as the conf says): HSTS on every answer, the benchmark route
 * denied at the edge like the fault route, and the session over TLS: a `__Host-` cookie, an
 * Origin check against the https site the browser saw, and oversized bodies stopped at the edge.
 */

describe.skipIf(!canRun('nginx', 'nginx hardening tests') || !canRun('openssl', 'nginx hardening tests'))(
  'the reference nginx, hardened',
  () => {
    const front = useNginxFront({ TRUSTED_PROXIES: '127.0.0.1', ENABLE_FAULTS: '1', FAULTS_TOKEN: KIT_FAULTS_TOKEN });
    const signIn = (headers: Record<string, string>, body = JSON.stringify(TEST_USERS.full.credentials)) =>
      front.request('/api/auth/session', { 'content-type': 'application/json', ...headers }, body);
    const status = async (path: string, headers: Record<string, string> = {}) => {
      const answer = await front.request(path, headers);
      await front.text(answer);
      return answer.status;
    };

    it('sends HSTS on every answer, the edge refusals included', async () => {
      for (const path of ['/api/health', '/api/faults', '/api/bench/idle-stream']) {
        const answer = await front.request(path);
        expect(answer.headers['strict-transport-security'], path).toBe('max-age=31536000');
        await front.text(answer);
      }
    });

    it('the benchmark route never crosses the edge, even enabled and with the token', async () => {
      const token = { 'x-fault-token': KIT_FAULTS_TOKEN };
      expect(await status('/api/bench/idle-stream', token)).toBe(404);
      expect(await status('/api/./bench/%69dle-stream', token)).toBe(404);
    });

    it('signs in over TLS with a __Host- cookie, checking Origin against the https site', async () => {
      const site = front.nginx.url;
      const signedIn = await signIn({ origin: site });
      await front.text(signedIn);
      expect(signedIn.status).toBe(200);
      expect(String(signedIn.headers['set-cookie'])).toMatch(/^__Host-rtd_session=[^;]+; .*; Secure$/);
      // The same host over plain http is another origin.
      for (const origin of [site.replace('https:', 'http:'), 'https://evil.example']) {
        const refused = await signIn({ origin });
        await front.text(refused);
        expect(refused.status, origin).toBe(403);
      }
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
      expect(await status('/api/auth/session', { cookie })).toBe(200);
    });

    it('stops an oversized body at the edge', async () => {
      const answer = await signIn(
        { origin: front.nginx.url },
        JSON.stringify({ ...TEST_USERS.full.credentials, pad: 'a'.repeat(100_000) }),
      );
      await front.text(answer);
      expect(answer.status).toBe(413);
    });
  },
);
