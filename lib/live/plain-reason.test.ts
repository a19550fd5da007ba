import { describe, expect, it } from 'vitest';
import { plainReason } from './plain-reason';

describe('plainReason', () => {
  it('maps transport errors to words, never the raw error', () => {
    expect(plainReason('reconnecting', 'network error: TypeError: Failed to fetch')).toBe('Network connection lost');
    expect(plainReason('reconnecting', 'network error: Failed to fetch')).toBe('Network connection lost');
    expect(plainReason('reconnecting', 'server ended the stream')).toBe('The server closed the stream');
    expect(plainReason('stale', 'no bytes for 37.5 s')).toBe('No data for 37.5 s, the link looks dead');
  });

  it('names HTTP refusals by what they mean', () => {
    expect(plainReason('reconnecting', 'HTTP 503: too many streams')).toBe('Server busy, waiting for a free slot');
    expect(plainReason('reconnecting', 'HTTP 429: too_many_streams')).toMatch(/Too many open streams/);
    expect(plainReason('failed', 'HTTP 401: session_missing')).toMatch(/sign in/i);
    expect(plainReason('failed', 'HTTP 403: feed_forbidden')).toBe('Not allowed to read these feeds');
    expect(plainReason('reconnecting', 'HTTP 500: boom')).toBe('Server error (HTTP 500)');
    expect(plainReason('failed', 'HTTP 400: bad request')).toBe('The server refused the stream (HTTP 400)');
  });

  it('says offline whatever the underlying failure', () => {
    expect(plainReason('offline', 'network error: Failed to fetch; browser is offline')).toBe('This device is offline');
    expect(plainReason('offline', 'browser went offline')).toBe('This device is offline');
  });

  it('explains resets by their cause', () => {
    expect(plainReason('resyncing', 'reset: epoch_changed')).toMatch(/^The server restarted/);
    expect(plainReason('resyncing', 'reset: cursor_evicted')).toMatch(/no longer on the server/);
  });

  it('falls back to a sentence per state for a reason it does not know', () => {
    expect(plainReason('reconnecting', 'auth: expired')).toBe('Connection lost, trying again');
    expect(plainReason('live', 'something new')).toBe('Receiving live data');
    expect(plainReason('live', 'resumed, 0 event(s) replayed')).toBe('Receiving live data');
    expect(plainReason('failed', 'client error: TypeError: x is undefined')).toBe(
      'This page hit an error while showing the data',
    );
  });
});
