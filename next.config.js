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
  // `npm run build` also writes a self-contained server to .next/standalone (the traced
  // node_modules it needs, no others); scripts/standalone.mjs then copies in what Next leaves out
  // (.next/static, public/, raw-server.mjs) and the HOST-aware entry, so that folder alone is what
  // a host or container runs (`node .next/standalone/start.mjs`, docs/deploy.md). `npm start`
  // (`next start`) keeps working on the same build; it only logs that standalone exists.
  output: 'standalone',
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
