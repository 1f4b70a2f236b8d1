/**
 * Small hand-written SVG charts for reports: no library, no script, no external reference. Every
 * text that reaches the markup (titles, labels, names) goes through `escapeXml`.
 */

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A short label for a number: integers as they are, others to four significant digits. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}

/** Round tick values covering [min, max]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? max) < max) ticks.push(Number(((ticks.at(-1) ?? 0) + step).toPrecision(12)));
  return ticks;
}

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const r1 = (n: number): string => String(Math.round(n * 10) / 10);

function text(x: number, y: number, value: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}" ${attrs}>${escapeXml(value)}</text>`;
}

function frame(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" ${FONT}>`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(width / 2, 18, title, 'text-anchor="middle" font-weight="bold" font-size="14"'),
    ...body,
    '</svg>',
  ].join('\n');
}

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color: string;
  /** Markers only, no line: raw trial scores under a best-so-far line. */
  dotsOnly?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
}

/** A line chart with both axes ticked and labelled and a legend; x and y scale to the data. */
export function lineChart(c: LineChart): string {
  const width = c.width ?? 640;
  const height = c.height ?? 320;
  const m = { left: 64, right: 16, top: 32, bottom: 64 };
  const all = c.series.flatMap((s) => s.points);
  const xs = niceTicks(Math.min(...all.map((p) => p[0]), 0), Math.max(...all.map((p) => p[0]), 1), 8);
  const ys = niceTicks(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const [x0, x1, y0, y1] = [xs[0] ?? 0, xs.at(-1) ?? 1, ys[0] ?? 0, ys.at(-1) ?? 1];
  const px = (x: number): number => m.left + ((x - x0) / (x1 - x0 || 1)) * (width - m.left - m.right);
  const py = (y: number): number => height - m.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - m.top - m.bottom);
  const body: string[] = [];
  for (const t of ys) body.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${r1(py(t))}" y2="${r1(py(t))}" stroke="#e5e5e5"/>`, text(m.left - 6, py(t) + 4, formatNumber(t), 'text-anchor="end"'));
  for (const t of xs) body.push(`<line x1="${r1(px(t))}" x2="${r1(px(t))}" y1="${height - m.bottom}" y2="${height - m.bottom + 4}" stroke="#333"/>`, text(px(t), height - m.bottom + 16, formatNumber(t), 'text-anchor="middle"'));
  body.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#333"/>`, `<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#333"/>`);
  body.push(text((m.left + width - m.right) / 2, height - m.bottom + 34, c.xLabel, 'text-anchor="middle"'));
  body.push(text(16, (m.top + height - m.bottom) / 2, c.yLabel, `text-anchor="middle" transform="rotate(-90 16 ${r1((m.top + height - m.bottom) / 2)})"`));
  c.series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${r1(px(x))},${r1(py(y))}`);
    if (!s.dotsOnly && pts.length > 1) body.push(`<polyline fill="none" stroke="${escapeXml(s.color)}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const [x, y] of s.points) body.push(`<circle cx="${r1(px(x))}" cy="${r1(py(y))}" r="${s.dotsOnly ? 3 : 2.5}" fill="${escapeXml(s.color)}"${s.dotsOnly ? ' fill-opacity="0.5"' : ''}/>`);
    const lx = m.left + i * 180;
    body.push(`<rect x="${lx}" y="${height - 18}" width="12" height="12" fill="${escapeXml(s.color)}"/>`, text(lx + 18, height - 8, s.name));
  });
  return frame(width, height, c.title, body);
}

export interface Bar {
  label: string;
  value: number;
}

export interface BarChart {
  title: string;
  valueLabel: string;
  bars: readonly Bar[];
  /** A dashed line marking the level above which a bar is flagged (drawn in the alert colour). */
  threshold?: number;
  width?: number;
}

/** Horizontal bars, one per label (feature names stay readable), a ticked value axis below. */
export function barChart(c: BarChart): string {
  const width = c.width ?? 640;
  const rowHeight = 22;
  const longest = Math.max(0, ...c.bars.map((b) => b.label.length));
  const m = { left: Math.min(220, 16 + longest * 7), right: 48, top: c.threshold === undefined ? 32 : 46, bottom: 48 };
  const height = m.top + m.bottom + Math.max(1, c.bars.length) * rowHeight;
  const values = c.bars.map((b) => b.value).filter(Number.isFinite);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(...values, c.threshold ?? 0, 1e-9));
  const [v0, v1] = [ticks[0] ?? 0, ticks.at(-1) ?? 1];
  const px = (v: number): number => m.left + ((v - v0) / (v1 - v0 || 1)) * (width - m.left - m.right);
  const bottom = height - m.bottom;
  const body: string[] = [];
  for (const t of ticks) body.push(`<line x1="${r1(px(t))}" x2="${r1(px(t))}" y1="${m.top}" y2="${bottom + 4}" stroke="#e5e5e5"/>`, text(px(t), bottom + 16, formatNumber(t), 'text-anchor="middle"'));
  c.bars.forEach((b, i) => {
    const y = m.top + i * rowHeight;
    const v = Number.isFinite(b.value) ? b.value : 0;
    const flagged = c.threshold !== undefined && v > c.threshold;
    const [a, z] = [px(Math.min(0, v)), px(Math.max(0, v))];
    body.push(`<rect x="${r1(a)}" y="${y + 3}" width="${r1(Math.max(1, z - a))}" height="${rowHeight - 6}" fill="${flagged ? '#d9534f' : '#4a7fb5'}"><title>${escapeXml(`${b.label}: ${formatNumber(b.value)}`)}</title></rect>`);
    body.push(text(m.left - 6, y + rowHeight / 2 + 4, b.label, 'text-anchor="end"'), text(z + 4, y + rowHeight / 2 + 4, formatNumber(b.value), 'fill="#555"'));
  });
  body.push(`<line x1="${r1(px(0))}" x2="${r1(px(0))}" y1="${m.top}" y2="${bottom}" stroke="#333"/>`, `<line x1="${m.left}" x2="${width - m.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  if (c.threshold !== undefined) {
    const x = r1(px(c.threshold));
    body.push(`<line x1="${x}" x2="${x}" y1="${m.top - 4}" y2="${bottom}" stroke="#d9534f" stroke-dasharray="4 3"/>`, text(px(c.threshold), m.top - 6, `threshold ${formatNumber(c.threshold)}`, 'text-anchor="middle" fill="#d9534f"'));
  }
  body.push(text((m.left + width - m.right) / 2, bottom + 34, c.valueLabel, 'text-anchor="middle"'));
  return frame(width, height, c.title, body);
}
