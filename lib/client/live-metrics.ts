import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Snapshot } from '@/lib/metrics/events';
import { createMetricsStore, type MetricsStore, type ResetOutcome } from '@/lib/store/metrics-store';
import { createFrameBuffer, type ScheduleFrame } from '@/lib/store/frame-buffer';
import { ConnectionManager, type ConnectionStatus, type Recovery, type Transition } from './connection';
import type { ConnectionEnv } from './connection-env';

/**
 * The one place that knows both the connection and the store: events flow connection → frame
 * buffer → store; the resume cursor flows back from the store. Also keeps what the UI shows
 * about the connection (status, recent transitions, the recovery notice) in a small store.
 */

export interface RecoveryNotice {
  /** Increments per notice, so the toast can tell a new one from the same one. */
  id: number;
  kind: 'recovered' | 'resynced';
  message: string;
  at: number;
}

export interface LiveStatusState {
  connection: ConnectionStatus;
  /** Newest last, at most 30. */
  transitions: Transition[];
  /** Streams reopened after the first one. */
  reconnects: number;
  recovery: RecoveryNotice | null;
  /** Server clock minus client clock, from `hello` (0 until known). */
  clockOffsetMs: number;
}

export interface LiveMetrics {
  readonly metrics: MetricsStore;
  readonly status: StoreApi<LiveStatusState>;
  reconnectNow(): void;
  /** Starts the stream on the first retain; stops it shortly after the last release. */
  retain(): () => void;
}

export interface LiveMetricsOptions {
  feeds: readonly FeedName[];
  /** Recent history for first paint; the stream resumes from its cursor. Default none. */
  snapshot?: Snapshot;
  /** Default `/api/stream` (all feeds: one multiplexed stream per tab). */
  url?: string;
  env: ConnectionEnv;
  /** Default `requestAnimationFrame` (with a timer fallback for hidden tabs). */
  scheduleFrame?: ScheduleFrame;
  /** Chart window per feed. Default 300000 ms. */
  windowMs?: number;
}

const MAX_TRANSITIONS = 30;
const OUTAGE_STATES = new Set(['reconnecting', 'stale', 'offline', 'failed']);

export function formatDuration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export function recoveryMessage(recovery: Recovery, reset: ResetOutcome | null): RecoveryNotice['message'] {
  if (recovery.reset) {
    const lost = reset?.lostMs ?? 0;
    return lost >= 100
      ? `Resynced: ${formatDuration(lost)} of data could not be recovered`
      : 'Resynced from a snapshot: no data lost';
  }
  const events = `${recovery.replayed} event${recovery.replayed === 1 ? '' : 's'}`;
  return `Back live: recovered ${events} after a ${formatDuration(recovery.outageMs)} outage`;
}

export function createLiveMetrics(options: LiveMetricsOptions): LiveMetrics {
  const { env } = options;
  let connection: ConnectionManager | null = null;
  let lastReset: ResetOutcome | null = null;
  let hellos = 0;
  let noticeId = 0;

  const metrics = createMetricsStore(options.feeds, {
    windowMs: options.windowMs ?? 300_000,
    // A hole in a feed's seqs: resume from before it so the replay fills it.
    onGap: (feed) => connection?.reconnectNow(`gap in ${feed}: resuming to fill it`),
  });
  if (options.snapshot) metrics.hydrate(options.snapshot);

  const buffer = createFrameBuffer((items) => {
    const outcomes = metrics.commit(items);
    if (outcomes.length) lastReset = outcomes[outcomes.length - 1] ?? null;
  }, options.scheduleFrame);

  const serverNow = () => env.now() + status.getState().clockOffsetMs;

  const status = createStore<LiveStatusState>()(() => ({
    connection: {
      state: 'connecting',
      reason: 'starting',
      since: env.now(),
      attempt: 0,
      retryAt: null,
      epoch: null,
      heartbeatMs: null,
      error: null,
    },
    transitions: [],
    reconnects: 0,
    recovery: null,
    clockOffsetMs: 0,
  }));

  connection = new ConnectionManager({
    url: options.url ?? '/api/stream',
    env,
    sink: {
      resumeCursor: () => {
        // Commit what is buffered first: the cursor must be the last event actually applied.
        buffer.flush();
        return metrics.resumeCursor();
      },
      onHello: (hello) => {
        hellos += 1;
        metrics.setEpoch(hello.epoch);
        status.setState({ clockOffsetMs: hello.serverTime - env.now(), reconnects: Math.max(0, hellos - 1) });
      },
      onMetric: (event, cursor) => buffer.push({ kind: 'metric', event, cursor }),
      onReset: (reset) => {
        // Applied at once (not at the next frame): everything after it builds on the snapshot.
        buffer.push({ kind: 'reset', reset });
        buffer.flush();
      },
      onStatus: (connectionStatus, transition) => {
        const patch: Partial<LiveStatusState> = { connection: connectionStatus };
        if (transition) {
          patch.transitions = [...status.getState().transitions.slice(-(MAX_TRANSITIONS - 1)), transition];
          if (OUTAGE_STATES.has(transition.to)) metrics.outageStarted(serverNow());
          if (transition.to === 'live') metrics.outageEnded(serverNow());
        }
        status.setState(patch);
      },
      onRecovered: (recovery) => {
        buffer.flush();
        noticeId += 1;
        const message = recoveryMessage(recovery, recovery.reset ? lastReset : null);
        status.setState({
          recovery: { id: noticeId, kind: recovery.reset ? 'resynced' : 'recovered', message, at: env.now() },
        });
        lastReset = null;
      },
    },
  });

  let refs = 0;
  let running = false;
  let stopTimer: unknown = null;

  return {
    metrics,
    status,
    reconnectNow: () => connection?.reconnectNow('reconnect requested by the user'),
    retain() {
      refs += 1;
      if (stopTimer !== null) env.clearTimeout(stopTimer);
      stopTimer = null;
      if (!running) {
        running = true;
        connection?.start();
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        refs -= 1;
        // Deferred: React StrictMode unmounts and remounts at once in dev; a remount within
        // this tick keeps the same stream instead of opening a second one.
        if (refs === 0) {
          stopTimer = env.setTimeout(() => {
            stopTimer = null;
            if (refs === 0 && running) {
              running = false;
              connection?.stop();
            }
          }, 0);
        }
      };
    },
  };
}
