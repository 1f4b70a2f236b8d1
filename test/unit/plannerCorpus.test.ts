import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { plannerContext } from '../../src/planner/context.js';
import { planRequest, type PlanResult } from '../../src/planner/planner.js';
import { loadCommands } from '../../src/registry/commands.js';
import { loadTemplates } from '../../src/registry/templates.js';
import { ROOT } from '../helpers/cli.js';

interface ExpectedStep {
  command: string;
  args?: Record<string, unknown>;
  needs?: string[];
  if?: string | null;
  forEach?: unknown[] | null;
  retry?: Record<string, unknown> | null;
  until?: string | null;
  maxIterations?: number;
  else_of?: string;
}

interface Entry {
  category: string;
  request: string;
  expect: { steps?: ExpectedStep[]; commands?: string[]; clarify?: boolean; empty?: boolean };
}

const corpus = parseYaml(readFileSync(join(ROOT, 'test/fixtures/planner-corpus.yaml'), 'utf8')) as Entry[];
const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, '');

/** Why a plan does not meet an entry's expectation, or undefined when it does. */
export function mismatch(e: Entry, r: PlanResult): string | undefined {
  const x = e.expect;
  if (x.empty === true && r.steps.length > 0) return `expected no steps, got ${r.steps.map((s) => s.command).join(', ')}`;
  if (x.clarify === true && r.clarifications.length === 0) return 'expected a clarifying question';
  if (x.clarify === false && r.clarifications.length > 0) return `expected no question, got "${r.clarifications[0]?.question ?? ''}"`;
  if (x.commands && JSON.stringify(r.steps.map((s) => s.command)) !== JSON.stringify(x.commands)) return `commands ${r.steps.map((s) => s.command).join(',')} ≠ ${x.commands.join(',')}`;
  if (!x.steps) return undefined;
  if (r.steps.length !== x.steps.length) return `${r.steps.length} steps (${r.steps.map((s) => s.command).join(',')}) ≠ ${x.steps.length} (${x.steps.map((s) => s.command).join(',')})`;
  for (const [i, want] of x.steps.entries()) {
    const got = r.steps[i];
    if (!got) return `step ${i} missing`;
    const at = `step ${i} (${got.id})`;
    if (got.command !== want.command) return `${at}: command ${got.command} ≠ ${want.command}`;
    for (const [k, v] of Object.entries(want.args ?? {})) {
      if (JSON.stringify(got.args[k]) !== JSON.stringify(v)) return `${at}: ${k}=${JSON.stringify(got.args[k])} ≠ ${JSON.stringify(v)}`;
    }
    if (want.needs && JSON.stringify([...got.needs].sort()) !== JSON.stringify([...want.needs].sort())) return `${at}: needs [${got.needs.join(',')}] ≠ [${want.needs.join(',')}]`;
    if (want.if !== undefined && norm(got.if) !== norm(want.if)) return `${at}: if ${got.if} ≠ ${want.if}`;
    if (want.forEach !== undefined && JSON.stringify(got.forEach) !== JSON.stringify(want.forEach)) return `${at}: forEach ${JSON.stringify(got.forEach)} ≠ ${JSON.stringify(want.forEach)}`;
    if (want.until !== undefined && norm(got.until) !== norm(want.until)) return `${at}: until ${got.until} ≠ ${want.until}`;
    if (want.maxIterations !== undefined && got.maxIterations !== want.maxIterations) return `${at}: maxIterations ${got.maxIterations} ≠ ${want.maxIterations}`;
    if (want.retry !== undefined) {
      if (want.retry === null ? got.retry !== null : !got.retry || Object.entries(want.retry).some(([k, v]) => (got.retry as Record<string, unknown>)[k] !== v)) return `${at}: retry ${JSON.stringify(got.retry)} ≠ ${JSON.stringify(want.retry)}`;
    }
    if (want.else_of !== undefined && !r.steps.find((s) => s.id === want.else_of)?.else?.includes(got.id)) return `${at}: not the else branch of ${want.else_of}`;
  }
  return undefined;
}

describe('the planner on a labelled corpus of requests', () => {
  // With the built-in workflow templates too: their request phrases must not take over plain requests.
  const dir = mkdtempSync(join(tmpdir(), 'baton-corpus-'));
  const ctx = plannerContext(loadCommands(dir).commands, dir, loadTemplates(dir).templates);

  it(`plans at least 95% of ${corpus.length} requests as labelled, and reports each category`, () => {
    const byCategory = new Map<string, { ok: number; total: number; misses: string[] }>();
    for (const entry of corpus) {
      const result = planRequest(entry.request, ctx);
      const why = mismatch(entry, result);
      const c = byCategory.get(entry.category) ?? { ok: 0, total: 0, misses: [] };
      c.total++;
      if (why === undefined) c.ok++;
      else c.misses.push(`  "${entry.request}": ${why}`);
      byCategory.set(entry.category, c);
    }
    const lines = [...byCategory].map(([cat, c]) => `${cat.padEnd(12)} ${String(c.ok).padStart(3)}/${String(c.total).padEnd(3)} ${((100 * c.ok) / c.total).toFixed(0)}%`);
    const ok = [...byCategory.values()].reduce((n, c) => n + c.ok, 0);
    const accuracy = ok / corpus.length;
    const misses = [...byCategory.values()].flatMap((c) => c.misses);
    process.stdout.write(`planner accuracy ${(accuracy * 100).toFixed(1)}% (${ok}/${corpus.length})\n${lines.join('\n')}${misses.length ? `\nmisses:\n${misses.join('\n')}` : ''}\n`);
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
