/**
 * A client for a test-only fault route in your server: one JSON `POST` per fault, carrying a
 * token header so a server with faults on by accident exposes nothing. The kit cannot know your
 * faults (cut every stream, forget history, re-send events…); it gives the call, you name them.
 * Call the server directly, never through the chaos proxy, so faults work while the proxy is
 * cutting or refusing.
 *
 *   const fault = faultRoute(server.url, { token: 'not-a-secret' });
 *   await fault('drop');                       // POST /api/faults {"action":"drop"}
 *   await fault('publish', { ticks: 3 });
 */

export interface FaultRouteOptions {
  /** The route's path. Default `'/api/faults'`. */
  path?: string;
  /** Sent in `tokenHeader`. Default none (no header). */
  token?: string;
  /** Default `'X-Fault-Token'`. */
  tokenHeader?: string;
}

/** Calls one action; resolves with the JSON answer, rejects on a non-2xx answer naming it. */
export type FaultCall = (action: string, extra?: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function faultRoute(serverUrl: string, options: FaultRouteOptions = {}): FaultCall {
  const url = new URL(options.path ?? '/api/faults', serverUrl).href;
  return async (action, extra = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(options.token ? { [options.tokenHeader ?? 'X-Fault-Token']: options.token } : {}),
      },
      body: JSON.stringify({ action, ...extra }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`fault ${action} failed: HTTP ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}
