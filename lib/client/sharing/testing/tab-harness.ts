import type { ResetData } from '@/lib/metrics/events';
import { compareCursors } from '@/lib/sse/cursor';
import type { SharedStatus, StreamItem } from '../protocol';
import { createTabSharing } from '../tab-sharing';
import type { FollowerMessage, RoleChange, TabSharing, TabSharingOptions } from '../types';
import { createFakeBrowser, type FakeTab, type FakeTabOptions } from './fake-browser';
import { FEED_A } from '@/lib/testing/catalogue';

/**
 * Test-only: a fake server, a one-feed model of the store's merge, and a simplified wiring of
 * `createTabSharing` for its own unit tests (tab-sharing.test.ts, tab-sharing-catch-up.test.ts):
 * unlike shared-source.ts it opens a new stream on every role change to `leader` or `solo`,
 * even one that already streams, and never publishes a status of its own. The page's real
 * wiring runs in shared-source.test.ts, lib/live/shared-tabs.test.ts and the property tests of
 * lib/live/tabs.property.test.ts.
 */

const FEED = FEED_A;

/** The server: one log per epoch; a connection replays after its cursor, or resets. */
export function createFakeServer() {
  let epoch = 'epa';
  let head = 0;
  const open = new Set<FakeConnection>();
  let maxOpen = 0;
  const connects: { tab: string; cursor: string | null }[] = [];

  interface FakeConnection {
    tab: string;
    deliver: (item: StreamItem) => void;
  }

  const metric = (seq: number): StreamItem => ({
    kind: 'metric',
    cursor: `${epoch}.${seq}`,
    event: { feed: FEED, seq, ts: seq * 100, value: seq },
  });

  /** The server keeps its whole (short) test history in the snapshot window; a reset shows the last 5 points. */
  const snapshot = (reason: ResetData['reason'], points = 5): StreamItem => {
    const first = Math.max(1, head - points + 1);
    const count = head - first + 1;
    const cursor = `${epoch}.${head}`;
    const ts = Array.from({ length: Math.max(0, count) }, (_, i) => (first + i) * 100);
    return {
      kind: 'reset',
      cursor,
      reset: {
        reason,
        epoch,
        cursor,
        windowMs: 1000,
        feeds: { [FEED]: { firstSeq: first, ts, value: ts.map((t) => t / 100) } },
      },
    };
  };

  return {
    get head() {
      return head;
    },
    get epoch() {
      return epoch;
    },
    cursorAt: (seq: number) => `${epoch}.${seq}`,
    get openConnections() {
      return open.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    connects,
    /** Appends `count` events and streams them to every open connection. */
    publish(count = 1) {
      for (let i = 0; i < count; i += 1) {
        head += 1;
        const item = metric(head);
        for (const connection of open) connection.deliver(item);
      }
    },
    /** A restart: a new epoch, the log starts over. */
    restart() {
      epoch = epoch === 'epa' ? 'epb' : `${epoch}x`;
      head = 0;
    },
    /** `GET /api/snapshot`: a window long enough to bridge any gap in these tests. */
    snapshot: (): ResetData => {
      const item = snapshot('cursor_evicted', Number.MAX_SAFE_INTEGER);
      if (item.kind !== 'reset') throw new Error('unreachable');
      return item.reset;
    },
    connect(tab: string, cursor: string | null, deliver: (item: StreamItem) => void) {
      connects.push({ tab, cursor });
      const connection = { tab, deliver };
      open.add(connection);
      maxOpen = Math.max(maxOpen, open.size);
      if (cursor !== null) {
        const order = compareCursors(cursor, `${epoch}.${head}`);
        if (order === null || order > 0) deliver(snapshot(order === null ? 'epoch_changed' : 'cursor_invalid'));
        else for (let seq = Number(cursor.split('.')[1]) + 1; seq <= head; seq += 1) deliver(metric(seq));
      }
      return { close: () => open.delete(connection) };
    },
  };
}
export type FakeServer = ReturnType<typeof createFakeServer>;

/** The store: apply only seq = last + 1 (later ones wait), drop duplicates, load resets. */
export class FakeStore {
  epoch: string;
  lastSeq: number;
  readonly pending = new Map<number, string>();
  /** Every seq applied, per epoch, in order (baselines marked). */
  readonly applied: { epoch: string; seq: number; baseline?: true }[] = [];
  duplicates = 0;
  resets = 0;
  /** Snapshots merged to bridge a gap the leader could not fill, and points they could not cover. */
  hydrations = 0;
  lost = 0;

  constructor(snapshotCursor: string) {
    const [epoch = '', seq = '0'] = snapshotCursor.split('.');
    this.epoch = epoch;
    this.lastSeq = Number(seq);
    this.applied.push({ epoch, seq: this.lastSeq, baseline: true });
  }

  cursor(): string | null {
    return `${this.epoch}.${this.lastSeq}`;
  }

  get hasHole(): boolean {
    return this.pending.size > 0;
  }

  /** Merges a snapshot: its points after ours are applied, as if they had streamed in. */
  hydrate(snapshot: ResetData): void {
    this.hydrations += 1;
    const window = snapshot.feeds[FEED];
    // A snapshot from another epoch cannot be merged: it replaces, like a reset.
    if (snapshot.epoch !== this.epoch) return this.apply({ kind: 'reset', cursor: snapshot.cursor, reset: snapshot });
    if (!window) return;
    if (window.firstSeq > this.lastSeq + 1) this.lost += window.firstSeq - this.lastSeq - 1;
    const last = window.firstSeq + window.ts.length - 1;
    for (let seq = Math.max(this.lastSeq + 1, window.firstSeq); seq <= last; seq += 1) {
      this.pending.set(seq, `${this.epoch}.${seq}`);
    }
    while (this.pending.has(this.lastSeq + 1)) {
      this.pending.delete(this.lastSeq + 1);
      this.lastSeq += 1;
      this.applied.push({ epoch: this.epoch, seq: this.lastSeq });
    }
  }

  apply(item: StreamItem): void {
    if (item.kind === 'reset') {
      this.resets += 1;
      const window = item.reset.feeds[FEED];
      this.epoch = item.reset.epoch;
      this.lastSeq = window ? window.firstSeq + window.ts.length - 1 : 0;
      this.pending.clear();
      this.applied.push({ epoch: this.epoch, seq: this.lastSeq, baseline: true });
      return;
    }
    const [epoch = ''] = item.cursor.split('.');
    const seq = item.event.seq;
    if (epoch !== this.epoch || seq <= this.lastSeq || this.pending.has(seq)) {
      this.duplicates += 1;
      return;
    }
    this.pending.set(seq, item.cursor);
    while (this.pending.has(this.lastSeq + 1)) {
      this.pending.delete(this.lastSeq + 1);
      this.lastSeq += 1;
      this.applied.push({ epoch: this.epoch, seq: this.lastSeq });
    }
  }
}

export interface HarnessTab {
  readonly tab: FakeTab;
  readonly store: FakeStore;
  readonly sharing: TabSharing;
  readonly roles: RoleChange[];
  readonly statuses: SharedStatus[];
  /** The tabs whose "Reconnect now" reached this one (its own id included). */
  readonly reconnects: string[];
  readonly failedCatchUps: (string | null)[];
  readonly streaming: boolean;
}

export function createHarness(defaults: FakeTabOptions = {}, sharingOptions: Partial<TabSharingOptions> = {}) {
  const browser = createFakeBrowser();
  const server = createFakeServer();
  const open: HarnessTab[] = [];

  /** One tab: the sharing, wired to the fake store and server (minus React and the frame buffer). */
  function openTab(options: FakeTabOptions = {}): HarnessTab {
    const tab = browser.openTab({ ...defaults, ...options });
    // First paint: the server-rendered snapshot is consistent with the server's head right now.
    const store = new FakeStore(server.cursorAt(server.head));
    const roles: RoleChange[] = [];
    const statuses: SharedStatus[] = [];
    const reconnects: string[] = [];
    const failedCatchUps: (string | null)[] = [];
    let connection: { close(): void } | null = null;

    const stopStream = () => {
      connection?.close();
      connection = null;
    };
    const startStream = () => {
      stopStream();
      connection = server.connect(tab.name, store.cursor(), (item) => {
        store.apply(item);
        sharing.publish(item);
      });
    };

    const sharing = createTabSharing({
      ...sharingOptions,
      env: tab.env,
      cursor: () => store.cursor(),
      onRole(change) {
        roles.push(change);
        if (change.role === 'leader' || change.role === 'solo') startStream();
        else stopStream();
      },
    });
    sharing.onMessage((message: FollowerMessage) => {
      switch (message.kind) {
        case 'item':
          store.apply(message.item);
          // The real store reports a hole when it commits a batch; here, after every item.
          if (store.hasHole) sharing.requestCatchUp();
          return;
        case 'status':
          statuses.push(message.status);
          return;
        case 'recovery':
          return;
        case 'catch-up-failed':
          failedCatchUps.push(message.cursor);
          // What the binding does: load a snapshot over HTTP and merge it, then follow on.
          store.hydrate(server.snapshot());
          return;
      }
    });
    sharing.onRequest((request) => {
      reconnects.push(request.from);
      if (connection) startStream();
    });
    sharing.start();
    const handle: HarnessTab = {
      tab,
      store,
      sharing,
      roles,
      statuses,
      reconnects,
      failedCatchUps,
      get streaming() {
        return connection !== null;
      },
    };
    // A crash or close ends the tab's stream with it.
    (handle as { stopStream?: () => void }).stopStream = stopStream;
    open.push(handle);
    return handle;
  }

  const remove = (handle: HarnessTab) => {
    const index = open.indexOf(handle);
    if (index >= 0) open.splice(index, 1);
    (handle as { stopStream?: () => void }).stopStream?.();
  };

  return {
    browser,
    server,
    open,
    openTab,
    close(handle: HarnessTab) {
      handle.sharing.close();
      remove(handle);
    },
    crash(handle: HarnessTab) {
      browser.crash(handle.tab);
      remove(handle);
    },
    /** The server restarts (new epoch, empty log): streams break, and every streaming tab reconnects. */
    restartServer() {
      server.restart();
      for (const handle of open) if (handle.streaming) handle.sharing.requestReconnect();
    },
    leaders: () => open.filter((h) => h.sharing.role() === 'leader'),
    roles: () => open.map((h) => h.sharing.role()),
    /** Every open tab is at the server's head, with nothing waiting behind a hole. */
    allAtHead: () => open.every((h) => h.store.cursor() === server.cursorAt(server.head) && !h.store.hasHole),
  };
}

/**
 * The store holds the server's whole log since its first paint: same epoch, at the head, no
 * hole left, nothing given up. (This model applies seqs only in order, so "in order" holds by
 * construction; what can fail is a tab behind, waiting on a hole, or one that lost points. The
 * real store's chart is checked point by point in lib/live/tabs.property.test.ts.)
 */
export function complete(store: FakeStore, server: FakeServer): boolean {
  return store.epoch === server.epoch && store.lastSeq === server.head && !store.hasHole && store.lost === 0;
}
