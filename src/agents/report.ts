import { existsSync, lstatSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Agent } from './agent.js';
import { absolute, list, obj, oneOf, str } from './lib/args.js';
import { BadInputError } from './lib/errors.js';
import type { Args, StepContext } from './lib/protocol.js';
import { readConfusion, readDriftReport, readTrialHistory, type DriftReport, type TrialHistory } from './lib/reportArtifacts.js';
import { artifactPaths, givenSteps, metricsTable, predictionPaths, walk, workspaceSteps, type StepInfo } from './lib/reportData.js';
import { renderHtml, renderMarkdown, type ReportModel } from './lib/reportRender.js';
import { artifactFile } from './lib/artifacts.js';

/** Paths given as one path or a list; each must be a file. */
function givenFiles(args: Args, name: string, ctx: StepContext): string[] {
  return list(args, name, []).map((p) => {
    const path = absolute(p, ctx.planDir);
    if (!existsSync(path) || !statSync(path).isFile()) throw new BadInputError(`${name} not found: ${path}; give the file a step wrote (such as tune's history or monitor's report)`);
    return path;
  });
}

/** The workspace's view of each step, completed by `steps` given as an argument for what it lacks. */
function mergeSteps(fromWorkspace: StepInfo[], given: StepInfo[]): StepInfo[] {
  const byId = new Map(fromWorkspace.map((s) => [s.id, s]));
  for (const g of given) {
    const seen = byId.get(g.id);
    if (!seen) byId.set(g.id, g);
    else if (Object.keys(seen.outputs).length === 0) seen.outputs = g.outputs;
  }
  return [...byId.values()];
}

function inputRows(value: Record<string, unknown> | undefined): [string, string][] {
  return Object.entries(value ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

/** A Markdown and a self-contained HTML report of the run: steps, metrics, tuning history and drift charts. */
export const report: Agent = {
  name: 'report',
  summary: 'write a Markdown and an HTML report of the run with metrics tables and charts',
  run(args, ctx) {
    const title = str(args, 'title', 'Run report');
    const format = oneOf(args, 'format', ['markdown', 'html'] as const, 'markdown');
    const steps = mergeSteps(workspaceSteps(ctx.workspace, ctx.stepId), givenSteps(obj(args, 'steps')));

    const histories: TrialHistory[] = [];
    const drifts: DriftReport[] = [];
    for (const path of givenFiles(args, 'history', ctx)) {
      const h = readTrialHistory(path);
      if (!h) throw new BadInputError(`history ${path} holds no trials; give tune's history CSV or its results JSON`);
      histories.push(h);
    }
    for (const path of givenFiles(args, 'drift', ctx)) {
      const d = readDriftReport(path);
      if (!d) throw new BadInputError(`drift ${path} holds no per-feature drift; give monitor's report JSON`);
      drifts.push(d);
    }
    const seen = new Set([...list(args, 'history', []), ...list(args, 'drift', [])].map((p) => resolve(absolute(p, ctx.planDir))));
    // Files from `files` and from step outputs are charted when they have a known shape, skipped otherwise.
    for (const path of [...givenFiles(args, 'files', ctx), ...artifactPaths(steps)]) {
      if (seen.has(path)) continue;
      seen.add(path);
      const d = readDriftReport(path);
      const h = d ? undefined : readTrialHistory(path);
      if (d) drifts.push(d);
      else if (h) histories.push(h);
    }
    const confusions = predictionPaths(steps).flatMap(({ step, path }) => {
      const c = readConfusion(path);
      return c ? [{ ...c, step }] : [];
    });

    const own = ctx.artifactsDir();
    const artifacts = walk(join(ctx.workspace, 'artifacts'))
      .filter((f) => !f.startsWith(own + sep))
      // lstat: a link a step left there is listed as itself, dangling or not.
      .map((f) => ({ file: relative(ctx.workspace, f), bytes: lstatSync(f).size }));
    const model: ReportModel = {
      title,
      runId: ctx.runId,
      generatedAt: new Date().toISOString(),
      steps,
      inputs: inputRows(obj(args, 'inputs')),
      metrics: metricsTable(obj(args, 'metrics'), steps),
      histories,
      drifts,
      confusions,
      artifacts,
    };
    const path = artifactFile(ctx, 'report.md');
    const html = artifactFile(ctx, 'report.html');
    writeFileSync(path, renderMarkdown(model));
    writeFileSync(html, renderHtml(model));
    const charts = histories.length + drifts.length;
    console.log(`report of ${steps.length} steps, ${model.metrics.rows.length} metric rows, ${charts} chart(s) and ${artifacts.length} artifacts: ${format === 'html' ? html : path}`);
    return { path, html, steps: steps.length, artifacts: artifacts.length, charts };
  },
};
