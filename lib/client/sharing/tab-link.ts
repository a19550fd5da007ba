import {
  decodeTabMessage,
  encodeTabMessage,
  MAX_ITEMS_PER_MESSAGE,
  type SequencedItem,
  type TabEnvelope,
  type TabMessage,
} from './protocol';
import type { TabChannel, TabEnv } from './tab-env';
import type { TabSharingStats } from './types';

/**
 * This tab's end of the BroadcastChannel: messages out (encoded, counted, the leader's events
 * batched per task) and messages in (decoded defensively, counted when dropped). Knows nothing
 * of roles: until `open()` and after `close()` it sends nothing, silently.
 */

export interface TabLink {
  /**
   * Opens the channel; `onEnvelope` gets every valid message of another tab. False where the
   * browser refuses a channel (none, or a SecurityError): the tab then cannot share.
   */
  open(onEnvelope: (envelope: TabEnvelope) => void): boolean;
  /** Posts `message` now, after any batched events, so the other tabs see them in order. */
  send(message: TabMessage): void;
  /** Batches one event of the leader's stream, labelled with the leader's `term`. */
  enqueue(entry: SequencedItem, term: number): void;
  /** Posts the batched events now (before saying goodbye). */
  flush(): void;
  close(): void;
}

export interface TabLinkOptions {
  env: Pick<TabEnv, 'createChannel'>;
  channelName: string;
  /** This tab's id: the sender of what it posts; its own messages are not delivered back. */
  id: string;
  /** Counted here: `sent`, `sendFailed`, `malformed`, `otherVersion`. */
  stats: TabSharingStats;
}

export function createTabLink({ env, channelName, id, stats }: TabLinkOptions): TabLink {
  let channel: TabChannel | null = null;

  const post = (message: TabMessage) => {
    if (!channel) return;
    try {
      channel.postMessage(encodeTabMessage(id, message));
      stats.sent += 1;
    } catch {
      // A channel closed under us (page teardown) or a message it cannot clone: nothing to
      // retry, but counted, so the inspector can show it.
      stats.sendFailed += 1;
    }
  };

  /**
   * Events the leader published in this task, not yet posted. A network chunk carries a whole
   * producer tick (every feed at once), and its events are published one by one in the same
   * task: posting each one alone cost a busy leader a large share of its CPU
   * (docs/performance.md). So they go out as one `items` message when the task ends (a
   * microtask: no timer, no added latency), and before any other message, to keep the order.
   */
  let outbox: SequencedItem[] = [];
  let outboxTerm = 0;
  const flush = () => {
    if (outbox.length === 0) return;
    const items = outbox;
    outbox = [];
    for (let i = 0; i < items.length; i += MAX_ITEMS_PER_MESSAGE) {
      post({ kind: 'items', term: outboxTerm, items: items.slice(i, i + MAX_ITEMS_PER_MESSAGE) });
    }
  };

  return {
    open(onEnvelope) {
      try {
        channel = env.createChannel(channelName);
      } catch {
        channel = null;
      }
      if (!channel) return false;
      channel.listen((raw) => {
        const decoded = decodeTabMessage(raw);
        if (!decoded.ok) {
          if (decoded.error === 'other_version') stats.otherVersion += 1;
          else stats.malformed += 1;
          return;
        }
        if (decoded.envelope.from !== id) onEnvelope(decoded.envelope);
      });
      return true;
    },
    send(message) {
      flush();
      post(message);
    },
    enqueue(entry, term) {
      // A new term (stepped down and led again within one task) must not label older events.
      if (outbox.length > 0 && outboxTerm !== term) flush();
      outboxTerm = term;
      outbox.push(entry);
      // Microtasks are not time: the injected env fakes timers, not this.
      if (outbox.length === 1) queueMicrotask(flush);
    },
    flush,
    close() {
      channel?.close();
      channel = null;
    },
  };
}
