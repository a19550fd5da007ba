import type { SharedStreamListener } from '../stream-source';

/**
 * A listener for tests about which stream a tab runs, not what it receives: every event is
 * ignored, and each sharing role the source reports is pushed to `roles`.
 */
export function roleListener(roles: string[]): SharedStreamListener {
  return {
    resumeCursor: () => null,
    flush: () => {},
    onHello: () => {},
    onMetric: () => {},
    onReset: () => {},
    onStatus: () => {},
    onRecovered: () => {},
    onProtocolError: () => {},
    onSnapshot: () => {},
    onClockOffset: () => {},
    onSharing: (change) => void roles.push(change.role),
  };
}
