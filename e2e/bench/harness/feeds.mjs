// @ts-check
// The feeds the bench streams: the app's own catalogue (lib/metrics/feeds.ts, imported as
// TypeScript: Node 24 strips the types), or its first BENCH_FEEDS feeds.
import { FEED_NAMES } from '../../../lib/metrics/feeds.ts';

export const ALL_FEEDS = FEED_NAMES;
export const FEEDS = ALL_FEEDS.slice(0, Number(process.env.BENCH_FEEDS ?? ALL_FEEDS.length));

/**
 * The stream URL path for a server kind. The app publishes every feed and filters per stream,
 * so a subset is asked for with `?feeds=`; the references publish only FEEDS (from their env).
 */
/** @param {string} kind */
export const streamPath = (kind) =>
  (kind === 'route' || kind === 'raw') && FEEDS.length < ALL_FEEDS.length
    ? `/api/stream?feeds=${FEEDS.join(',')}`
    : '/api/stream';
