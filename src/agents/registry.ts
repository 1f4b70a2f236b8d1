import type { Agent } from './agent.js';
import { analyze } from './analyze.js';
import { compare } from './compare.js';
import { deploy } from './deploy.js';
import { evaluate } from './evaluate.js';
import { features } from './features.js';
import { ingest } from './ingest.js';
import { monitor } from './monitor.js';
import { preprocess } from './preprocess.js';
import { report } from './report.js';
import { rollback } from './rollback.js';
import { shell } from './shell.js';
import { split } from './split.js';
import { train } from './train.js';
import { tune } from './tune.js';
import { validate } from './validate.js';

/** Every built-in step program, in pipeline order. */
export const AGENTS: readonly Agent[] = [ingest, analyze, validate, preprocess, features, split, train, tune, evaluate, compare, deploy, rollback, monitor, report, shell];

export function findAgent(name: string): Agent | undefined {
  return AGENTS.find((a) => a.name === name);
}
