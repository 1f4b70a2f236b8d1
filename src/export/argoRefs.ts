import { parse, type ASTNode } from '@marcbachmann/cel-js';
import { errorMessage } from '../core/errors.js';

/**
 * What a Baton expression's names become in Argo: step outputs and status, params, vars (inlined),
 * forEach items and the run's name translate; the store, env, secrets, loop state do not, and
 * come back as an Untranslatable saying why.
 */
export interface ExprScope {
  /** The task a local step id is in this DAG, and whether it is a loop (its outputs are lists). */
  task(id: string): { name: string; loop: boolean } | undefined;
  /** `params.x` is `workflow.parameters.x` at the top and `inputs.parameters.x` in a nested DAG. */
  paramsRoot: 'workflow.parameters' | 'inputs.parameters';
  params: ReadonlySet<string>;
  vars: Readonly<Record<string, unknown>>;
  /** Inside a forEach: `item` is `{{item}}`. */
  inLoop: boolean;
}

export type Translated<T = string> = { ok: T } | { problem: string };

export class Untranslatable extends Error {}

/** Argo's status names for the ones a Baton condition can test. */
export const STATUS: Record<string, string> = { succeeded: 'Succeeded', failed: 'Failed', skipped: 'Skipped' };

export type Ref = { kind: 'tag'; tag: string } | { kind: 'status'; tag: string } | { kind: 'literal'; value: unknown };

export function ast(expression: string): ASTNode {
  try {
    return parse(expression).ast;
  } catch (e) {
    throw new Untranslatable(errorMessage(e).split('\n')[0] ?? 'does not parse');
  }
}

/** `steps.train.outputs["acc"]` as [steps, train, outputs, acc]; undefined when a part is computed. */
function pathOf(node: ASTNode): string[] | undefined {
  if (node.op === 'id') return [node.args];
  if (node.op === '.') {
    const base = pathOf(node.args[0]);
    return base && [...base, node.args[1]];
  }
  if (node.op === '[]') {
    const [target, index] = node.args;
    const base = pathOf(target);
    if (!base || index.op !== 'value' || (typeof index.args !== 'string' && typeof index.args !== 'bigint')) return undefined;
    return [...base, String(index.args)];
  }
  return undefined;
}

function walk(value: unknown, keys: string[]): unknown {
  let v = value;
  for (const k of keys) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) throw new Untranslatable(`reads ${keys.join('.')}, which is not set`);
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const ROOT_PROBLEMS: Record<string, string> = {
  store: 'reads a stored variable (store.*), which Argo does not have',
  env: "reads baton's environment (env.*)",
  secrets: 'reads a Baton secret; use a Kubernetes Secret in the container instead',
  index: "reads index, which Argo's withItems does not give",
  iteration: 'reads an until loop iteration',
  previous: "reads an until loop's previous outputs",
  outputs: "reads the step's own outputs",
  args: "reads the step's own args",
};

export function resolveRef(node: ASTNode, scope: ExprScope): Ref | undefined {
  const path = pathOf(node);
  if (!path) return undefined;
  const [root = '', ...rest] = path;
  if (root === 'steps') {
    const [id = '', field, name, ...more] = rest;
    const task = scope.task(id);
    if (!task) throw new Untranslatable(`reads step "${id}", which is not in this workflow`);
    if (field === 'status' && name === undefined) return { kind: 'status', tag: `tasks.${task.name}.status` };
    if (field !== 'outputs' || name === undefined || more.length > 0) throw new Untranslatable(`reads steps.${rest.join('.')}; only steps.<id>.outputs.<name> and steps.<id>.status translate`);
    if (task.loop && (name === 'items' || name === 'count')) throw new Untranslatable(`reads a forEach step's ${name}, which Argo does not aggregate`);
    return { kind: 'tag', tag: `tasks.${task.name}.outputs.parameters.${name.replace(/[^-A-Za-z0-9_]/g, '_')}` };
  }
  if (root === 'params') {
    const [name = '', ...more] = rest;
    if (!scope.params.has(name) || more.length > 0) throw new Untranslatable(`reads params.${rest.join('.')}`);
    return { kind: 'tag', tag: `${scope.paramsRoot}.${name}` };
  }
  if (root === 'vars') return { kind: 'literal', value: walk(scope.vars, rest) };
  if (root === 'item' && scope.inLoop && rest.length <= 1) return { kind: 'tag', tag: ['item', ...rest].join('.') };
  if (root === 'run' && rest.length === 1 && (rest[0] === 'id' || rest[0] === 'name')) return { kind: 'tag', tag: 'workflow.name' };
  throw new Untranslatable(ROOT_PROBLEMS[root] ?? `reads ${path.join('.')}`);
}

export function literalValue(node: ASTNode): unknown {
  if (node.op !== 'value') throw new Untranslatable('is not a plain reference or literal');
  const v = node.args;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new Untranslatable('uses a literal Argo has no form for');
}


/** Whether a function is called anywhere in it (`best(...).model` included). */
export function callsFunction(node: ASTNode): boolean {
  if (node.op === 'call' || node.op === 'rcall') return true;
  const args: unknown = node.args;
  const children = Array.isArray(args) ? args : [args];
  return children.some((c) => c !== null && typeof c === 'object' && 'op' in c && callsFunction(c as ASTNode));
}
