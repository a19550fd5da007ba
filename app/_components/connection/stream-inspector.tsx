'use client';

import { collapseTransitions } from '@/lib/live/collapse-transitions';
import { plainReason } from '@/lib/live/plain-reason';
import { useLiveStatus, useMetrics } from '@/lib/live/react';
import { useNow } from '@/lib/live/use-now';

/** Inlined at build time: true under `npm run dev` only. */
const DEV_SERVER = process.env.NODE_ENV === 'development';

function Row({ label, help, value, testId }: { label: string; help: string; value: string | number; testId?: string }) {
  return (
    <div className="flex justify-between gap-4 py-1">
      <dt>
        <span className="text-slate-700 dark:text-slate-300">{label}</span>
        <span className="block text-xs text-slate-600 dark:text-slate-400">{help}</span>
      </dt>
      <dd data-testid={testId} className="shrink-0 text-right font-mono tabular-nums">
        {value}
      </dd>
    </div>
  );
}

function time(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

/**
 * What the stream is doing, for people debugging it: counters, cursor, lag, transitions — each
 * term with a line saying what it means. Transitions show twice: collapsed for reading
 * ("reconnecting → reconnecting ×5"), and the full log (the DOM contract's `transition-log`)
 * one disclosure deeper.
 */
export function StreamInspector() {
  const counters = useMetrics((s) => s.counters);
  const cursor = useMetrics((s) => s.cursor);
  const epoch = useMetrics((s) => s.epoch);
  const lastEventTs = useMetrics((s) => s.lastEventTs);
  const reconnects = useLiveStatus((s) => s.reconnects);
  const rotations = useLiveStatus((s) => s.connection.rotations);
  const offset = useLiveStatus((s) => s.clockOffsetMs);
  const transitions = useLiveStatus((s) => s.transitions);
  const protocolErrors = useLiveStatus((s) => s.protocolErrors);
  const lastProtocolError = useLiveStatus((s) => s.lastProtocolError);
  const sharing = useLiveStatus((s) => s.sharing);
  const now = useNow();
  const lag = lastEventTs !== null && now !== null ? `${Math.max(0, now + offset - lastEventTs)} ms` : '—';
  const runs = collapseTransitions(transitions).reverse();

  return (
    <details
      data-testid="stream-inspector"
      className="rounded-xl bg-white p-4 text-sm shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
    >
      <summary className="cursor-pointer font-medium">Stream inspector</summary>
      <p data-testid="inspector-dev-note" className="mt-2 text-xs text-slate-600 dark:text-slate-400">
        {DEV_SERVER ? 'You are on the dev server. ' : ''}
        Under <code>npm run dev</code>, Next&apos;s dev tooling reloads the whole page when the dev server restarts, so
        a restart shows as a fresh page, not as a resync. To watch the dashboard recover from a server restart, run a
        production build: <code>npm run build</code>, then <code>npm start</code> with <code>AUTH_SECRET</code> set
        (docs/configuration.md), and restart it.
      </p>
      <div className="mt-3 grid gap-6 md:grid-cols-2">
        <dl>
          <Row label="events applied" help="metric events stored and drawn" value={counters.eventsApplied} />
          <Row
            label="duplicates dropped"
            help="events received twice (a replay overlapping what we had) and ignored"
            value={counters.duplicatesDropped}
          />
          <Row
            label="gaps"
            help="times a feed skipped a sequence number; a resume refills them"
            value={counters.gaps}
          />
          <Row
            label="resets"
            help="times the server could not replay what we missed and sent a fresh snapshot instead"
            value={counters.resets}
          />
          <Row label="reconnects" help="streams opened after the first one" value={reconnects} />
          <Row
            label="planned rotations"
            help="streams the server ended on schedule (SSE_MAX_STREAM_MS); we reconnected at once, nothing lost"
            value={rotations}
            testId="inspector-rotations"
          />
          <Row
            label="protocol errors"
            help="malformed events dropped (bad JSON, wrong shape)"
            value={protocolErrors}
            testId="inspector-protocol-errors"
          />
          {lastProtocolError && (
            <Row label="last protocol error" help="the newest one, as the parser saw it" value={lastProtocolError} />
          )}
          <Row label="epoch" help="which server run the data comes from; changes on a restart" value={epoch ?? '—'} />
          <Row
            label="cursor"
            help="the last event applied; a reconnect resumes after it"
            value={cursor ?? '—'}
            testId="inspector-cursor"
          />
          <Row label="lag" help="now minus the server time of the last event" value={lag} />
          <Row
            label="tab role"
            help="leader tabs run the stream and share it; followers show the leader's"
            value={`${sharing.role} (${sharing.mode})`}
            testId="inspector-role"
          />
          <Row label="why" help="why this tab has that role" value={sharing.reason} testId="inspector-role-reason" />
          {sharing.role === 'follower' && (
            <Row label="leader tab" help="the tab whose stream this one shows" value={sharing.leaderId ?? '—'} />
          )}
        </dl>
        <div>
          <h3 className="mb-1 text-slate-700 dark:text-slate-300">Recent transitions</h3>
          <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
            Newest first. Repeats in a row are folded (×N); each line ends with the newest reason.
          </p>
          <ol data-testid="transition-summary" className="max-h-48 space-y-0.5 overflow-auto text-xs">
            {runs.map((run) => (
              <li
                key={`${run.firstAt}-${run.from}-${run.to}`}
                data-from={run.from}
                data-to={run.to}
                data-count={run.count}
              >
                <span className="font-mono tabular-nums">{time(run.lastAt)}</span>{' '}
                <span className="font-mono">
                  {run.from} → {run.to}
                  {run.count > 1 ? ` ×${run.count}` : ''}
                </span>
                : {plainReason(run.to, run.reason)}
              </li>
            ))}
          </ol>
          <details className="mt-2">
            <summary className="cursor-pointer text-xs text-slate-700 dark:text-slate-300">
              Full log (technical reasons)
            </summary>
            <ol data-testid="transition-log" className="mt-1 max-h-48 space-y-0.5 overflow-auto font-mono text-xs">
              {transitions
                .slice()
                .reverse()
                .map((t, i) => (
                  <li key={`${t.at}-${i}`} data-from={t.from} data-to={t.to} data-at={t.at} data-reason={t.reason}>
                    {time(t.at)} {t.from} → {t.to}: {t.reason}
                  </li>
                ))}
            </ol>
          </details>
        </div>
      </div>
    </details>
  );
}
