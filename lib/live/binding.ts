import type { StoreApi } from 'zustand/vanilla';
import type { ConnectionEnv } from '@/lib/client/connection-env';
import { OUTAGE_STATES } from '@/lib/client/connection-status';
import type { SharedStreamListener, StreamSource } from '@/lib/client/stream-source';
import { createFrameBuffer, type ScheduleFrame } from '@/lib/store/frame-buffer';
import type { CommitResult, Incoming, ResetOutcome } from '@/lib/store/metrics-state';
import type { MetricsStore } from '@/lib/store/metrics-store';
import { closeOutage, fillOutage, longestFilledMs, openOutage } from './outages';
import { recoveryMessage } from './recovery-message';
import { MAX_TRANSITIONS, type LiveStatusState } from './status-store';

/**
 * The binding: the one place where a stream source meets the stores.
 *
 *   source ──events──▶ frame buffer ──batch per paced frame──▶ metrics store ──▶ components
 *          ──status, recovery, protocol errors──────────▶ status store  ──▶ components
 *
 * What goes back up is named in lib/client/stream-source.ts: the source *pulls* `resumeCursor()`
 * (a pure read of the store; `flush()` first commits what waits for a frame), and the binding *commands*
 * `reconnectNow({ kind: 'gap', feed })` when a commit reports a new gap (only a resume from
 * before the hole can fill it) and `reconnectNow({ kind: 'user' })` for the user's button.
 *
 * Holes resolve: that resume is the one attempt. The binding tells the store it was asked
 * (`metrics.resumeAsked()`), and the store gives up what the answer skips (merge.ts): the feed
 * advances and the loss is counted and shown, instead of a feed frozen under a `live` badge. A
 * follower tab's "resume" is the catch-up its leader answers (lib/client/sharing/); same rule.
 *
 * The frame buffer is flushed at three boundaries, explicitly here (never as a side effect of a
 * read): on a reset (everything after it builds on the snapshot), on every connection
 * transition (a new attempt must resume from what the old stream delivered), and when a
 * recovery is complete (its toast and the charts measure the data it filled in, outages.ts).
 */

export interface BindingOptions {
  source: StreamSource<SharedStreamListener>;
  metrics: MetricsStore;
  status: StoreApi<LiveStatusState>;
  env: Pick<ConnectionEnv, 'now'>;
  /** Default: animation frames at most every `COMMIT_EVERY_MS`, with a timer fallback (frame-buffer.ts). */
  scheduleFrame?: ScheduleFrame;
}

export interface Binding {
  /** What the source delivers to. */
  readonly listener: SharedStreamListener;
  /** The user's "Reconnect now". */
  reconnectNow: () => void;
}

export function createBinding({ source, metrics, status, env, scheduleFrame }: BindingOptions): Binding {
  let lastReset: ResetOutcome | null = null;
  let hellos = 0;
  let noticeId = 0;
  const serverNow = () => env.now() + status.getState().clockOffsetMs;
  const lastPoint = (feed: string) => metrics.series(feed).ts.at(-1);
  /** Every feed's last point now: where its data stops when an outage begins. */
  const lastPoints = () => {
    const points: Record<string, number> = {};
    for (const feed of Object.keys(metrics.api.getState().feeds)) {
      const ts = lastPoint(feed);
      if (ts !== undefined) points[feed] = ts;
    }
    return points;
  };

  const commit = (items: Incoming[]) => settle(metrics.commit(items));
  const settle = (result: CommitResult) => {
    lastReset = result.resets.at(-1) ?? lastReset;
    const [feed] = result.newGaps;
    if (feed === undefined) return;
    // One resume per hole, never a wait without end: the store is told first, so what the resume
    // brings past a hole gives the hole up (counted as lost) instead of waiting behind it.
    metrics.resumeAsked();
    // Upstream command: a hole only a resume can fill (the store's resumeCursor() starts before it).
    source.reconnectNow({ kind: 'gap', feed });
  };
  const buffer = createFrameBuffer(commit, scheduleFrame);

  const listener: SharedStreamListener = {
    resumeCursor: () => metrics.resumeCursor(),
    onHello(hello) {
      hellos += 1;
      metrics.setEpoch(hello.epoch);
      status.setState({ clockOffsetMs: hello.serverTime - env.now(), reconnects: Math.max(0, hellos - 1) });
    },
    onMetric: (event, cursor) => buffer.push({ kind: 'metric', event, cursor }),
    onReset(reset) {
      buffer.push({ kind: 'reset', reset });
      buffer.flush();
    },
    onStatus(connection, transition) {
      if (!transition) return status.setState({ connection });
      buffer.flush();
      const state = status.getState();
      let { outages } = state;
      if (OUTAGE_STATES.has(transition.to)) outages = openOutage(outages, serverNow(), lastPoints());
      if (transition.to === 'live') outages = closeOutage(outages, serverNow());
      status.setState({
        connection,
        transitions: [...state.transitions.slice(-(MAX_TRANSITIONS - 1)), transition],
        outages,
      });
    },
    onRecovered(recovery) {
      // The source reports a recovery once it handed on the replay: apply it, then measure it.
      buffer.flush();
      const { outages, filled } = fillOutage(status.getState().outages, lastPoint);
      noticeId += 1;
      const message = recoveryMessage(recovery, recovery.reset ? lastReset : null, longestFilledMs(filled));
      const kind = recovery.reset ? 'resynced' : 'recovered';
      status.setState({ recovery: { id: noticeId, kind, message, at: env.now() }, outages });
      lastReset = null;
    },
    onProtocolError(error) {
      const { protocolErrors } = status.getState();
      status.setState({ protocolErrors: protocolErrors + 1, lastProtocolError: error.message });
    },
    flush: () => buffer.flush(),
    onSnapshot(snapshot) {
      buffer.flush();
      settle(metrics.mergeSnapshot(snapshot));
    },
    onClockOffset: (clockOffsetMs) => status.setState({ clockOffsetMs }),
    onSharing: (sharing) => status.setState({ sharing }),
  };

  return { listener, reconnectNow: () => source.reconnectNow({ kind: 'user' }) };
}
