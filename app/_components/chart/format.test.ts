import { describe, expect, it } from 'vitest';
import { formatTick, formatTime, yRange } from './format';

describe('formatTick', () => {
  it('is as precise as the step, and carries the unit', () => {
    expect(formatTick(42, '%', 2)).toBe('42%');
    expect(formatTick(1400, 'MB', 20)).toMatch(/^1.?400 MB$/);
    expect(formatTick(1420, 'MB', 20)).not.toBe(formatTick(1400, 'MB', 20));
    expect(formatTick(0.25, '%', 0.05)).toBe('0.25%');
    expect(formatTick(37.5, '%', 2.5)).toBe('37.5%');
  });
});

describe('formatTime', () => {
  it('drops seconds only for whole-minute steps, and never carries a date', () => {
    const ts = new Date(2026, 10, 25, 18, 57, 30).getTime();
    expect(formatTime(ts, 10_000)).toMatch(/57:30/);
    expect(formatTime(ts, 60_000)).not.toMatch(/57:30/);
    expect(formatTime(ts)).not.toMatch(/2026|Nov|11\/25/);
  });
});

describe('yRange', () => {
  it('pads the data range but stays within the catalogue bounds', () => {
    expect(yRange(40, 60, 0, 100)).toEqual([38, 62]);
    expect(yRange(1, 99, 0, 100)).toEqual([0, 100]);
  });
  it('gives a flat line a band, and no data the whole catalogue range', () => {
    expect(yRange(50, 50, 0, 100)).toEqual([48, 52]);
    expect(yRange(null, null, 0, 100)).toEqual([0, 100]);
  });
});
