import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { NotFoundError, ValidationError, errorMessage } from '../core/errors.js';
import type { Plan } from '../core/plan.js';
import { parsePlan } from '../core/planSchema.js';

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
  const stat = statSync(path);
  if (!stat.isFile()) throw new ValidationError(`${file} is not a file`);
  if (stat.size > MAX_PLAN_BYTES) throw new ValidationError(`${file} is ${stat.size} bytes; plans are limited to 5 MB`);
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    const first = errorMessage(e).split('\n')[0];
    throw new ValidationError(`${file}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}${where}: ${first}`, [], 'fix the syntax and run again');
  }
  const name = basename(path, extname(path));
  return { plan: parsePlan(raw, file, name), source: file, baseDir: dirname(path) };
}
