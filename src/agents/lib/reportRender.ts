import { bestSoFar, type Confusion, type DriftReport, type TrialHistory } from './reportArtifacts.js';
import type { MetricsTable, StepInfo } from './reportData.js';
import { barChart, escapeXml, formatNumber, lineChart } from './svg.js';

/** Everything a report shows, gathered once and rendered twice (Markdown and HTML). */
export interface ReportModel {
  title: string;
  runId: string;
  generatedAt: string;
  steps: StepInfo[];
  inputs: [string, string][];
  metrics: MetricsTable;
  histories: TrialHistory[];
  drifts: DriftReport[];
  confusions: (Confusion & { step: string })[];
  artifacts: { file: string; bytes: number }[];
}

type Cell = string | number | null;
const show = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? formatNumber(v) : JSON.stringify(v));
const seconds = (ms: number | null): string => (ms === null ? '' : ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`);
const when = (t: number | null): string => (t === null ? '' : new Date(t).toISOString().replace('T', ' ').slice(0, 19));

function stepRows(m: ReportModel): Cell[][] {
  return m.steps.map((s) => [s.id, s.status, s.attempts, when(s.startedAt), seconds(s.durationMs), s.exitCode]);
}

function metricRows(t: MetricsTable): Cell[][] {
  return t.rows.map((r) => [r.name, ...t.columns.map((c) => (r.values[c] === undefined ? null : r.values[c] ?? null))]);
}

function outputRows(m: ReportModel): Cell[][] {
  return m.steps.flatMap((s) => Object.entries(s.outputs).map(([k, v]) => [s.id, k, show(v)]));
}

function driftRows(d: DriftReport): Cell[][] {
  return [...d.features].sort((a, b) => b.value - a.value).map((f) => [f.feature, f.value, d.threshold !== undefined && f.value > d.threshold ? 'drift' : '']);
}

function historySummary(h: TrialHistory): string {
  const best = bestSoFar(h).at(-1);
  const at = h.trials.find((t) => t.score === best?.score);
  return `${h.trials.length} trials of ${h.metric} (${h.minimize ? 'lower' : 'higher'} is better); best ${best ? formatNumber(best.score) : '?'} at trial ${at?.trial ?? '?'}`;
}

// Markdown renders inline HTML, so text in a Markdown report is escaped as for HTML too.
const mdText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mdCell = (c: Cell): string => mdText(show(c)).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function mdTable(head: string[], rows: Cell[][], empty = '_none_'): string {
  if (rows.length === 0) return empty;
  return [`| ${head.map((h) => mdCell(h)).join(' | ')} |`, `|${head.map(() => ' --- |').join('')}`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

function confusionRows(c: Confusion): Cell[][] {
  return c.labels.map((label, i) => [label, ...(c.counts[i] ?? [])]);
}

export function renderMarkdown(m: ReportModel): string {
  const out = [`# ${mdText(m.title)}`, '', `Run ${mdText(m.runId)}, ${m.generatedAt}`, ''];
  const section = (title: string, body: string): void => void out.push(`## ${title}`, '', body, '');
  section('Steps', mdTable(['step', 'status', 'attempts', 'started', 'duration', 'exit'], stepRows(m), '_no steps found in the workspace_'));
  if (m.inputs.length) section('Inputs', mdTable(['input', 'value'], m.inputs));
  section('Metrics', mdTable(['source', ...m.metrics.columns], metricRows(m.metrics), '_no metrics_'));
  for (const c of m.confusions) section(`Confusion matrix: ${mdText(c.step)} (${mdText(c.source)})`, `Rows are actual labels, columns predicted.\n\n${mdTable(['actual \\ predicted', ...c.labels], confusionRows(c))}`);
  for (const h of m.histories) {
    const rows = bestSoFar(h).map((b, i) => [b.trial, h.trials[i]?.score ?? null, b.score]);
    section(`Tuning history: ${mdText(h.source)}`, `${mdText(historySummary(h))}. The chart is in the HTML report.\n\n${mdTable(['trial', h.metric, 'best so far'], rows)}`);
  }
  for (const d of m.drifts) {
    const limit = d.threshold === undefined ? '' : `, threshold ${formatNumber(d.threshold)}`;
    section(`Drift per feature: ${mdText(d.source)}`, `${mdText(d.metric)} per feature${limit}. The chart is in the HTML report.\n\n${mdTable(['feature', d.metric, ''], driftRows(d))}`);
  }
  section('Step outputs', mdTable(['step', 'output', 'value'], outputRows(m)));
  section('Artifacts', mdTable(['file', 'bytes'], m.artifacts.map((a) => [a.file, a.bytes])));
  return `${out.join('\n').trimEnd()}\n`;
}

