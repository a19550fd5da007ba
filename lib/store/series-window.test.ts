import { describe, expect, it } from 'vitest';
import { SeriesWindow } from './series-window';

describe('SeriesWindow', () => {
  it('drops points older than the window, relative to the newest', () => {
    const w = new SeriesWindow({ windowMs: 3000, maxPoints: 100 });
    for (let t = 0; t <= 10_000; t += 1000) w.push(t, t);
    w.trim();
    expect(w.ts).toEqual([7000, 8000, 9000, 10_000]);
  });

  it('never keeps more than maxPoints, whatever the rate', () => {
    const w = new SeriesWindow({ windowMs: 1_000_000, maxPoints: 50 });
    for (let i = 0; i < 100_000; i += 1) {
      w.push(i, i);
      if (i % 100 === 0) w.trim();
    }
    w.trim();
    expect(w.length).toBe(50);
    expect(w.values.length).toBe(50);
    expect(w.ts[0]).toBe(99_950);
  });

  it('takes a replacement as the truth from its first point, keeping older points', () => {
    const w = new SeriesWindow({ windowMs: 10_000, maxPoints: 10 });
    for (const t of [0, 1000, 2000, 3000]) w.push(t, 0);
    w.replaceFrom([2500, 5000, 6000], [1, 2, 3]);
    expect(w.ts).toEqual([0, 1000, 2000, 2500, 5000, 6000]);
    expect(w.values).toEqual([0, 0, 0, 1, 2, 3]);
  });

  it('trims the replacement to the window', () => {
    const w = new SeriesWindow({ windowMs: 1000, maxPoints: 10 });
    w.replaceFrom([0, 500, 1000, 1500, 2000], [1, 2, 3, 4, 5]);
    expect(w.ts).toEqual([1000, 1500, 2000]);
  });

  it('ignores an empty replacement', () => {
    const w = new SeriesWindow();
    w.push(1, 1);
    w.replaceFrom([], []);
    expect(w.ts).toEqual([1]);
  });
});
