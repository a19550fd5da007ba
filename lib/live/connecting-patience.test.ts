import { describe, expect, it } from 'vitest';
import { CONNECTING_PATIENCE_MS, stuckConnectingMessage } from './connecting-patience';

describe('stuckConnectingMessage', () => {
  it('says nothing while connecting is young, or in another state', () => {
    expect(stuckConnectingMessage('connecting', 0, 'leader', CONNECTING_PATIENCE_MS - 1)).toBeNull();
    expect(stuckConnectingMessage('live', 0, 'leader', 60_000)).toBeNull();
  });

  it('explains a long connecting, by role', () => {
    expect(stuckConnectingMessage('connecting', 0, 'solo', 9000)).toMatch(/^Still connecting after 9 s: the server/);
    expect(stuckConnectingMessage('connecting', 0, 'follower', 9000)).toMatch(/tab that holds the shared stream/);
    expect(stuckConnectingMessage('connecting', 0, 'electing', 9000)).toMatch(/no tab has taken/);
  });
});
