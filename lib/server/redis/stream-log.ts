import 'server-only';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isFeedName, type FeedName } from '@/lib/metrics/feeds';
import type { MetricEvent, ResetReason } from '@/lib/metrics/events';
import type { LatePoint, TsOrder } from '../bus';
import { APPEND, EVICT_ALL, FENCE, RESUME } from './scripts';

/**
 * The log in Redis, as commands: every read and write the bus sends on its command connection
 * (the blocking reader has its own, `stream-reader.ts`). No state here besides the keys: what
 * an answer means for open streams is the bus's business.
 */

export interface RedisKeys {
  /** The Redis Stream: one entry per event (`f` feed, `s` seq, `t` ts, `v` value, `n` index). */
  stream: string;
  /** The epoch record (a hash; `scripts.ts` lists its fields). */
  epoch: string;
  /** The producer lease. */
  lease: string;
  /** Where an applied ingest `Idempotency-Key` is remembered (hashed: keys are client text). */
  ingestKey(key: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    stream: `${prefix}:events`,
    epoch: `${prefix}:epoch`,
    lease: `${prefix}:producer`,
    ingestKey: (key) => `${prefix}:ingest-key:${createHash('sha256').update(key).digest('hex')}`,
  };
}

/** One batch for `APPEND` (scripts.ts). */
export interface AppendRequest {
  /** The instance that must hold the producer lease, or null: anyone may append (ingest). */
  leaseHolder: string | null;
  epoch: string;
  capacity: number;
  points: readonly { feed: FeedName; value: number; ts: number; order: TsOrder }[];
  /** An idempotency key to check and remember with the batch, or null. */
  key: { key: string; fingerprint: string; ttlMs: number } | null;
}

export type AppendAnswer =
  | { kind: 'ok'; entries: { id: string; seq: number; ts: number }[] }
  | { kind: 'duplicate'; accepted: number }
  | { kind: 'key_reused' }
  | { kind: 'late'; points: LatePoint[] };

export type StreamEntry = [id: string, fields: string[]];

/** An entry decoded: the event, and its index `n` in the epoch (1, 2, 3 … with no gap). */
export interface LogEntry {
  id: string;
  n: number;
  event: MetricEvent;
}

/** Where the log stands: its epoch and its newest entry (id and index). */
export interface LogHead {
  epoch: string;
  last: string;
  n: number;
}

export interface FenceAnswer extends LogHead {
  length: number;
  /** `kept`, or why a new epoch was started. */
  outcome: 'kept' | 'missing' | 'restarted' | 'log_lost' | 'forced';
}

export interface LogRecord extends LogHead {
  seqs: Map<FeedName, number>;
}

export type ResumeAnswer = { kind: 'resumed'; entries: LogEntry[] } | { kind: 'reset'; reason: ResetReason };

/** Refused because another instance holds the producer lease. */
export class NotProducerError extends Error {
  constructor() {
    super('not the producer: the lease is held by another instance');
    this.name = 'NotProducerError';
  }
}

/** Refused because the caller's epoch is not the log's (or the log lost data since). */
export class EpochFencedError extends Error {
  constructor(detail: string) {
    super(`publish refused by the epoch fence: ${detail}`);
    this.name = 'EpochFencedError';
  }
}

/** Fields of an entry; null for an entry this version does not understand. */
export function decodeEntry([id, fields]: StreamEntry): LogEntry | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const feed = map.get('f');
  if (!feed || !isFeedName(feed)) return null;
  const event = { feed, seq: Number(map.get('s')), ts: Number(map.get('t')), value: Number(map.get('v')) };
  return { id, n: Number(map.get('n') ?? 0), event };
}

const decodeAll = (entries: StreamEntry[]) => entries.flatMap((entry) => decodeEntry(entry) ?? []);

export class StreamLog {
  constructor(
    private readonly redis: Redis,
    readonly keys: RedisKeys,
  ) {}

  /** Confirms the epoch, or starts a new one under `candidate` (see `FENCE`). */
  async fence(candidate: string, force = false): Promise<FenceAnswer> {
    const [epoch, last, n, length, outcome] = (await this.redis.eval(
      FENCE,
      2,
      this.keys.epoch,
      this.keys.stream,
      candidate,
      force ? 'force' : '',
    )) as [string, string, string, number, FenceAnswer['outcome']];
    return { epoch, last, n: Number(n), length: Number(length), outcome };
  }

