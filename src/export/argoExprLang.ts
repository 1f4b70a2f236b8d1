import type { ASTNode } from '@marcbachmann/cel-js';
import { STATUS, Untranslatable, callsFunction, literalValue, resolveRef, type ExprScope } from './argoRefs.js';

/**
 * A computed argument (`a >= b ? x : y`, `rows * 2`) as an Argo expression tag, `{{=...}}`, which
 * Argo evaluates with expr-lang. Parameters are text there, so numbers go through asFloat() and
 * a boolean output is compared with "true".
 */
type Kind = 'string' | 'number' | 'bool' | 'null' | 'text';
interface Rendered {
  text: string;
  /** `text`: a parameter, which is a string holding whatever the step wrote. */
  kind: Kind;
}

const ORDERING = new Set(['<', '<=', '>', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);

/** `tasks.tune-forest.outputs.parameters.best` → `tasks['tune-forest'].outputs.parameters.best`. */
function access(tag: string): string {
  const [root = '', ...parts] = tag.split('.');
  return root + parts.map((p) => (/^[A-Za-z_]\w*$/.test(p) ? `.${p}` : `['${p}']`)).join('');
}

function literal(value: unknown): Rendered {
  if (value === null) return { text: 'nil', kind: 'null' };
  if (typeof value === 'number') return { text: String(value), kind: 'number' };
  if (typeof value === 'boolean') return { text: String(value), kind: 'bool' };
  if (typeof value === 'string') return { text: JSON.stringify(value), kind: 'string' };
  throw new Untranslatable(`uses ${JSON.stringify(value)}, which an Argo expression cannot hold`);
}

function numeric(r: Rendered): string {
  if (r.kind === 'text') return `asFloat(${r.text})`;
  if (r.kind !== 'number') throw new Untranslatable('does arithmetic or ordering on a value that is not a number');
  return r.text;
}

function truth(r: Rendered): string {
  if (r.kind === 'bool') return r.text;
  if (r.kind === 'text') return `${r.text} == "true"`;
  throw new Untranslatable('uses a value that is not true or false as a condition');
}

function render(node: ASTNode, scope: ExprScope): Rendered {
  const ref = resolveRef(node, scope);
  if (ref) {
    if (ref.kind === 'literal') return literal(ref.value);
    if (ref.tag.startsWith('item')) throw new Untranslatable('computes with item, which an Argo expression does not see');
    return { text: access(ref.tag), kind: 'text' };
  }
  switch (node.op) {
    case 'value':
      return literal(literalValue(node));
    case '?:': {
      const [c, a, b] = node.args;
      const yes = render(a, scope);
      const no = render(b, scope);
      return { text: `(${truth(render(c, scope))} ? ${yes.text} : ${no.text})`, kind: yes.kind === no.kind ? yes.kind : 'text' };
    }
    case '&&':
    case '||':
      return { text: `(${truth(render(node.args[0], scope))} ${node.op} ${truth(render(node.args[1], scope))})`, kind: 'bool' };
    case '!_':
      return { text: `!(${truth(render(node.args, scope))})`, kind: 'bool' };
    case '-_':
      return { text: `-(${numeric(render(node.args, scope))})`, kind: 'number' };
    case 'in': {
      const [l, r] = node.args;
      if (r.op !== 'list') throw new Untranslatable('tests membership in something other than a literal list');
      return { text: `(${render(l, scope).text} in [${r.args.map((item) => render(item, scope).text).join(', ')}])`, kind: 'bool' };
    }
    default:
      return operator(node, scope);
  }
}

function operator(node: ASTNode, scope: ExprScope): Rendered {
  if (callsFunction(node)) throw new Untranslatable('calls a function');
  if (!ORDERING.has(node.op) && !ARITHMETIC.has(node.op) && node.op !== '==' && node.op !== '!=') throw new Untranslatable(`uses ${node.op}, which the export does not translate`);
  const [l, r] = node.args as [ASTNode, ASTNode];
  const a = render(l, scope);
  const b = render(r, scope);
  if (ARITHMETIC.has(node.op)) {
    if (node.op === '+' && (a.kind === 'string' || b.kind === 'string')) return { text: `(${a.text} + ${b.text})`, kind: 'string' };
    return { text: `(${numeric(a)} ${node.op} ${numeric(b)})`, kind: 'number' };
  }
  if (ORDERING.has(node.op) || a.kind === 'number' || b.kind === 'number') return { text: `(${numeric(a)} ${node.op} ${numeric(b)})`, kind: 'bool' };
  // Text against true/false: a parameter holds "true" or "false".
  const side = (x: Rendered, other: Rendered) => (x.kind === 'bool' && other.kind === 'text' ? `"${x.text}"` : statusName(x, other));
  return { text: `(${side(a, b)} ${node.op} ${side(b, a)})`, kind: 'bool' };
}

/** `steps.x.status == "failed"`: Argo's task status is `Failed`. */
function statusName(x: Rendered, other: Rendered): string {
  if (x.kind !== 'string' || !other.text.endsWith('.status')) return x.text;
  const name = STATUS[JSON.parse(x.text) as string];
  if (name === undefined) throw new Untranslatable(`tests status ${x.text}, which Argo's task status does not have`);
  return JSON.stringify(name);
}

export function exprTag(node: ASTNode, scope: ExprScope): string {
  return `{{=${render(node, scope).text}}}`;
}
