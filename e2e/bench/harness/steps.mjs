// @ts-check
// When a step of a scale benchmark counts as broken: shared by scale.mjs and redis-scale.mjs.
import { fmt } from './stats.mjs';

/**
 * Below this share of the nominal rate (streams × feeds × 1 Hz) a step counts as broken: the
 * server fell behind (its producer's ticks come late, or events wait unwritten). A 10 s window
 * holds 10 ticks whatever its phase, so on time is 100 % give or take timer jitter.
 */
export const MIN_OF_NOMINAL = 0.95;

/**
 * One step of a scale benchmark: one server (or the Redis group) at one number of open streams.
 * @typedef {{
 *   kind: string, label?: string, phase: string, streams: number,
 *   started: number, failed: number, errors: Record<string, number>,
 *   alive: boolean, exit: unknown, missingWindows: number,
 *   eventsPerSecond: number, ofNominal: number, lostEvents: number, dropped: number, silent: number,
 *   p50: number | null, p99: number | null, cpuCorePercent: number, cpuMicrosPerStream: number,
 *   rssKb?: number, rssPerStreamKb: number, fds?: number, fdLimit?: number,
 *   eventLoop?: { utilization: number } | null,
 *   redisCommandsPerInstance?: number, perCommand?: [string, number][],
 *   perInstance?: { eventsPerSecond: number, p99: number | null, cpuCorePercent: number }[],
 *   broken?: string | null, diagnosis?: string,
 * }} Step
 */

/**
 * Why a step counts as broken, or null if it held: every stream open, every event delivered.
 * @param {Step} step
 */
export function brokenStep(step) {
  if (!step.alive) return `the server process died (${step.exit})`;
  if (step.failed > 0) return `${fmt(step.failed)} of ${fmt(step.streams)} streams not opened`;
  if (step.missingWindows) return 'a load generator gave no result';
  if (step.dropped > 0) return `${fmt(step.dropped)} open streams ended by the server`;
  if (step.lostEvents > 0) return `${fmt(step.lostEvents)} events lost (seq gaps)`;
  if (step.silent > 0) {
    const ended = step.errors?.['ended after opening'] ?? 0;
    return `${fmt(step.silent)} open streams received nothing in the window${ended ? ` (${fmt(ended)} streams ended by the server before it)` : ''}`;
  }
  if (step.ofNominal < MIN_OF_NOMINAL)
    return `fell behind: ${fmt(step.ofNominal * 100)} % of the nominal event rate delivered`;
  return null;
}
