'use client';

import { useLiveStatus, useMetrics } from '@/lib/live/react';
import { useNow } from '@/lib/live/use-now';

function Row({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div className="flex justify-between gap-4 py-0.5">
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd data-testid={testId} className="font-mono tabular-nums">
        {value}
      </dd>
    </div>
  );
}

/** What the stream is doing, for people debugging it: counters, cursor, lag, transitions. */
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

  return (
    <details className="rounded-xl bg-white p-4 text-sm shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <summary className="cursor-pointer font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        Stream inspector
      </summary>
      <div className="mt-3 grid gap-6 md:grid-cols-2">
        <dl>
          <Row label="events applied" value={counters.eventsApplied} />
          <Row label="duplicates dropped" value={counters.duplicatesDropped} />
          <Row label="gaps" value={counters.gaps} />
          <Row label="resets" value={counters.resets} />
          <Row label="reconnects" value={reconnects} />
          <Row label="planned rotations" value={rotations} testId="inspector-rotations" />
          <Row label="protocol errors" value={protocolErrors} testId="inspector-protocol-errors" />
          {lastProtocolError && <Row label="last protocol error" value={lastProtocolError} />}
          <Row label="epoch" value={epoch ?? '—'} />
          <Row label="cursor" value={cursor ?? '—'} testId="inspector-cursor" />
          <Row label="lag (now − ts of last event)" value={lag} />
          <Row label="tab role" value={`${sharing.role} (${sharing.mode})`} testId="inspector-role" />
          <Row label="why" value={sharing.reason} testId="inspector-role-reason" />
          {sharing.role === 'follower' && <Row label="leader tab" value={sharing.leaderId ?? '—'} />}
        </dl>
        <div>
          <h3 className="mb-1 text-slate-500 dark:text-slate-400">Recent transitions</h3>
          <ol data-testid="transition-log" className="max-h-48 space-y-0.5 overflow-auto font-mono text-xs">
            {transitions
              .slice()
              .reverse()
              .map((t, i) => (
                <li key={`${t.at}-${i}`} data-from={t.from} data-to={t.to} data-at={t.at} data-reason={t.reason}>
                  {new Date(t.at).toISOString().slice(11, 23)} {t.from} → {t.to}: {t.reason}
                </li>
              ))}
          </ol>
        </div>
      </div>
    </details>
  );
}
