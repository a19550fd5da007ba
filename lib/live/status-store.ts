import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialStatus, type ConnectionStatus, type Transition } from '@/lib/client/connection-status';
import type { RoleChange } from '@/lib/client/tab-role';
import type { Outage } from './outages';

/** Re-exported for the components, which read the connection only through lib/live. */
export type { ConnectionState } from '@/lib/client/connection-status';

/**
 * What the UI shows about the stream (as opposed to the data): connection status, recent
 * transitions, the recovery notice, outages, protocol errors. A zustand vanilla store written
 * only by the binding (binding.ts).
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
  /** Newest last, at most MAX_TRANSITIONS. */
  transitions: readonly Transition[];
  /** Streams opened after the first one. */
  reconnects: number;
  recovery: RecoveryNotice | null;
  /** Server clock minus client clock, from `hello` (0 until known). */
  clockOffsetMs: number;
  /** Intervals without live data, server time, for the charts. */
  outages: readonly Outage[];
  /** Malformed events dropped so far, and the last one's description. */
  protocolErrors: number;
  lastProtocolError: string | null;
  /** This tab's part in sharing one stream between tabs (docs/tab-sharing.md); `electing` until known. */
  sharing: RoleChange;
}

export const MAX_TRANSITIONS = 30;

export function createStatusStore(now: number): StoreApi<LiveStatusState> {
  return createStore<LiveStatusState>()(() => ({
    connection: initialStatus(now),
    transitions: [],
    reconnects: 0,
    recovery: null,
    clockOffsetMs: 0,
    outages: [],
    protocolErrors: 0,
    lastProtocolError: null,
    sharing: { role: 'electing', mode: 'none', reason: 'starting', leaderId: null },
  }));
}
