import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { NotFoundError, ValidationError, errorMessage } from '../core/errors.js';
import type { Plan } from '../core/plan.js';
import { parsePlan } from '../core/planSchema.js';
import { readYaml } from '../registry/yamlText.js';

const MAX_PLAN_BYTES = 5 * 1024 * 1024;

export interface LoadedPlanFile {
  plan: Plan;
  source: string;
  baseDir: string;
}

/** Reads a YAML or JSON plan file; every failure is a one-line ValidationError naming the file. */
export function loadPlanFile(file: string, cwd: string): LoadedPlanFile {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new NotFoundError(`no plan file ${file}`, 'give the path of a YAML or JSON plan, e.g. examples/pipeline.yaml');
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new ValidationError(`${file} is not a file`);
    if (stat.size > MAX_PLAN_BYTES) throw new ValidationError(`${file} is ${stat.size} bytes; plans are limited to 5 MB`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(`cannot read ${file}: ${errorMessage(e).split('\n')[0] ?? ''}`, [], 'check the file and its permissions');
  }
  const raw = extname(path) === '.json' ? readJson(text) : readYaml(text);
  if ('problem' in raw) throw new ValidationError(`${file}: ${raw.problem}`, [], 'fix the syntax and run again');
  const name = basename(path, extname(path));
  return { plan: parsePlan(raw.value, file, name), source: file, baseDir: dirname(path) };
}

function readJson(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (e) {
    return { problem: `not valid JSON: ${errorMessage(e).split('\n')[0] ?? ''}` };
  }
}