  /** Appends a batch, all or nothing (`APPEND` in scripts.ts). */
  async append(request: AppendRequest): Promise<AppendAnswer> {
    const { key } = request;
    const args: (string | number)[] = [
      request.leaseHolder ?? '',
      request.epoch,
      request.capacity,
      key?.fingerprint ?? '',
      key?.ttlMs ?? 0,
    ];
    for (const point of request.points) args.push(point.feed, point.value, point.ts, point.order);
    const keys = [this.keys.stream, this.keys.epoch, this.keys.lease, this.keys.ingestKey(key?.key ?? '')];
    let reply: unknown[];
    try {
      reply = (await this.redis.eval(APPEND, keys.length, ...keys, ...args)) as unknown[];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith('NOTLEADER')) throw new NotProducerError();
      if (message.startsWith('FENCED')) throw new EpochFencedError(message.slice('FENCED '.length));
      throw error;
    }
    switch (reply[0]) {
      case 'duplicate':
        return { kind: 'duplicate', accepted: Number(reply[1]) };
      case 'key_reused':
        return { kind: 'key_reused' };
      case 'late': {
        const flat = reply[1] as (string | number)[];
        const points: LatePoint[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2)
          points.push({ index: Number(flat[i]), newestTs: Number(flat[i + 1]) });
        return { kind: 'late', points };
      }
    }
    const entries: { id: string; seq: number; ts: number }[] = [];
    for (let i = 1; i + 2 < reply.length; i += 3) {
      entries.push({ id: String(reply[i]), seq: Number(reply[i + 1]), ts: Number(reply[i + 2]) });
    }
    return { kind: 'ok', entries };
  }

  /** The entries after `position` if they are all still there, else why not (one atomic step). */
  async resume(epoch: string, position: string): Promise<ResumeAnswer> {
    const [status, entries] = (await this.redis.eval(
      RESUME,
      2,
      this.keys.stream,
      this.keys.epoch,
      epoch,
      position,
    )) as [string, StreamEntry[] | undefined];
    if (status === 'resumed') return { kind: 'resumed', entries: decodeAll(entries ?? []) };
    if (status === 'epoch_changed' || status === 'cursor_evicted' || status === 'cursor_invalid')
      return { kind: 'reset', reason: status };
    throw new Error(`unexpected resume answer ${JSON.stringify(status)}`);
  }

  /** The epoch record in one read: the head and the seqs consistent with it. Null if missing. */
  async record(): Promise<LogRecord | null> {
    const hash = await this.redis.hgetall(this.keys.epoch);
    if (!hash.epoch || !hash.last) return null;
    const seqs = new Map<FeedName, number>();
    for (const [field, value] of Object.entries(hash)) {
      const feed = field.startsWith('s:') ? field.slice(2) : '';
      if (isFeedName(feed)) seqs.set(feed, Number(value));
    }
    return { epoch: hash.epoch, last: hash.last, n: Number(hash.n ?? 0), seqs };
  }

  /**
   * Walks back from `from` (inclusive), newest first, page by page, until `visit` returns
   * false. Entries at or before a given id never change (only trimming removes the oldest), so
   * a walk from a head read earlier is consistent with it.
   */
  async walkBack(from: string, visit: (entry: LogEntry) => boolean, pageSize = 500): Promise<void> {
    for (let end = from; ;) {
      const page = (await this.redis.xrevrange(this.keys.stream, end, '-', 'COUNT', pageSize)) as StreamEntry[];
      for (const entry of page) {
        const decoded = decodeEntry(entry);
        if (decoded && !visit(decoded)) return;
        end = `(${entry[0]}`;
      }
      if (page.length < pageSize) return;
    }
  }

  /** The newest `count` entries, oldest first. */
  async newest(count: number): Promise<LogEntry[]> {
    const entries = (await this.redis.xrevrange(this.keys.stream, '+', '-', 'COUNT', count)) as StreamEntry[];
    return decodeAll(entries.reverse());
  }

  /** Fault: drop every entry (recorded as trimmed, so old cursors read as evicted). */
  async evictAll(): Promise<void> {
    await this.redis.eval(EVICT_ALL, 2, this.keys.stream, this.keys.epoch);
  }
}
