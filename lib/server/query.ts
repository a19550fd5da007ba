import 'server-only';
import { z } from 'zod';
import { FEED_NAMES, isFeedName, type FeedName } from '@/lib/metrics/feeds';

/**
 * Query validation for `?feeds=` (stream and snapshot). Unknown feeds are a client mistake
 * worth a 400; the cursor is not validated here, because a bad cursor is answered in-band with
 * a reset (a native EventSource cannot recover from a 4xx).
 */

const MAX_QUERY_VALUE = 1024;

const feedsParam = z
  .string()
  .max(MAX_QUERY_VALUE, 'feeds is too long')
  .transform((raw) => raw.split(',').map((name) => name.trim()))
  .superRefine((names, ctx) => {
    if (names.some((name) => name === ''))
      ctx.addIssue({ code: 'custom', message: 'feeds must be a comma-separated list of feed names' });
    const unknown = names.filter((name) => name !== '' && !isFeedName(name));
    if (unknown.length)
      ctx.addIssue({
        code: 'custom',
        message: `unknown feed(s): ${unknown
          .slice(0, 5)
          .map((name) => JSON.stringify(name.slice(0, 40)))
          .join(', ')}; see /api/feeds`,
      });
  })
  .transform((names) => new Set(names as FeedName[]));

export type FeedsQuery =
  { ok: true; feeds: ReadonlySet<FeedName> } | { ok: false; code: 'invalid_query' | 'unknown_feed'; message: string };

export function parseFeedsQuery(params: URLSearchParams): FeedsQuery {
  const all = params.getAll('feeds');
  if (all.length === 0) return { ok: true, feeds: new Set(FEED_NAMES) };
  if (all.length > 1) return { ok: false, code: 'invalid_query', message: 'give feeds once, comma-separated' };
  const result = feedsParam.safeParse(all[0]);
  if (result.success) return { ok: true, feeds: result.data };
  const message = result.error.issues.map((issue) => issue.message).join('; ');
  return { ok: false, code: message.startsWith('unknown feed') ? 'unknown_feed' : 'invalid_query', message };
}
