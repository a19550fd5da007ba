import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

function filled(capacity: number, count: number): RingBuffer<string> {
  const ring = new RingBuffer<string>(capacity);
  for (let i = 1; i <= count; i += 1) ring.push(`e${i}`);
  return ring;
}

describe('RingBuffer', () => {
  it('hands out increasing offsets from 1', () => {
    const ring = new RingBuffer<string>(3);
    expect(ring.push('a')).toBe(1);
    expect(ring.push('b')).toBe(2);
    expect(ring.newest).toBe(2);
    expect(ring.oldest).toBe(1);
  });

  it('starts empty: since(0) is an empty ok, anything later is the future', () => {
    const ring = new RingBuffer<string>(4);
    expect(ring.size).toBe(0);
    expect(ring.since(0)).toEqual({ kind: 'ok', items: [] });
    expect(ring.since(1)).toEqual({ kind: 'future', newest: 0 });
  });

  it('keeps only the newest `capacity` items after wrap-around, in order', () => {
    const ring = filled(4, 10);
    expect(ring.size).toBe(4);
    expect(ring.oldest).toBe(7);
    expect(ring.since(6)).toEqual({ kind: 'ok', items: ['e7', 'e8', 'e9', 'e10'] });
  });

  it('since() just before the oldest kept item replays everything kept', () => {
    expect(filled(4, 10).since(6)).toMatchObject({ kind: 'ok' });
  });

  it('since() at the oldest item replays the items after it', () => {
    expect(filled(4, 10).since(7)).toEqual({ kind: 'ok', items: ['e8', 'e9', 'e10'] });
  });

  it('since() at the newest item is up to date', () => {
    expect(filled(4, 10).since(10)).toEqual({ kind: 'ok', items: [] });
  });

  it('since() before the oldest item reports the eviction', () => {
    expect(filled(4, 10).since(5)).toEqual({ kind: 'evicted', oldest: 7 });
    expect(filled(4, 10).since(0)).toEqual({ kind: 'evicted', oldest: 7 });
  });

  it('since() after the newest item is the future', () => {
    expect(filled(4, 10).since(11)).toEqual({ kind: 'future', newest: 10 });
  });

  it('scans backwards from newest and stops when told', () => {
    const seen: string[] = [];
    filled(4, 10).scanBackwards((item) => {
      seen.push(item);
      return seen.length < 3;
    });
    expect(seen).toEqual(['e10', 'e9', 'e8']);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });

  it('clear() drops everything but keeps counting offsets', () => {
    const ring = filled(4, 6);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.since(6)).toEqual({ kind: 'ok', items: [] });
    expect(ring.since(5)).toEqual({ kind: 'evicted', oldest: 7 });
    expect(ring.push('e7')).toBe(7);
    expect(ring.since(6)).toEqual({ kind: 'ok', items: ['e7'] });
  });
});
