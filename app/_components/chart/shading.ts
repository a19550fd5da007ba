import type uPlot from 'uplot';
import type { ChartSpans, ClosedSpan } from './spans';

/**
 * The marks for spans without live data (spans.ts), as a uPlot plugin drawn under the line
 * (`drawClear`), and the same looks as CSS for the legend, so the two cannot drift apart.
 *
 * Lost and recovered must differ in more than hue (colour-blind readers, greyscale print): lost
 * is hatched, recovered is a flat tint with a solid top edge, the outage in progress a flat amber.
 */

export const SPAN_LOOKS = {
  lost: { color: 'rgba(225, 29, 72, 0.55)', tint: 'rgba(225, 29, 72, 0.08)' },
  recovered: { color: 'rgba(13, 148, 136, 0.9)', tint: 'rgba(13, 148, 136, 0.12)' },
  waiting: { color: 'rgba(245, 158, 11, 0.9)', tint: 'rgba(245, 158, 11, 0.18)' },
} as const;

/** The legend swatches: the same looks in CSS. */
export const SPAN_SWATCH_STYLE = {
  lost: {
    backgroundColor: SPAN_LOOKS.lost.tint,
    backgroundImage: `repeating-linear-gradient(135deg, ${SPAN_LOOKS.lost.color} 0 1.5px, transparent 1.5px 6px)`,
  },
  recovered: { backgroundColor: SPAN_LOOKS.recovered.tint, borderTop: `2px solid ${SPAN_LOOKS.recovered.color}` },
  waiting: { backgroundColor: SPAN_LOOKS.waiting.tint },
} as const;

let hatch: CanvasPattern | null | undefined;

/** A diagonal hatch, made once per page (a tiny offscreen canvas). */
function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  if (hatch !== undefined) return hatch;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 8;
  const t = tile.getContext('2d');
  if (!t) return (hatch = null);
  t.strokeStyle = SPAN_LOOKS.lost.color;
  t.lineWidth = 1.5;
  t.beginPath();
  t.moveTo(0, 8);
  t.lineTo(8, 0);
  t.moveTo(-2, 2);
  t.lineTo(2, -2);
  t.moveTo(6, 10);
  t.lineTo(10, 6);
  t.stroke();
  return (hatch = ctx.createPattern(tile, 'repeat'));
}

/** Draws `spans()` (read at draw time: the chart recomputes them before every redraw). */
export function shadingPlugin(spans: () => ChartSpans): uPlot.Plugin {
  const band = (u: uPlot, span: ClosedSpan, fill: string | CanvasPattern, edge?: string) => {
    const { ctx, bbox } = u;
    const left = Math.max(bbox.left, u.valToPos(span.from, 'x', true));
    const right = Math.min(bbox.left + bbox.width, u.valToPos(span.to, 'x', true));
    if (right <= left) return;
    ctx.fillStyle = fill;
    ctx.fillRect(left, bbox.top, right - left, bbox.height);
    if (edge) {
      ctx.fillStyle = edge;
      ctx.fillRect(left, bbox.top, right - left, 2 * uPlotPxRatio());
    }
  };
  return {
    hooks: {
      drawClear: (u) => {
        const { lost, recovered, waiting } = spans();
        u.ctx.save();
        for (const span of recovered) band(u, span, SPAN_LOOKS.recovered.tint, SPAN_LOOKS.recovered.color);
        for (const span of lost) {
          band(u, span, SPAN_LOOKS.lost.tint);
          band(u, span, hatchPattern(u.ctx) ?? SPAN_LOOKS.lost.color);
        }
        if (waiting) band(u, waiting, SPAN_LOOKS.waiting.tint);
        u.ctx.restore();
      },
    },
  };
}

function uPlotPxRatio(): number {
  return typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
}
