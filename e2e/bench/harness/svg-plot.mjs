// @ts-check
// A small line-chart writer for the bench's plots: plain SVG text, no dependency. Panels side
// by side, a shared legend, x on a log scale (streams grow by factors), y linear from zero.

/** @param {unknown} s */
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Round numbers for axis ticks: 1, 2, 5 × 10^k up to just above `max`.
 * @param {number} max
 */
function niceTicks(max, count = 5) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const step = [1, 2, 2.5, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw) ?? raw;
  const ticks = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** @param {number} n */
const short = (n) => (n >= 1000 ? `${Number((n / 1000).toPrecision(3))}k` : String(Number(n.toPrecision(3))));

/**
 * @param {{title: string, caption?: string, xLabel: string,
 *   panels: {title: string, yLabel: string, series: {name: string, color: string, dashed?: boolean,
 *   points: {x: number, y: number | null}[]}[]}[]}} chart
 * @returns {string} the SVG document
 */
export function lineChartSvg(chart) {
  const panelW = 430;
  const panelH = 300;
  const pad = { left: 62, right: 16, top: 30, bottom: 44 };
  const legendH = 24;
  const width = panelW * chart.panels.length;
  const height = 40 + panelH + legendH + (chart.caption ? 20 : 0);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(chart.title)}</text>`,
  ];
  const allX = chart.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.x))).filter((x) => x > 0);
  const xMin = Math.min(...allX);
  const xMax = Math.max(...allX);
  const xTicks = [...new Set(allX)].sort((a, b) => a - b);
  chart.panels.forEach((panel, i) => {
    const ox = i * panelW + pad.left;
    const oy = 40 + pad.top;
    const w = panelW - pad.left - pad.right;
    const h = panelH - pad.top - pad.bottom;
    const yMax = Math.max(...panel.series.flatMap((s) => s.points.map((pt) => pt.y ?? 0)), 0);
    const yTicks = niceTicks(yMax);
    const yTop = yTicks.at(-1) || 1;
    /** @param {number} x */
    const sx = (x) =>
      ox + (xMax === xMin ? w / 2 : ((Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * w);
    /** @param {number} y */
    const sy = (y) => oy + h - (y / yTop) * h;
    out.push(
      `<text x="${ox + w / 2}" y="${oy - 12}" text-anchor="middle" font-weight="600">${esc(panel.title)}</text>`,
    );
    for (const t of yTicks) {
      out.push(`<line x1="${ox}" x2="${ox + w}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e7eb"/>`);
      out.push(`<text x="${ox - 6}" y="${sy(t) + 4}" text-anchor="end" fill="#374151">${short(t)}</text>`);
    }
    for (const t of xTicks) {
      out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${oy}" y2="${oy + h}" stroke="#f3f4f6"/>`);
      out.push(`<text x="${sx(t)}" y="${oy + h + 16}" text-anchor="middle" fill="#374151">${short(t)}</text>`);
    }
    out.push(`<rect x="${ox}" y="${oy}" width="${w}" height="${h}" fill="none" stroke="#9ca3af"/>`);
    out.push(`<text x="${ox + w / 2}" y="${oy + h + 34}" text-anchor="middle">${esc(chart.xLabel)}</text>`);
    out.push(
      `<text transform="translate(${ox - 48} ${oy + h / 2}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`,
    );
    for (const s of panel.series) {
      const pts = s.points.flatMap((pt) => (pt.y !== null && Number.isFinite(pt.y) ? [{ x: pt.x, y: pt.y }] : []));
      if (!pts.length) continue;
      const d = pts.map((pt, k) => `${k ? 'L' : 'M'}${sx(pt.x).toFixed(1)},${sy(pt.y).toFixed(1)}`).join(' ');
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      );
      for (const pt of pts)
        out.push(`<circle cx="${sx(pt.x).toFixed(1)}" cy="${sy(pt.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
  });
  const names = [...new Map(chart.panels.flatMap((p) => p.series).map((s) => [s.name, s])).values()];
  const legendY = 40 + panelH + 8;
  const slot = width / names.length;
  names.forEach((s, k) => {
    const x = k * slot + 20;
    out.push(
      `<line x1="${x}" x2="${x + 22}" y1="${legendY}" y2="${legendY}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    out.push(`<text x="${x + 28}" y="${legendY + 4}">${esc(s.name)}</text>`);
  });
  if (chart.caption)
    out.push(
      `<text x="${width / 2}" y="${height - 6}" text-anchor="middle" fill="#4b5563">${esc(chart.caption)}</text>`,
    );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
