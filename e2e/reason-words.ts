import type { Page } from '@playwright/test';
import { plainReason } from '../lib/live/plain-reason';
import type { ConnectionState } from '../lib/live/status-store';
import { transitions } from './fixtures';

/**
 * The words the page showed a person for each transition since `since` (page clock), in order:
 * the technical reason the real client logged for the cause the spec produced, through the same
 * mapping the badge uses (lib/live/plain-reason.ts). Brief states (a reconnect within a backoff
 * window) are in the log even when no poll of the badge could catch them on screen.
 */
export async function wordsShownSince(page: Page, since: number): Promise<string[]> {
  return (await transitions(page))
    .filter((t) => t.at >= since)
    .map((t) => plainReason(t.to as ConnectionState, t.reason));
}
