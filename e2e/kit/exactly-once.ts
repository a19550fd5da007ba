/**
 * Exactly-once assertions over what a client received: per feed, each seq once, in order, with
 * no hole, and no restart of the numbering. The input is a plain list, so it fits any app whose
 * events carry a per-feed sequence number (and, if it has one, an epoch: the lifetime of the
 * server's log, which changes when the numbering restarts).
 *
 *   const received = events.map((e) => ({ feed: e.feed, seq: e.seq }));
 *   assertExactlyOnce(received);                // throws on the first violation, readably
 *   expect(findViolations(received)).toEqual([]);
 *
 * The first delivery of a feed sets where it starts (a client may join mid-stream); from then
 * on the next one must be seq + 1.
 */

export interface Delivery {
  /** Which sequence this belongs to. Default `''` (one sequence for the whole stream). */
  feed?: string;
  seq: number;
  /** The lifetime of the numbering; a change restarts it and is reported as a `reset`. Default none. */
  epoch?: string;
}

export type ViolationKind = 'gap' | 'duplicate' | 'reset';

export interface Violation {
  /**
   * `gap`: seqs skipped (got more than the previous + 1). `duplicate`: a seq delivered before, in
   * the same epoch. `reset`: the numbering restarted (a seq below the newest that was never
   * delivered, or a new epoch).
   */
  kind: ViolationKind;
  feed: string;
  /** Position of the offending delivery in the input list. */
  index: number;
  seq: number;
  /** What should have come: the previous seq + 1. */
  expected: number;
  /** For a gap: how many seqs are missing. Else 0. */
  missing: number;
  /** The epoch before and at this delivery, when the deliveries have epochs. */
  epochs?: { before: string | undefined; now: string | undefined };
  /** This feed's seqs around the offending one, it in brackets: `41, 42, [44], 45`. */
  neighbours: string;
}

export interface ExactlyOnceOptions {
  /**
   * Violation kinds the caller expects and does not want reported (e.g. `['reset']` across a
   * server restart, where a new epoch is the honest outcome). Default none.
   */
  allow?: readonly ViolationKind[];
  /** How many seqs of the feed to show on each side in `neighbours`. Default 2. */
  context?: number;
  /**
   * Per feed, the newest seq the client already held before the first delivery (from a
   * snapshot or a first paint): the next must be that + 1, and any seq up to it is a duplicate.
   * Default none: a feed's first delivery sets where it starts.
   */
  held?: Readonly<Record<string, number>>;
}

/** Every violation, in input order. Empty means exactly once. */
export function findViolations(deliveries: readonly Delivery[], options: ExactlyOnceOptions = {}): Violation[] {
  const allow = new Set(options.allow ?? []);
  const context = options.context ?? 2;
  const byFeed = new Map<string, { seqs: number[]; indexes: number[] }>();
  for (const [index, d] of deliveries.entries()) {
    const feed = d.feed ?? '';
    const entry = byFeed.get(feed) ?? { seqs: [], indexes: [] };
    entry.seqs.push(d.seq);
    entry.indexes.push(index);
    byFeed.set(feed, entry);
  }
  const neighbours = (feed: string, position: number) => {
    const seqs = byFeed.get(feed)!.seqs;
    const from = Math.max(0, position - context);
    const to = Math.min(seqs.length, position + context + 1);
    const shown = seqs.slice(from, to).map((seq, i) => (from + i === position ? `[${seq}]` : String(seq)));
    return `${from > 0 ? '…, ' : ''}${shown.join(', ')}${to < seqs.length ? ', …' : ''}`;
  };

  interface FeedState {
    last: number;
    epoch: string | undefined;
    seen: Set<number>;
    position: number;
    /** Seqs up to this were held before the first delivery (`held`); -Infinity when none. */
    floor: number;
    /** Set by `held`, whose epoch is not known: the first delivery's epoch is taken as it. */
    adoptEpoch: boolean;
  }
  const state = new Map<string, FeedState>(
    Object.entries(options.held ?? {}).map(([feed, last]) => [
      feed,
      { last, epoch: undefined, seen: new Set(), position: -1, floor: last, adoptEpoch: true },
    ]),
  );
  const violations: Violation[] = [];
  for (const [index, d] of deliveries.entries()) {
    const feed = d.feed ?? '';
    const s = state.get(feed);
    if (!s) {
      state.set(feed, {
        last: d.seq,
        epoch: d.epoch,
        seen: new Set([d.seq]),
        position: 0,
        floor: -Infinity,
        adoptEpoch: false,
      });
      continue;
    }
    s.position += 1;
    if (s.adoptEpoch) {
      s.epoch = d.epoch;
      s.adoptEpoch = false;
    }
    const base = { feed, index, seq: d.seq, expected: s.last + 1, missing: 0 };
    const epochs = d.epoch !== undefined || s.epoch !== undefined ? { epochs: { before: s.epoch, now: d.epoch } } : {};
    let kind: ViolationKind | null = null;
    let missing = 0;
    if (d.epoch !== s.epoch) kind = 'reset';
    else if (s.seen.has(d.seq) || d.seq <= s.floor) kind = 'duplicate';
    else if (d.seq < s.last) kind = 'reset';
    else if (d.seq > s.last + 1) {
      kind = 'gap';
      missing = d.seq - s.last - 1;
    }
    if (kind && !allow.has(kind))
      violations.push({ ...base, kind, missing, ...epochs, neighbours: neighbours(feed, s.position) });
    // A reset starts a new numbering; anything else moves the newest seq forward (never back).
    if (kind === 'reset') {
      s.floor = -Infinity;
      s.seen = new Set([d.seq]);
      s.last = d.seq;
      s.epoch = d.epoch;
    } else {
      s.seen.add(d.seq);
      s.last = Math.max(s.last, d.seq);
    }
  }
  return violations;
}

/** One line a reader can act on: which feed, what went wrong, and the seqs around it. */
export function describeViolation(v: Violation): string {
  const where = `feed ${JSON.stringify(v.feed)}, delivery #${v.index}`;
  const around = `(seqs: ${v.neighbours})`;
  switch (v.kind) {
    case 'gap':
      return `${where}: gap: got seq ${v.seq} after ${v.expected - 1}, ${v.missing} missing (${v.expected}${v.missing > 1 ? `…${v.seq - 1}` : ''}) ${around}`;
    case 'duplicate':
      return `${where}: duplicate: seq ${v.seq} was already delivered ${around}`;
    case 'reset':
      return v.epochs && v.epochs.before !== v.epochs.now
        ? `${where}: reset: epoch ${String(v.epochs.before)} → ${String(v.epochs.now)}, numbering restarted at seq ${v.seq} ${around}`
        : `${where}: reset: seq went back to ${v.seq} after ${v.expected - 1}, never delivered before ${around}`;
  }
}

/** Throws an Error naming the first violation (and how many there were), or returns quietly. */
export function assertExactlyOnce(deliveries: readonly Delivery[], options: ExactlyOnceOptions = {}): void {
  const violations = findViolations(deliveries, options);
  if (violations.length === 0) return;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
  throw new Error(`not exactly once: ${describeViolation(violations[0]!)}${more}`);
}

/** The seqs per feed in arrival order: for a readable expectation, `{cpu: [1, 2, 3]}`. */
export function seqsByFeed(deliveries: readonly Delivery[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const d of deliveries) (out[d.feed ?? ''] ??= []).push(d.seq);
  return out;
}
