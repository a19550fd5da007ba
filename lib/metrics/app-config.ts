/**
 * What a fork names and switches for its whole app, in one place beside the feed catalogue
 * (feeds.ts). Shared by server and client (pure data, read at build time): the page's words come
 * from here, and so does the one switch between one stream per browser and one per tab.
 * The specs read these values too, so editing them keeps the e2e kit green.
 */

/**
 * How the tabs of one browser get their data.
 * - `'tabs'`: one stream per browser profile and origin, shared by its tabs (lib/client/sharing/,
 *   docs/tab-sharing.md); the seventh tab of an HTTP/1.1 origin still loads.
 * - `'off'`: every tab opens its own stream (a `ConnectionManager`); no election, no stream
 *   channel and no Web Lock (the sign-out notice between tabs, lib/client/auth-channel.ts, stays). Simpler to reason about; over HTTP/1.1 a browser can hold six tabs of
 *   the dashboard at most, so serve it over HTTP/2 (deploy/nginx-single.conf).
 */
export type TabSharingMode = 'off' | 'tabs';

export interface AppConfig {
  /** The document title (the browser tab, bookmarks). */
  readonly title: string;
  /** The page's description meta tag. */
  readonly description: string;
  /** The dashboard's heading (its `h1`). */
  readonly heading: string;
  /** The line under the heading: what the feeds are. */
  readonly tagline: string;
  /** The sign-in panel's heading. */
  readonly signInHeading: string;
  /** See `TabSharingMode`. */
  readonly sharing: TabSharingMode;
}

/** Default: the demo's words, and tab sharing on (`sharing: 'tabs'`). */
export const APP_CONFIG: AppConfig = {
  title: 'Realtime dashboard',
  description: 'Reference realtime dashboard for Next.js: resumable SSE that survives real networks.',
  heading: 'Service metrics',
  tagline: 'Simulated feeds over Server-Sent Events',
  signInHeading: 'Sign in to the metrics dashboard',
  sharing: 'tabs',
};
