import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentDir, declaredOutputs, runStep, type StepResult } from '../helpers/agents.js';

let dir: string;
let cleanup: () => void;
const step = (builtin: string, args: Record<string, unknown>, id = builtin): StepResult => runStep(dir, builtin, args, id);
const read = (path: unknown): string => readFileSync(String(path), 'utf8');

beforeEach(() => {
  ({ dir, cleanup } = agentDir());
});
afterEach(() => cleanup());

/** Attempt files as the engine leaves them in a run's workspace. */
function attempt(id: string, n: number, exit: number, outputs: Record<string, unknown>): void {
  const attempts = join(dir, 'ws', 'attempts');
  mkdirSync(attempts, { recursive: true });
  writeFileSync(join(attempts, `${id}.${n}.pid`), '4242\n');
  writeFileSync(join(attempts, `${id}.${n}.log`), '');
  writeFileSync(join(attempts, `${id}.${n}.outputs`), JSON.stringify(outputs));
  writeFileSync(join(attempts, `${id}.${n}.exit`), `${exit}\n`);
}

describe('report', () => {
  it('writes Markdown and self-contained HTML with the metrics and a best-so-far SVG chart of a real tune history', () => {
    const tune = step('tune', { dataset: 'iris', model: 'decision-tree', trials: 6, folds: 3 });
    expect(tune.code, tune.stderr).toBe(0);
    const history = String(tune.outputs.history ?? tune.outputs.results);
    const r = step('report', { title: 'Iris baseline', metrics: { accuracy: 0.9733, f1: 0.9731, rows: 150 }, inputs: { dataset: 'iris' }, history });
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('report')].sort());
    expect(r.outputs.charts).toBe(1);

    const md = read(r.outputs.path);
    expect(String(r.outputs.path)).toMatch(/report\.md$/);
    expect(md).toMatch(/^# Iris baseline$/m);
    expect(md).toMatch(/^\| source \| accuracy \| f1 \|$/m);
    expect(md).toMatch(/^\| metrics \| 0\.9733 \| 0\.9731 \|$/m);
    expect(md).toMatch(/^\| dataset \| iris \|$/m);
    expect(md).toMatch(/6 trials of accuracy \(higher is better\); best 0\.\d+ at trial \d/);

    const html = read(r.outputs.html);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<td class="num">0.9733</td>');
    const svg = /<svg [^>]*>[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toContain('<title>Best accuracy so far</title>');
    expect(svg).toMatch(/<polyline [^>]*points="(\d+(\.\d)?,\d+(\.\d)? ){5}\d+(\.\d)?,\d+(\.\d)?"/);
    expect(svg).toContain('>trial</text>');
    // Self-contained: no script, no stylesheet or image fetched from anywhere.
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|url\(/i);
  });

  it('reads steps, status and timings from the workspace and charts drift from a monitor report found in the outputs', () => {
    const drift = join(dir, 'drift-report.json');
    writeFileSync(drift, JSON.stringify({ psi_threshold: 0.2, checks: [{ check: 1, features: [{ feature: 'petal_width', psi: 0.51 }, { feature: 'sepal_length', psi: 0.04 }] }] }));
    attempt('train', 1, 0, { accuracy: 0.96, f1: 0.959, rows: 150 });
    attempt('evaluate', 1, 1, {});
    attempt('evaluate', 2, 0, { accuracy: 0.9333 });
    attempt('monitor', 1, 2, { drift: 0.51, report: drift });
    const r = step('report', {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ steps: 3, charts: 1 });
    const md = read(r.outputs.path);
    expect(md).toMatch(/^\| train \| succeeded \| 1 \| \d{4}-\d\d-\d\d [\d:]+ \| \d+ms \| 0 \|$/m);
    expect(md).toMatch(/^\| evaluate \| succeeded \| 2 \|/m);
    expect(md).toMatch(/^\| monitor \| failed \| 1 \|.*\| 2 \|$/m);
    expect(md).toMatch(/^\| train \| 0\.96 \| 0\.959 \|/m);
    expect(md).toMatch(/^\| petal_width \| 0\.51 \| drift \|$/m);
    const html = read(r.outputs.html);
    expect(html).toContain('<title>psi per feature</title>');
    expect(html).toMatch(/<rect [^>]*fill="#d9534f"><title>petal_width: 0\.51<\/title>/);
    expect(html).toContain('threshold 0.2</text>');
  });

  it('escapes a hostile step name and title in both reports', () => {
    const hostile = '<script>alert(1)</script>';
    const r = step('report', { title: `Run <img src=x onerror=alert(1)>`, steps: { [hostile]: { status: 'succeeded', outputs: { accuracy: 0.5, note: '<b>|x' } } } });
    expect(r.code, r.stderr).toBe(0);
    const html = read(r.outputs.html);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const md = read(r.outputs.path);
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('&lt;b&gt;\\|x');
  });

  it('a history file that is missing or holds no trials exits 2 naming it', () => {
    const missing = step('report', { history: join(dir, 'nope.json') });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/history not found: .*nope\.json/);
    writeFileSync(join(dir, 'empty.json'), '{"results": []}');
    const empty = step('report', { history: join(dir, 'empty.json') }, 'report2');
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim()).toMatch(/empty\.json holds no trials/);
  });
});
