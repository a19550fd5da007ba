import { FEED_NAMES, type FeedName } from '@/lib/metrics/feeds';

/**
 * Feeds for unit tests that need some feed, any feed: taken from the catalogue by position, so
 * the tests follow a fork's catalogue instead of naming the demo's (a catalogue has at least two
 * feeds). A test about one particular feed's behaviour has no business in lib/.
 */
export const FEED_A: FeedName = FEED_NAMES[0]!;
export const FEED_B: FeedName = FEED_NAMES[1]!;

/** A name that is not in the catalogue (for tests of what happens to unknown feeds). */
export const UNKNOWN_FEED = 'not-a-catalogue-feed';
