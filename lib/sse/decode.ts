import {
  authEndSchema,
  helloSchema,
  metricSchema,
  resetSchema,
  rotateSchema,
  type WireAuthEnd,
  type WireHello,
  type WireMetric,
  type WireReset,
  type WireRotate,
} from './payloads';
import { check, type Issue, type Validator } from './validate';
import { EVENT_TYPES, type SseMessage } from './wire';

/**
 * The decoding side of the wire, beside the encoder: one parsed SSE message in, one typed event
 * (or a typed error) out. Pure and total: it never throws, whatever the bytes were.
 *
 * A malformed event is a *protocol* error: the server (or something between) broke the contract.
 * It is not a network error (retrying the same request cannot fix it) and it must not crash the
 * page; the client counts it and shows it in the stream inspector.
 */

export type WireEvent =
  | { type: 'hello'; hello: WireHello }
  | { type: 'metric'; metric: WireMetric; cursor: string }
  | { type: 'reset'; reset: WireReset }
  /** The server is about to end the stream on purpose: reconnect at once from the cursor. */
  | { type: 'rotate'; rotate: WireRotate }
  /** The server is about to end the stream because the session no longer grants it. */
  | { type: 'auth'; auth: WireAuthEnd };

export type DecodeResult =
  | { kind: 'event'; event: WireEvent }
  /** An event name this client does not know: ignored, as the SSE spec does (a newer server may send more). */
  | { kind: 'ignored'; name: string }
  | { kind: 'error'; error: ProtocolError };

/** Why an event could not be decoded; `message` is readable, the fields are for tests and logs. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    /** The SSE event name (`hello`, `metric`, `reset`, `rotate`, `auth`). */
    readonly event: string,
    /** `json` (data is not JSON), `schema` (JSON of the wrong shape) or `cursor` (a metric without `id:`). */
    readonly problem: 'json' | 'schema' | 'cursor',
    detail: string,
  ) {
    super(`malformed ${event} event (${problem}): ${detail}`);
  }
}

/** Data longer than this is cut in error messages: they end up in the UI. */
const EXCERPT = 60;

function parseJson(
  message: SseMessage,
  event: string,
): { ok: true; value: unknown } | { ok: false; error: ProtocolError } {
  try {
    return { ok: true, value: JSON.parse(message.data) as unknown };
  } catch {
    const excerpt = message.data.length > EXCERPT ? `${message.data.slice(0, EXCERPT)}…` : message.data;
    return { ok: false, error: new ProtocolError(event, 'json', `data is not JSON: ${JSON.stringify(excerpt)}`) };
  }
}

/** "seq: too_small; feed: invalid_type": enough to find the field, short enough for the inspector. */
function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 3)
    .map(
      (issue) =>
        `${issue.path.length ? issue.path.join('.') : 'data'}: ${issue.code === 'custom' ? issue.message : issue.code}`,
    )
    .join('; ');
}

function validate<T>(
  validator: Validator<T>,
  message: SseMessage,
  event: string,
): { ok: true; value: T } | { ok: false; error: ProtocolError } {
  const json = parseJson(message, event);
  if (!json.ok) return json;
  const result = check(validator, json.value);
  return result.ok ? result : { ok: false, error: new ProtocolError(event, 'schema', describeIssues(result.issues)) };
}

export function decodeMessage(message: SseMessage): DecodeResult {
  const name = message.event ?? 'message';
  switch (name) {
    case EVENT_TYPES.hello: {
      const hello = validate(helloSchema, message, name);
      return hello.ok
        ? { kind: 'event', event: { type: 'hello', hello: hello.value } }
        : { kind: 'error', error: hello.error };
    }
    case EVENT_TYPES.reset: {
      const reset = validate(resetSchema, message, name);
      return reset.ok
        ? { kind: 'event', event: { type: 'reset', reset: reset.value } }
        : { kind: 'error', error: reset.error };
    }
    case EVENT_TYPES.metric: {
      // The cursor is what a resume sends back: a metric without one would make the client lose its place.
      if (!message.id) return { kind: 'error', error: new ProtocolError(name, 'cursor', 'metric event without an id') };
      const metric = validate(metricSchema, message, name);
      return metric.ok
        ? { kind: 'event', event: { type: 'metric', metric: metric.value, cursor: message.id } }
        : { kind: 'error', error: metric.error };
    }
    case EVENT_TYPES.rotate: {
      const rotate = validate(rotateSchema, message, name);
      return rotate.ok
        ? { kind: 'event', event: { type: 'rotate', rotate: rotate.value } }
        : { kind: 'error', error: rotate.error };
    }
    case EVENT_TYPES.auth: {
      const auth = validate(authEndSchema, message, name);
      return auth.ok
        ? { kind: 'event', event: { type: 'auth', auth: auth.value } }
        : { kind: 'error', error: auth.error };
    }
    default:
      return { kind: 'ignored', name };
  }
}
