/**
 * Baton's CEL, translated to what Argo evaluates: in argument values a `{{...}}` tag for a
 * reference, or an expression tag `{{=...}}` for a computed value; in `when` the govaluate subset
 * (comparisons, &&, ||, !, arithmetic) over tags and literals. Function calls and the names Argo
 * lacks come back as a problem to report.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { stringify, templateExpressions } from '../core/expressions.js';
import { exprTag } from './argoExprLang.js';
import { STATUS, Untranslatable, ast, callsFunction, literalValue, resolveRef, type ExprScope, type Translated } from './argoRefs.js';

export type { ExprScope, Translated } from './argoRefs.js';

function attempt<T>(expression: string, fn: () => T): Translated<T> {
  try {
    return { ok: fn() };
  } catch (e) {
    if (e instanceof Untranslatable) return { problem: `"${expression}" ${e.message}` };
    throw e;
  }
}

/** One `${{ }}` as an argument's text: an Argo tag, or the literal it stands for. */
function valueText(expression: string, scope: ExprScope): string {
  const node = ast(expression);
  const ref = resolveRef(node, scope);
  if (!ref) return node.op === 'value' ? stringify(literalValue(node)) : exprTag(node, scope);
  return ref.kind === 'literal' ? stringify(ref.value) : `{{${ref.tag}}}`;
}

/**
 * What stands in for an expression that does not translate: plain text to Argo (a `{{` left in
 * would stop the whole manifest at submission), and refused by `baton step` when the task runs.
 */
export const NOT_EXPRESSIBLE = '<not expressible in Argo: ';

/** A string with `${{ }}` in it, as Argo text: every expression a tag, its literal, or the marker. */
export function argoText(text: string, scope: ExprScope, problems: string[]): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => {
    const expression = inner.trim();
    const part = attempt(expression, () => valueText(expression, scope));
    if ('ok' in part) return part.ok;
    problems.push(part.problem);
    return `${NOT_EXPRESSIBLE}${expression.replace(/[{}]/g, '')}>`;
  });
}

/** A value with `${{ }}` anywhere in it (args, items), strings translated in place. */
export function argoDeep(value: unknown, scope: ExprScope, problems: string[]): unknown {
  if (typeof value === 'string') return argoText(value, scope, problems);
  if (Array.isArray(value)) return value.map((v) => argoDeep(v, scope, problems));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, argoDeep(v, scope, problems)]));
  return value;
}

/** A forEach's items: a literal list (withItems) or a list another step or a parameter gives (withParam). */
export function argoItems(forEach: unknown[] | string, scope: ExprScope): Translated<{ items: unknown[] } | { param: string }> {
  if (Array.isArray(forEach)) {
    const problems: string[] = [];
    const items = forEach.map((v) => argoDeep(v, scope, problems));
    return problems[0] !== undefined ? { problem: problems[0] } : { ok: { items } };
  }
  const expression = (templateExpressions(forEach)[0] ?? '').trim();
  return attempt(expression, () => {
    const ref = resolveRef(ast(expression), scope);
    if (!ref || ref.kind === 'status') throw new Untranslatable('does not name a list (a step output, a parameter or a var)');
    if (ref.kind === 'tag') return { param: `{{${ref.tag}}}` };
    if (!Array.isArray(ref.value)) throw new Untranslatable('is not a list');
    return { items: ref.value };
  });
}

type Operand = { text: string; kind: 'string' | 'number' | 'bool' | 'status' | 'unknown' };

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);

function quoted(text: string): string {
  if (/["\\]/.test(text)) throw new Untranslatable('compares with text holding a quote or backslash');
  return `"${text}"`;
}

function literalOperand(value: unknown): Operand {
  if (typeof value === 'number') return { text: String(value), kind: 'number' };
  if (typeof value === 'boolean') return { text: String(value), kind: 'bool' };
  if (typeof value === 'string') return { text: value, kind: 'string' };
  throw new Untranslatable(`compares with ${JSON.stringify(value)}`);
}

function operand(node: ASTNode, scope: ExprScope): Operand {
  const ref = resolveRef(node, scope);
  if (ref) return ref.kind === 'literal' ? literalOperand(ref.value) : { text: `{{${ref.tag}}}`, kind: ref.kind === 'status' ? 'status' : 'unknown' };
  if (node.op === 'value') return literalOperand(literalValue(node));
  if (node.op === '-_') return { text: `-${operand(node.args, scope).text}`, kind: 'number' };
  if (ARITHMETIC.has(node.op)) {
    const [l, r] = node.args as [ASTNode, ASTNode];
    const a = operand(l, scope);
    const b = operand(r, scope);
    if ([a, b].some((o) => o.kind === 'string' || o.kind === 'status' || o.kind === 'bool')) throw new Untranslatable('does arithmetic on text');
    return { text: `(${a.text} ${node.op} ${b.text})`, kind: 'number' };
  }
  throw new Untranslatable(callsFunction(node) ? 'calls a function' : node.op === '?:' ? 'is a conditional' : `uses ${node.op}, which govaluate lacks`);
}

function side(o: Operand, textual: boolean, other: Operand): string {
  if (o.kind === 'string') return quoted(other.kind === 'status' ? (STATUS[o.text] ?? untranslatedStatus(o.text)) : o.text);
  if (textual && (o.kind === 'unknown' || o.kind === 'status')) return `"${o.text}"`;
  return o.text;
}

function untranslatedStatus(status: string): never {
  throw new Untranslatable(`tests status "${status}", which Argo's task status does not have`);
}

function comparison(op: string, l: Operand, r: Operand): string {
  if ((l.kind === 'status' || r.kind === 'status') && (l.kind === 'number' || l.kind === 'bool' || r.kind === 'number' || r.kind === 'bool')) throw new Untranslatable('compares a status with a non-text value');
  const textual = [l, r].some((o) => o.kind === 'string' || o.kind === 'status');
  return `${side(l, textual, r)} ${op} ${side(r, textual, l)}`;
}

function condition(node: ASTNode, scope: ExprScope): string {
  switch (node.op) {
    case '&&':
    case '||': {
      const wrap = (child: ASTNode) => {
        const text = condition(child, scope);
        return (child.op === '&&' || child.op === '||') && child.op !== node.op ? `(${text})` : text;
      };
      return `${wrap(node.args[0])} ${node.op} ${wrap(node.args[1])}`;
    }
    case '!_':
      return `!(${condition(node.args, scope)})`;
    case 'value':
      if (typeof node.args === 'boolean') return String(node.args);
      throw new Untranslatable('is not a condition');
    case 'in': {
      const [l, r] = node.args;
      if (r.op !== 'list' || r.args.length === 0) throw new Untranslatable('tests membership in something other than a literal list');
      const left = operand(l, scope);
      const parts = r.args.map((item) => comparison('==', left, operand(item, scope)));
      return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' || ')})`;
    }
    default:
      if (COMPARE.has(node.op)) {
        const [l, r] = node.args as [ASTNode, ASTNode];
        return comparison(node.op, operand(l, scope), operand(r, scope));
      }
      // A bare reference is a boolean output (`steps.check.outputs.ok`).
      if (resolveRef(node, scope)) return comparison('==', operand(node, scope), { text: 'true', kind: 'bool' });
      throw new Untranslatable(callsFunction(node) ? 'calls a function' : node.op === '?:' ? 'is a conditional' : `uses ${node.op}, which govaluate lacks`);
  }
}

/** An `if:` as Argo's `when`. */
export function argoCondition(expression: string, scope: ExprScope): Translated {
  return attempt(expression, () => condition(ast(expression), scope));
}
