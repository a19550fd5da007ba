// Its own (empty) config: without one, `next build e2e/naive-app` would find this repo's root
// next.config.js by walking up, and the naive app would not be as plain as it claims.
/** @type {import('next').NextConfig} */
const nextConfig = {};
export default nextConfig;
