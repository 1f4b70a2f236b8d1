import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { columnType } from './columnTypes.js';
import { BadInputError } from './errors.js';
import { GATE_KEYS, emptySpec, readGate, type GateKey, type GateSpec } from './gateSpec.js';
import type { Args } from './protocol.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isGateKey = (k: string): k is GateKey => (GATE_KEYS as readonly string[]).includes(k);
const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

// Keys a schema may carry that describe it rather than gate the data (ingest writes the first three).
const DESCRIPTIVE = new Set(['format', 'source', 'rows', 'name', 'title', 'description', 'version', '$schema']);

export function specFromArgs(args: Args): GateSpec {
  const spec = emptySpec();
  for (const key of GATE_KEYS) if (given(args[key])) readGate(spec, key, args[key], `argument ${key}`);
  return spec;
}

/**
 * `columns`: a list of required names, or name → type, or name → { type, nullable, min, max,
 * allowed, max_missing, outliers } as ingest's schema.json has them. Every column named is required.
 */
function readColumns(spec: GateSpec, value: unknown, where: string): void {
  if (Array.isArray(value)) {
    readGate(spec, 'required', value, where);
    return;
  }
  if (!isObj(value)) throw new BadInputError(`${where} must list columns, as [a, b] or { a: integer, b: category }`);
  for (const [name, entry] of Object.entries(value)) {
    spec.required.push(name);
    const at = `${where}.${name}`;
    if (entry === null || entry === undefined) continue;
    if (!isObj(entry)) {
      spec.types[name] = columnType(entry, at);
      continue;
    }
    if (given(entry.type)) spec.types[name] = columnType(entry.type, `${at}.type`);
    if (entry.nullable === false) spec.max_missing.columns[name] = 0;
    if (given(entry.min) || given(entry.max)) readGate(spec, 'ranges', { [name]: { min: entry.min, max: entry.max } }, where);
    if (given(entry.allowed)) readGate(spec, 'allowed', { [name]: entry.allowed }, where);
    if (given(entry.max_missing)) readGate(spec, 'max_missing', { [name]: entry.max_missing }, where);
    if (given(entry.outliers)) readGate(spec, 'outliers', { [name]: entry.outliers }, where);
  }
}

/**
 * A schema file: the same keys as the arguments, plus `columns`; or, as older files have it, a
 * bare list of required columns or a bare { column: type } mapping.
 */
export function readSchemaFile(path: string): GateSpec {
  if (!existsSync(path) || statSync(path).isDirectory()) throw new BadInputError(`schema not found: ${path}; give a JSON or YAML file of gates (required, types, ranges, ...)`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch {
    throw new BadInputError(`schema ${path} is not valid JSON or YAML`);
  }
  const where = (key: string): string => `schema ${basename(path)}: ${key}`;
  const spec = emptySpec();
  if (Array.isArray(data)) {
    readColumns(spec, data, where('columns'));
    return spec;
  }
  if (!isObj(data)) throw new BadInputError(`schema ${path} must be a mapping of gates (required, types, ranges, ...) or a list of required columns`);
  const keys = Object.keys(data);
  // Older files map columns to type names straight away; a number here is a misspelt gate instead.
  const typeMap = Object.values(data).every((v) => typeof v === 'string' || (isObj(v) && 'type' in v));
  if (typeMap && !keys.some((k) => isGateKey(k) || k === 'columns' || DESCRIPTIVE.has(k))) {
    readColumns(spec, data, where('columns'));
    return spec;
  }
  const unknown = keys.filter((k) => !isGateKey(k) && k !== 'columns' && !DESCRIPTIVE.has(k));
  if (unknown.length) throw new BadInputError(`schema ${path} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; it takes columns, ${GATE_KEYS.join(', ')}`);
  if (given(data.columns)) readColumns(spec, data.columns, where('columns'));
  for (const key of GATE_KEYS) if (given(data[key])) readGate(spec, key, data[key], where(key));
  return spec;
}
