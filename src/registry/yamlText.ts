import { Parser, YAMLError, isNode, isScalar, parseDocument, visit, type CST, type Document } from 'yaml';
import { errorMessage } from '../core/errors.js';
import { MAX_DEPTH } from '../core/plainData.js';

/**
 * YAML from outside (plans, templates, command files), parsed without letting a hostile file
 * crash Baton: the yaml package composes documents recursively, and runs out of stack on
 * collections nested about a thousand deep (`[[[[...`), so the depth is measured on its
 * concrete syntax tree first, which it builds without recursion. Its check for duplicate keys
 * compares every key of a mapping with every other (3.6 s for 20,000 keys, hours for a 5 MB
 * file), so Baton makes that check itself, with a set.
 */
export type YamlText = { value: unknown } | { problem: string };

/** Deeper than any value Baton accepts (see core/plainData.ts), yet far from the parser's own limit. */
const MAX_YAML_DEPTH = MAX_DEPTH + 2;

export function readYaml(text: string): YamlText {
  const deep = tooDeepAt(text);
  if (deep !== undefined) return { problem: `nested more than ${MAX_DEPTH} levels deep at line ${lineOf(text, deep)}` };
  try {
    // logLevel: yaml reports through process warnings (on stderr) what it would rather not refuse.
    const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
    // A warning (an unknown tag or directive) is refused too: yaml would print it to stderr and go on.
    const first = doc.errors[0] ?? doc.warnings[0];
    if (first) return { problem: yamlProblem(first) };
    const key = keyProblem(doc);
    if (key) return { problem: `not valid YAML at ${position(text, key.at)}: ${key.problem}` };
    return { value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (e) {
    return { problem: yamlProblem(e) };
  }
}

function yamlProblem(e: unknown): string {
  const where = e instanceof YAMLError && e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
  // yaml's messages repeat the position and go on with an excerpt of the file on the lines after the first.
  const message = (errorMessage(e).split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  return `not valid YAML${where}: ${message}`;
}

/** The offset of the first collection nested deeper than the bound, or undefined. */
function tooDeepAt(text: string): number | undefined {
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document' || !token.value) continue;
    const stack: [CST.Token, number][] = [[token.value, 0]];
    for (let top = stack.pop(); top; top = stack.pop()) {
      const [node, depth] = top;
      if (node.type !== 'block-map' && node.type !== 'block-seq' && node.type !== 'flow-collection') continue;
      if (depth + 1 > MAX_YAML_DEPTH) return node.offset;
      for (const item of node.items) {
        if ('key' in item && item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * The first key that is repeated within its mapping, or is itself a list or mapping, or undefined.
 * Keys are compared as the object Baton reads has them, so `1` and `"1"` are the same key.
 */
function keyProblem(doc: Document): { at: number; problem: string } | undefined {
  let found: { at: number; problem: string } | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        const at = (isNode(key) ? key.range?.[0] : map.range?.[0]) ?? 0;
        if (key !== null && !isScalar(key)) found = { at, problem: 'a key must be plain text, not a list, a mapping or an alias' };
        else {
          const id = keyText(key?.value);
          if (seen.has(id)) found = { at, problem: 'Map keys must be unique' };
          seen.add(id);
        }
        if (found) return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** A scalar key as the object's own key: null is "", a timestamp its ISO text. */
function keyText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function position(text: string, offset: number): string {
  return `line ${lineOf(text, offset)}, column ${offset - text.lastIndexOf('\n', offset - 1)}`;
}
