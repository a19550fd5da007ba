import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import type { FeedWindow, MetricEvent, Snapshot } from '@/lib/metrics/events';
import { INGEST_MAX_AGE_MS, INGEST_MAX_LEAD_MS } from './bus';

/**
 * How much older than the cutoff an event must be before the walk stops. Within a feed times
 * never go back, but across feeds an ingested point may be up to `INGEST_MAX_AGE_MS` behind the
 * moment it was appended and `INGEST_MAX_LEAD_MS` ahead: an event this far past the cutoff
 * proves that everything appended before it is outside the window too.
 */
const UNORDERED_MS = INGEST_MAX_AGE_MS + INGEST_MAX_LEAD_MS;

/**
 * Builds snapshot windows from events seen newest first (how both buses walk their logs back).
 * Feed events in a log have contiguous seqs, so a window is a first seq plus two columns.
 */
export class SnapshotBuilder {
  private readonly collected = new Map<FeedName, MetricEvent[]>();

  constructor(
    private readonly feeds: ReadonlySet<FeedName>,
    /** Events older than this (ms since 1970) are outside the window. */
    private readonly cutoff: number,
  ) {}

  /** Offer the next older event; returns false once the walk can stop. */
  add(event: MetricEvent): boolean {
    if (event.ts < this.cutoff) return event.ts >= this.cutoff - UNORDERED_MS;
    if (this.feeds.has(event.feed)) {
      const list = this.collected.get(event.feed);
      if (list) list.push(event);
      else this.collected.set(event.feed, [event]);
    }
    return true;
  }

  /** `nextSeq(feed)`: the seq the feed will publish next (the window's start when it is empty). */
  build(epoch: string, cursor: string, windowMs: number, nextSeq: (feed: FeedName) => number): Snapshot {
    const feeds: Snapshot['feeds'] = {};
    for (const feed of this.feeds) {
      const events = (this.collected.get(feed) ?? []).reverse();
      const window: FeedWindow = { firstSeq: events[0]?.seq ?? nextSeq(feed), ts: [], value: [] };
      for (const event of events) {
        window.ts.push(event.ts);
        window.value.push(event.value);
      }
      feeds[feed] = window;
    }
    return { epoch, cursor, windowMs, feeds };
  }
}
