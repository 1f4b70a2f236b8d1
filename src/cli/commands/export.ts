import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotFoundError, ValidationError, errorMessage } from '../../core/errors.js';
import type { ResolvedPlan } from '../../core/planCheck.js';
import { argoYaml, toArgo, DEFAULT_IMAGE } from '../../export/argo.js';
import { dbPath } from '../../store/open.js';
import { RunRepository } from '../../store/runs.js';
import { loadProject, withStore, type Project } from '../context.js';
import { blocking, planFrom, questions } from '../request.js';
import { warnRegistry } from './run.js';
import type { Subcommand } from './types.js';

const FORMATS = ['argo'];
/** What `baton runs` shows: 8 hex digits, or a prefix of them. */
const RUN_ID = /^[0-9a-f]{4,8}$/;

interface Source {
  plan: ResolvedPlan;
  source: string;
}

/** A plan file, a template (with NAME=VALUE parameters), a stored run's plan, or a request. */
async function planToExport(args: string[], project: Project): Promise<Source> {
  const [word] = args;
  if (args.length === 1 && word !== undefined && RUN_ID.test(word) && !existsSync(resolve(word)) && !project.templates.templates.has(word)) {
    if (!existsSync(dbPath(project.dir))) throw new NotFoundError(`no run "${word}": this project has no runs yet`, 'give a plan file, a template name or a run id from `baton runs`');
    return withStore(project.dir, false, async (store) => {
      const runs = new RunRepository(store);
      const row = await runs.findRun(word);
      return { plan: (await runs.loadPlan(row.id)).plan, source: `run ${row.id}` };
    });
  }
  const planned = planFrom(args, project, process.cwd());
  if (planned.kind === 'request' && (blocking(planned.result) || !planned.plan)) {
    process.stderr.write(`${questions(planned.result)}\n`);
    throw new ValidationError('the request needs an answer before it can be exported', [], 'add what is asked to the request, or write a plan file');
  }
  return { plan: planned.plan as ResolvedPlan, source: planned.kind === 'request' ? `the request "${args.join(' ')}"` : planned.source };
}

export const exportCommand: Subcommand = {
  name: 'export',
  usage: 'baton export PLAN [--format argo] [-o FILE] [--image IMAGE]',
  summary: 'write a plan (file, template, run id or request) as an Argo Workflows manifest',
  async run(args, opts) {
    const flags = opts.export ?? {};
    const format = flags.format ?? 'argo';
    if (!FORMATS.includes(format)) throw new ValidationError(`unknown export format "${format}"`, [], `the formats are: ${FORMATS.join(', ')}`);
    if (args.length === 0) throw new ValidationError('baton export needs a plan', [], 'e.g. baton export examples/pipeline.yaml --format argo -o pipeline.argo.yaml');
    const image = flags.image ?? DEFAULT_IMAGE;
    if (image.trim() === '' || /\s/.test(image)) throw new ValidationError(`--image "${image}" is not an image reference`, [], 'e.g. --image ghcr.io/acme/baton:1.2');
    const project = loadProject(opts);
    warnRegistry(project);
    const { plan, source } = await planToExport(args, project);
    const { config, sources } = project.config;
    // A limit someone chose (config, BATON_PARALLEL, --parallel); not the one guessed from this machine.
    const chosen = sources.parallel !== 'default' && !sources.parallel.startsWith('machine');
    const exported = toArgo(plan, {
      image,
      ...(chosen ? { parallel: config.parallel } : {}),
      resources: config.resources,
      errorRules: config.errors,
      breakers: config.breaker.failures > 0,
      ...(config.defaultTimeoutMs !== null ? { defaultTimeoutMs: config.defaultTimeoutMs } : {}),
    });
    const text = opts.json ? `${JSON.stringify(exported.workflow, null, 2)}\n` : argoYaml(exported, source);
    if (flags.output === undefined || flags.output === '-') {
      process.stdout.write(text);
      for (const note of exported.notes) process.stderr.write(`${note}\n`);
      return 0;
    }
    try {
      writeFileSync(resolve(flags.output), text);
    } catch (e) {
      throw new ValidationError(`cannot write ${flags.output}: ${errorMessage(e).split('\n')[0] ?? ''}`, [], 'check that its folder exists and is writable');
    }
    for (const note of exported.notes) process.stderr.write(`${note}\n`);
    const tasks = plan.steps.filter((s) => s.scope === undefined).length;
    process.stdout.write(`wrote ${flags.output}: Argo Workflow for ${plan.name} (${tasks} task${tasks === 1 ? '' : 's'}${exported.notes.length ? `, ${exported.notes.length} note${exported.notes.length === 1 ? '' : 's'} above` : ''})\n`);
    return 0;
  },
};
