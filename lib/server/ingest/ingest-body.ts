import 'server-only';
import { z } from 'zod';
import { FEEDS, isFeedName } from '@/lib/metrics/feeds';
import { INGEST_MAX_AGE_MS, INGEST_MAX_LEAD_MS, type IngestPoint } from '../bus';

/**
 * The body of `POST /api/ingest`, validated at the boundary: `{"points":[{feed, value, ts?}]}`.
 * Each point is checked on its own, so a bad batch is answered with every bad point and why
 * (the whole batch is then refused: all or nothing). What a point must be:
 *
 * - `feed` in the catalogue (`lib/metrics/feeds.ts`);
 * - `value` a number within the feed's `min`..`max`, stored rounded to its `decimals`;
 * - `ts` (optional) whole milliseconds since 1970, at most `INGEST_MAX_AGE_MS` behind and
 *   `INGEST_MAX_LEAD_MS` ahead of the server's clock; without it, the server's time. A `ts` older
 *   than the feed's newest point is refused by the bus (times within a feed never go back).
 */

/** Most points in one batch. */
export const MAX_POINTS_PER_BATCH = 10_000;
/** Most per-point reasons listed in one answer (the count is always complete). */
const MAX_REASONS = 100;

const pointSchema = z.strictObject({
  feed: z.string(),
  value: z.number(),
  ts: z.number().int().optional(),
});

const bodySchema = z.strictObject({
  points: z.array(z.unknown()).min(1).max(MAX_POINTS_PER_BATCH),
});

const RANGES = new Map(FEEDS.map((feed) => [feed.name, feed]));

export interface PointProblem {
  index: number;
  reason: string;
}

export type ParsedBody =
  | { ok: true; points: IngestPoint[] }
  /** The body is not `{"points":[…]}` at all. */
  | { ok: false; code: 'invalid_json' | 'invalid_body'; message: string }
  /** Some points are bad: `problems` lists up to 100 of them, `invalid` counts them all. */
  | { ok: false; code: 'invalid_points'; invalid: number; total: number; problems: PointProblem[] };

export function parseIngestBody(text: string, now: number): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      code: 'invalid_json',
      message: 'The body is not JSON. Send {"points":[{"feed":…,"value":…}]}.',
    };
  }
  const body = bodySchema.safeParse(json);
  if (!body.success) return { ok: false, code: 'invalid_body', message: describe(body.error.issues) };

  const points: IngestPoint[] = [];
  const problems: PointProblem[] = [];
  let invalid = 0;
  body.data.points.forEach((raw, index) => {
    const checked = checkPoint(raw, now);
    if (typeof checked === 'string') {
      invalid += 1;
      if (problems.length < MAX_REASONS) problems.push({ index, reason: checked });
    } else points.push(checked);
  });
  if (invalid) return { ok: false, code: 'invalid_points', invalid, total: body.data.points.length, problems };
  return { ok: true, points };
}

/** The point as the bus takes it, or why it is refused. */
function checkPoint(raw: unknown, now: number): IngestPoint | string {
  const parsed = pointSchema.safeParse(raw);
  if (!parsed.success) return describe(parsed.error.issues);
  const { feed, value, ts } = parsed.data;
  if (!isFeedName(feed)) return `feed ${JSON.stringify(feed)} is not in the catalogue`;
  const range = RANGES.get(feed)!;
  if (value < range.min || value > range.max)
    return `value ${value} is outside ${feed}'s range ${range.min}..${range.max}`;
  if (ts !== undefined && ts < now - INGEST_MAX_AGE_MS) {
    return `ts ${ts} is more than ${INGEST_MAX_AGE_MS / 1000} s behind the server's clock (${now})`;
  }
  if (ts !== undefined && ts > now + INGEST_MAX_LEAD_MS) {
    return `ts ${ts} is more than ${INGEST_MAX_LEAD_MS / 1000} s ahead of the server's clock (${now})`;
  }
  const factor = 10 ** range.decimals;
  return {
    feed,
    value: Math.round(value * factor) / factor,
    ts: ts ?? now,
    order: ts === undefined ? 'lift' : 'exact',
  };
}

function describe(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}
