// @ts-check

/**
 * Nothing here is needed for SSE: the stream route sets `Cache-Control: no-transform`, which
 * makes Next skip compression for it (see docs/protocol.md). Keep this file minimal so a fork
 * can see at a glance that no experimental flag is involved.
 *
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  experimental: {
    // Next buffers a request's body for proxy.ts, up to this much per request (default 10 MB).
    // The proxy never reads bodies, and the routes that do are not behind it
    // (lib/server/security/route-cors.ts): keep what an upload can cost in memory small.
    proxyClientMaxBodySize: '64kb',
  },
  // Every response, pages and API alike. The page's Content-Security-Policy (with its per-request
  // nonce) is set in proxy.ts; `frame-ancestors 'none'` there, X-Frame-Options here for old browsers.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
