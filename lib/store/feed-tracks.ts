import { cursorEpoch } from '@/lib/sse/cursor';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { lostBetween } from './history-loss';
import { FeedTrack } from './merge';
import type { SeriesWindowOptions } from './series-window';

/**
 * Every feed's track, by name. A feed nobody announced gets a track on first sight: the server's
 * catalogue can be newer than the page (edited while `npm run dev` runs, or a rolling deploy).
 */
export class FeedTracks {
  private readonly tracks = new Map<string, FeedTrack>();
  /** Epoch of the data held (not of the latest hello, which arrives before its reset). */
  dataEpoch: string | null = null;

  constructor(
    feeds: readonly string[],
    private readonly options: SeriesWindowOptions,
  ) {
    for (const feed of feeds) this.get(feed);
  }

  get(feed: string): FeedTrack {
    let track = this.tracks.get(feed);
    if (!track) {
      track = new FeedTrack(this.options);
      this.tracks.set(feed, track);
    }
    return track;
  }

  entries(): IterableIterator<[string, FeedTrack]> {
    return this.tracks.entries();
  }

  /**
   * Takes a snapshot as every listed feed's new baseline; returns the history it could not cover.
   * A feed it does not list is superseded all the same (merge.ts `supersede`): a hole left open
   * there would keep the resume cursor before the reset, and every resume would be reset again.
   */
  load(snapshot: WireSnapshot, touched: Set<string>, now: number): number {
    let lostMs = 0;
    const restarted = this.dataEpoch !== null && this.dataEpoch !== snapshot.epoch;
    this.dataEpoch = snapshot.epoch;
    for (const [feed, track] of this.tracks) {
      if (Object.hasOwn(snapshot.feeds, feed)) continue;
      // Judged by the track's own cursor: the data epoch may not be known yet.
      track.supersede(snapshot.cursor, cursorEpoch(track.lastCursor) === snapshot.epoch);
      touched.add(feed);
    }
    for (const [feed, window] of Object.entries(snapshot.feeds)) {
      const track = this.get(feed);
      lostMs = Math.max(lostMs, lostBetween(track.lastTs, window.ts, restarted, now));
      track.load(window, snapshot.cursor);
      touched.add(feed);
    }
    return lostMs;
  }

  /** Holes not reported yet, marked as reported: one outage is one gap. */
  takeNewGaps(): string[] {
    const gaps: string[] = [];
    for (const [feed, track] of this.tracks) {
      if (track.hasHole && !track.holeReported) {
        track.holeReported = true;
        gaps.push(feed);
      }
    }
    return gaps;
  }

  /** With a hole open, the cursor from just before the oldest one (the replay fills it); else null. */
  cursorBeforeOldestHole(): string | null {
    let holed: FeedTrack | null = null;
    for (const track of this.tracks.values()) {
      if (!track.hasHole || track.lastCursor === null) continue;
      if (holed === null || (track.lastTs ?? 0) < (holed.lastTs ?? 0)) holed = track;
    }
    return holed?.lastCursor ?? null;
  }
}
