import type uPlot from 'uplot';
import { formatTime } from './format';
import { gapThresholdMs } from './spans';

/**
 * A uPlot plugin: the value and local time under the cursor, in a small box inside the plot.
 * Driven by uPlot's own `setCursor` hook, so it follows the mouse, the keyboard (metric-chart.tsx
 * moves the cursor with the arrow keys) and the other charts (`cursor.sync`) alike. Written with
 * `textContent` on one element: no React render per mouse move.
 */
export function tooltipPlugin({ unit, decimals }: { unit: string; decimals: number }): uPlot.Plugin {
  let box: HTMLDivElement | null = null;
  const hide = () => box && (box.hidden = true);
  return {
    hooks: {
      init: (u) => {
        box = document.createElement('div');
        box.dataset.testid = 'chart-tooltip';
        box.hidden = true;
        box.className =
          'pointer-events-none absolute z-10 whitespace-nowrap rounded bg-slate-900/90 px-1.5 py-0.5 text-xs tabular-nums text-white shadow dark:bg-slate-100/90 dark:text-slate-900';
        u.over.appendChild(box);
      },
      setCursor: (u) => {
        const idx = u.cursor.idx;
        const left = u.cursor.left ?? -1;
        const ts = idx == null ? undefined : u.data[0][idx];
        const value = idx == null ? undefined : u.data[1]?.[idx];
        if (!box || ts == null || value == null || left < 0) return void hide();
        // The nearest point may be far from the cursor (over a hole, or before the first
        // point): say nothing rather than show a value from another time.
        if (Math.abs(u.posToVal(left, 'x') - ts) > gapThresholdMs(u.data[0])) return void hide();
        box.textContent = `${value.toFixed(decimals)} ${unit} · ${formatTime(ts)}`;
        box.hidden = false;
        // Left of the cursor in the right half, so it never leaves the plot.
        const width = u.over.clientWidth;
        box.style.left = left > width / 2 ? '' : `${left + 8}px`;
        box.style.right = left > width / 2 ? `${width - left + 8}px` : '';
        box.style.top = '2px';
      },
      destroy: () => {
        box?.remove();
        box = null;
      },
    },
  };
}
