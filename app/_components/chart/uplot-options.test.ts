import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { FEEDS } from '@/lib/metrics/feeds';
import { formatTick, formatTime, yRange } from './format';
import type { ChartSpans } from './spans';
import { CHART_HEIGHT, chartOptions, SYNC_KEY, type ChartOptionsInput } from './uplot-options';
import { FEED_A } from '@/lib/testing/catalogue';

/** The chart's uPlot options, built and read without React, a DOM or uPlot itself. */

const feedA = FEEDS.find((feed) => feed.name === FEED_A)!;
const noSpans: ChartSpans = { lost: [], recovered: [], waiting: null };

function build(patch: Partial<ChartOptionsInput> = {}) {
  const gaps: [number, number][] = [];
  const options = chartOptions({
    feed: feedA,
    color: '#0ea5e9',
    width: 400,
    xRange: () => [1000, 301_000],
    axisColor: () => 'black',
    gridColor: () => 'grey',
    spans: () => noSpans,
    addGap: (_gaps, from, to) => void gaps.push([from, to]),
    ...patch,
  });
  return { options, gaps };
}

/** uPlot calls these with the chart as first argument; the options under test never read it. */
const chart = {} as uPlot;

describe('chartOptions()', () => {
  it('anchors the x axis to what xRange says (now, or the pause), never to the data', () => {
    let end = 301_000;
    const { options } = build({ xRange: () => [end - 300_000, end] });
    const range = options.scales?.x?.range as (u: uPlot, min: number, max: number) => [number, number];
    expect(range(chart, 0, 10)).toEqual([1000, 301_000]);
    end = 302_000;
    expect(range(chart, 0, 10)).toEqual([2000, 302_000]);
  });

  it("keeps the y axis within the catalogue's bounds", () => {
    const { options } = build();
    const range = options.scales?.y?.range as (u: uPlot, min: number | null, max: number | null) => [number, number];
    expect(range(chart, 40, 60)).toEqual(yRange(40, 60, feedA.min, feedA.max));
    expect(range(chart, 95, 100)[1]).toBeLessThanOrEqual(feedA.max);
    expect(range(chart, null, null)).toEqual([feedA.min, feedA.max]);
  });

  it('labels time ticks as local times and value ticks with the unit', () => {
    const { options } = build();
    const [x, y] = options.axes ?? [];
    type Values = (u: uPlot, splits: number[], axis: number, space: number, step: number) => string[];
    const noon = Date.UTC(2026, 0, 1, 12, 3, 41);
    expect((x?.values as Values)(chart, [noon], 0, 0, 1000)).toEqual([formatTime(noon, 1000)]);
    const labels = (y?.values as Values)(chart, [0, 50, 100], 1, 0, 50);
    expect(labels).toEqual([0, 50, 100].map((value) => formatTick(value, feedA.unit, 50)));
    expect(labels.every((label) => label.includes(feedA.unit))).toBe(true);
  });

  it("draws the feed's line in its colour, at the chart's height, with its cursor synced to the others", () => {
    const { options } = build();
    expect(options.height).toBe(CHART_HEIGHT);
    expect(options.width).toBe(400);
    expect(options.series[1]).toMatchObject({ label: feedA.label, stroke: '#0ea5e9', fill: '#0ea5e91a' });
    expect(options.cursor?.sync?.key).toBe(SYNC_KEY);
    expect(options.plugins).toHaveLength(2);
  });

  it('breaks the line across a hole in the data, and only there', () => {
    const { options, gaps } = build();
    const ts = [0, 1000, 2000, 3000, 60_000, 61_000, 62_000];
    const plot = { data: [ts], valToPos: (value: number) => value / 1000 } as unknown as uPlot;
    const series = options.series[1]!;
    const gapsOf = series.gaps as (u: uPlot, s: number, i0: number, i1: number, nullGaps: uPlot.Series.Gaps) => void;
    gapsOf(plot, 1, 0, ts.length - 1, []);
    expect(gaps).toEqual([[3, 60]]);
  });
});