function htmlTable(head: string[], rows: Cell[][], empty = 'none', cls = ''): string {
  if (rows.length === 0) return `<p class="empty">${escapeXml(empty)}</p>`;
  const cell = (c: Cell, tag: string): string => `<${tag}${typeof c === 'number' ? ' class="num"' : ''}>${escapeXml(show(c))}</${tag}>`;
  const body = rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}>\n<thead><tr>${head.map((h) => cell(h, 'th')).join('')}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:980px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}.empty{color:#777;font-style:italic}
.status-succeeded{color:#2a7a2a}.status-failed{color:#b52a2a}figure{margin:1rem 0}svg{max-width:100%;height:auto}
td{max-width:32rem;overflow-wrap:anywhere}`;

export function renderHtml(m: ReportModel): string {
  const parts: string[] = [];
  const h2 = (t: string): number => parts.push(`<h2>${escapeXml(t)}</h2>`);
  h2('Steps');
  parts.push(htmlTable(['step', 'status', 'attempts', 'started', 'duration', 'exit'], stepRows(m), 'no steps found in the workspace').replace(/<td>(succeeded|failed)<\/td>/g, '<td class="status-$1">$1</td>'));
  if (m.inputs.length) {
    h2('Inputs');
    parts.push(htmlTable(['input', 'value'], m.inputs));
  }
  h2('Metrics');
  parts.push(htmlTable(['source', ...m.metrics.columns], metricRows(m.metrics), 'no metrics'));
  for (const c of m.confusions) {
    h2(`Confusion matrix: ${c.step} (${c.source})`);
    parts.push('<p>Rows are actual labels, columns predicted.</p>', htmlTable(['actual \\ predicted', ...c.labels], confusionRows(c)));
  }
  for (const h of m.histories) {
    h2(`Tuning history: ${h.source}`);
    const best = bestSoFar(h);
    const chart = lineChart({
      title: `Best ${h.metric} so far`,
      xLabel: 'trial',
      yLabel: h.metric,
      series: [
        { name: 'trial score', points: h.trials.map((t) => [t.trial, t.score] as const), color: '#9aa7b5', dotsOnly: true },
        { name: 'best so far', points: best.map((b) => [b.trial, b.score] as const), color: '#2a6fb5' },
      ],
    });
    parts.push(`<p>${escapeXml(historySummary(h))}</p>`, `<figure>\n${chart}\n</figure>`);
  }
  for (const d of m.drifts) {
    h2(`Drift per feature: ${d.source}`);
    const bars = [...d.features].sort((a, b) => b.value - a.value).map((f) => ({ label: f.feature, value: f.value }));
    parts.push(`<figure>\n${barChart({ title: `${d.metric} per feature`, valueLabel: d.metric, bars, ...(d.threshold !== undefined ? { threshold: d.threshold } : {}) })}\n</figure>`);
    parts.push(htmlTable(['feature', d.metric, ''], driftRows(d)));
  }
  h2('Step outputs');
  parts.push(htmlTable(['step', 'output', 'value'], outputRows(m)));
  h2('Artifacts');
  parts.push(htmlTable(['file', 'bytes'], m.artifacts.map((a) => [a.file, a.bytes])));
  // No script and no outside request: the CSP says so to any browser that opens the file.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(m.title)}</title>
<style>${STYLE}</style>
</head><body>
<h1>${escapeXml(m.title)}</h1>
<p>Run ${escapeXml(m.runId)}, ${escapeXml(m.generatedAt)}</p>
${parts.join('\n')}
</body></html>
`;
}
