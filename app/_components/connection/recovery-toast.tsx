'use client';

import { useState } from 'react';
import { useLiveStatus } from '@/lib/live/react';
import { useNow } from '@/lib/live/use-now';

const VISIBLE_MS = 8000;

/** "Reconnected — 22 s of missed data filled in (37 events)", announced once, then gone. */
export function RecoveryToast() {
  const recovery = useLiveStatus((s) => s.recovery);
  const now = useNow();
  const [dismissed, setDismissed] = useState(0);
  const visible = recovery !== null && recovery.id !== dismissed && now !== null && now - recovery.at < VISIBLE_MS;

  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-x-4 bottom-4 flex justify-end">
      {visible && (
        <div
          data-testid="recovery-toast"
          data-kind={recovery.kind}
          className={`pointer-events-auto flex max-w-md items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1 ${
            recovery.kind === 'recovered'
              ? 'bg-emerald-50 text-emerald-900 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-800'
              : 'bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-800'
          }`}
        >
          <p data-testid="recovery-message">{recovery.message}</p>
          <button
            type="button"
            onClick={() => setDismissed(recovery.id)}
            className="rounded px-1 font-semibold hover:underline"
            aria-label="Dismiss"
          >
            ×
          </button>
        </div>
      )}
    </div>
  );
}
