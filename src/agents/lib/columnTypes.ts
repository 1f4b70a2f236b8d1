import { MAX_LEVELS } from './encoding.js';
import { BadInputError } from './errors.js';
import { columnValues, type Cell, type Table } from './table.js';

/** What a column holds, as ingest infers it and validate checks it. */
export const COLUMN_TYPES = ['integer', 'number', 'boolean', 'date', 'category', 'text'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSchema {
  type: ColumnType;
  nullable: boolean;
}

/** A schema file as ingest writes it; validate reads the same shape. */
export interface SchemaFile {
  format: 'baton-schema/1';
  source: string;
  rows: number;
  columns: Record<string, ColumnSchema>;
}

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 't', 'f', 'y', 'n']);
// ISO dates with an optional time; slashes as people type them. Not bare numbers: 2024 is a number.
const DATE = /^\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function isBooleanCell(v: Cell): boolean {
  return v === 0 || v === 1 || (typeof v === 'string' && BOOLEAN_WORDS.has(v.trim().toLowerCase()));
}

export function isDateCell(v: Cell): boolean {
  return typeof v === 'string' && DATE.test(v.trim()) && !Number.isNaN(Date.parse(v.trim().replace(/\//g, '-')));
}

/** Whether one present value fits a declared type; category and text hold anything. */
export function fitsType(v: Cell, type: ColumnType): boolean {
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return isBooleanCell(v);
    case 'date':
      return isDateCell(v);
    case 'category':
    case 'text':
      return true;
  }
}

/**
 * The most specific type every present value fits. 0/1 columns (and JSON true/false, which the
 * table stores as 1/0) are boolean. Text is a category with few distinct values, by the same rule
 * train uses to one-hot encode it, so the two agree on which columns are categorical.
 */
export function inferType(values: readonly Cell[]): ColumnType {
  const present = values.filter((v): v is number | string => v !== null);
  if (present.length === 0) return 'text';
  if (present.every(isBooleanCell)) return 'boolean';
  if (present.every((v) => typeof v === 'number')) return present.every((v) => Number.isInteger(v)) ? 'integer' : 'number';
  if (present.every(isDateCell)) return 'date';
  const levels = new Set(present.map(String)).size;
  return levels <= MAX_LEVELS && levels <= Math.max(2, present.length / 2) ? 'category' : 'text';
}

export function inferSchema(table: Table): Record<string, ColumnSchema> {
  return Object.fromEntries(
    table.columns.map((name, i) => {
      const values = columnValues(table, i);
      return [name, { type: inferType(values), nullable: values.some((v) => v === null) }];
    }),
  );
}

const ALIASES: Record<string, ColumnType> = {
  int: 'integer',
  integer: 'integer',
  number: 'number',
  numeric: 'number',
  float: 'number',
  double: 'number',
  boolean: 'boolean',
  bool: 'boolean',
  date: 'date',
  datetime: 'date',
  timestamp: 'date',
  category: 'category',
  categorical: 'category',
  text: 'text',
  string: 'text',
  any: 'text',
};

/** A type name as people write it (numeric, string, bool, ...); `where` names the setting in the error. */
export function columnType(value: unknown, where: string): ColumnType {
  const t = ALIASES[String(value).trim().toLowerCase()];
  if (!t) throw new BadInputError(`${where} is "${String(value)}"; use one of ${COLUMN_TYPES.join(', ')}`);
  return t;
}
