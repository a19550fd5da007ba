import type { LiveStatusState } from './status-store';

type Transition = LiveStatusState['transitions'][number];

/** A run of consecutive transitions between the same two states, shown as one line. */
export interface TransitionRun {
  from: Transition['from'];
  to: Transition['to'];
  /** How many transitions the run holds (≥ 1). */
  count: number;
  /** When the run started and when its newest transition happened (client time). */
  firstAt: number;
  lastAt: number;
  /** The newest transition's reason: the one that explains where things stand now. */
  reason: string;
}

/**
 * Collapse consecutive repeats, oldest first in and out. An outage retried five times logs
 * `reconnecting → reconnecting` five times; a person wants "reconnecting → reconnecting ×5".
 * The full log stays in the DOM (`transition-log`) for tests and for debugging.
 */
export function collapseTransitions(transitions: readonly Transition[]): TransitionRun[] {
  const runs: TransitionRun[] = [];
  for (const t of transitions) {
    const last = runs.at(-1);
    if (last && last.from === t.from && last.to === t.to) {
      last.count += 1;
      last.lastAt = t.at;
      last.reason = t.reason;
    } else {
      runs.push({ from: t.from, to: t.to, count: 1, firstAt: t.at, lastAt: t.at, reason: t.reason });
    }
  }
  return runs;
}
