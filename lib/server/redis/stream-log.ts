import 'server-only';
import type { Redis } from 'ioredis';
import { isFeedName, type FeedName } from '@/lib/metrics/feeds';
import type { MetricEvent, ResetReason } from '@/lib/metrics/events';
import type { Sample } from '../bus';
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
}

export function redisKeys(prefix: string): RedisKeys {
  return { stream: `${prefix}:events`, epoch: `${prefix}:epoch`, lease: `${prefix}:producer` };
}

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

  /** Appends one tick; resolves with each sample's entry id and seq, in order. */
  async append(
    instanceId: string,
    epoch: string,
    capacity: number,
    samples: readonly Sample[],
  ): Promise<{ id: string; seq: number }[]> {
    const args: (string | number)[] = [instanceId, epoch, capacity, samples[0]?.ts ?? 0];
    for (const sample of samples) args.push(sample.feed, sample.value);
    let flat: (string | number)[];
    try {
      flat = (await this.redis.eval(APPEND, 3, this.keys.stream, this.keys.epoch, this.keys.lease, ...args)) as (
        string | number
      )[];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith('NOTLEADER')) throw new NotProducerError();
      if (message.startsWith('FENCED')) throw new EpochFencedError(message.slice('FENCED '.length));
      throw error;
    }
    const out: { id: string; seq: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: String(flat[i]), seq: Number(flat[i + 1]) });
    return out;
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
