import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Agent } from './agent.js';
import { oneOf, str } from './lib/args.js';

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

/** Step outputs in the run workspace: `attempts/<step>/<n>/outputs`, latest attempt per step. */
function stepOutputs(workspace: string, self: string): { step: string; outputs: Record<string, unknown> }[] {
  const latest = new Map<string, { attempt: number; file: string }>();
  for (const file of walk(join(workspace, 'attempts'))) {
    const m = /[\\/]attempts[\\/]([^\\/]+)[\\/](\d+)[\\/]outputs(\.json)?$/.exec(file);
    if (!m || m[1] === self) continue;
    const step = m[1] ?? '';
    const attempt = Number(m[2]);
    if ((latest.get(step)?.attempt ?? -1) < attempt) latest.set(step, { attempt, file });
  }
  return [...latest.entries()].map(([step, { file }]) => ({ step, outputs: parseOutputs(readFileSync(file, 'utf8')) }));
}

function parseOutputs(text: string): Record<string, unknown> {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      return { unreadable: t.slice(0, 80) };
    }
  }
  const out: Record<string, unknown> = {};
  for (const line of t.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A summary of the run so far: every step's outputs and every artifact file. */
export const report: Agent = {
  name: 'report',
  summary: 'write a markdown or html report of step outputs and artifacts',
  run(args, ctx) {
    const title = str(args, 'title', 'Run report');
    const format = oneOf(args, 'format', ['markdown', 'html'] as const, 'markdown');
    const steps = stepOutputs(ctx.workspace, ctx.stepId);
    const artifacts = walk(join(ctx.workspace, 'artifacts')).map((f) => ({ file: relative(ctx.workspace, f), bytes: statSync(f).size }));
    const outputRows = steps.flatMap((s) => Object.entries(s.outputs).map(([k, v]) => [s.step, k, show(v)]));
    const artifactRows = artifacts.map((a) => [a.file, String(a.bytes)]);
    let text: string;
    if (format === 'html') {
      const table = (head: string[], rows: string[][]): string =>
        `<table>\n<tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>\n${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}\n</table>`;
      text = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>\n<h1>${esc(title)}</h1>\n<p>Run ${esc(ctx.runId)}, ${new Date().toISOString()}</p>\n<h2>Step outputs</h2>\n${table(['step', 'output', 'value'], outputRows)}\n<h2>Artifacts</h2>\n${table(['file', 'bytes'], artifactRows)}\n</body></html>\n`;
    } else {
      const table = (head: string[], rows: string[][]): string =>
        [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- |').join('')}`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
      text = `# ${title}\n\nRun ${ctx.runId}, ${new Date().toISOString()}\n\n## Step outputs\n\n${outputRows.length ? table(['step', 'output', 'value'], outputRows) : '_none yet_'}\n\n## Artifacts\n\n${artifactRows.length ? table(['file', 'bytes'], artifactRows) : '_none_'}\n`;
    }
    const path = join(ctx.workspace, format === 'html' ? 'report.html' : 'report.md');
    writeFileSync(path, text);
    console.log(`report of ${steps.length} steps and ${artifacts.length} artifacts written to ${path}`);
    return { path, steps: steps.length, artifacts: artifacts.length };
  },
};
