import { describe, expect, it } from 'vitest';
import { closeOutage, MAX_OUTAGES, openOutage, type Outage } from './outages';

describe('outages', () => {
  it('opens one at a time and closes the open one', () => {
    let list: readonly Outage[] = [];
    list = openOutage(list, 5);
    const open = list;
    expect(openOutage(open, 6)).toBe(open);
    list = closeOutage(list, 9);
    expect(closeOutage(list, 10)).toBe(list);
    expect(list).toEqual([{ from: 5, to: 9 }]);
  });

  it('keeps only the most recent ones', () => {
    let list: readonly Outage[] = [];
    for (let i = 0; i < MAX_OUTAGES + 5; i += 1) list = closeOutage(openOutage(list, i), i + 0.5);
    expect(list).toHaveLength(MAX_OUTAGES);
    expect(list[0]).toEqual({ from: 5, to: 5.5 });
  });
});
