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
};

module.exports = nextConfig;
