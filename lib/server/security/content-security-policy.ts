import 'server-only';

/**
 * The page's Content-Security-Policy, built per request around a fresh nonce.
 *
 * Scripts: only ours (`'self'`) and the inline ones Next marks with this request's nonce;
 * `'strict-dynamic'` lets those load the chunks they import (uPlot is loaded lazily).
 * Styles: `'unsafe-inline'` because React renders `style` attributes and uPlot sets inline
 * sizes; a nonce would make browsers ignore `'unsafe-inline'`, so none is given for styles.
 * Connections: same origin only (the stream, the snapshot, dev's HMR socket).
 * `frame-ancestors 'none'`: the dashboard is never framed (clickjacking).
 *
 * Pure: `proxy.ts` runs it, and the unit test reads it.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join('; ');
}
