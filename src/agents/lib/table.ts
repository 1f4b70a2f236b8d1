import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { BadInputError } from './errors.js';

export type Cell = number | string | null;

/** A dataset in memory: a header and rows of parsed cells (null = missing). */
export interface Table {
  columns: string[];
  rows: Cell[][];
}

export type Format = 'csv' | 'json' | 'jsonl';
export const FORMATS: readonly Format[] = ['csv', 'json', 'jsonl'];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function parseCell(text: string): Cell {
  const t = text.trim();
  if (t === '') return null;
  return NUMBER.test(t) ? Number(t) : t;
}

/** Splits CSV text into records of raw fields; handles quotes, doubled quotes and CRLF. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  const endField = (): void => {
    record.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else field += c;
  }
  if (field !== '' || record.length > 0) endRecord();
  return records.filter((r) => r.some((f) => f.trim() !== ''));
}

export function parseCsv(text: string, source = 'the CSV'): Table {
  const records = csvRecords(text.replace(/^\uFEFF/, ''));
  const header = records[0];
  if (!header) throw new BadInputError(`${source} is empty; it needs a header row and data rows`);
  const columns = header.map((h, i) => h.trim() || `column_${i + 1}`);
  const rows = records.slice(1).map((r, i) => {
    if (r.length > columns.length) {
      throw new BadInputError(`${source} line ${i + 2} has ${r.length} fields but the header has ${columns.length}`);
    }
    return columns.map((_, j) => parseCell(r[j] ?? ''));
  });
  return { columns, rows };
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return parseCell(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return JSON.stringify(v);
}

/** Records (objects) to a table; columns in first-seen order. */
export function fromRecords(records: unknown[], source: string): Table {
  const columns: string[] = [];
  const seen = new Set<string>();
  const objects = records.map((r, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new BadInputError(`${source}: record ${i + 1} is not an object`);
    for (const key of Object.keys(r)) {
      if (seen.has(key)) continue;
      seen.add(key);
      columns.push(key);
    }
    return r as Record<string, unknown>;
  });
  return { columns, rows: objects.map((o) => columns.map((c) => toCell(o[c]))) };
}

export function parseJson(text: string, source: string): Table {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BadInputError(`${source} is not valid JSON; give an array of objects (or use format jsonl)`);
  }
  if (!Array.isArray(data)) throw new BadInputError(`${source} must hold a JSON array of objects, one per row`);
  return fromRecords(data, source);
}

export function parseJsonl(text: string, source: string): Table {
  const records = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line !== '')
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new BadInputError(`${source} line ${n} is not valid JSON`);
      }
    });
  return fromRecords(records, source);
}

export function formatOf(path: string): Format | undefined {
  const ext = extname(path).slice(1).toLowerCase();
  if (ext === 'ndjson') return 'jsonl';
  return (FORMATS as readonly string[]).includes(ext) ? (ext as Format) : undefined;
}

export function parseTable(text: string, format: Format, source: string): Table {
  if (format === 'json') return parseJson(text, source);
  if (format === 'jsonl') return parseJsonl(text, source);
  return parseCsv(text, source);
}

export function readTable(path: string, format: Format = formatOf(path) ?? 'csv'): Table {
  return parseTable(readFileSync(path, 'utf8'), format, path);
}

function csvField(c: Cell): string {
  if (c === null) return '';
  const s = String(c);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: Table): string {
  const lines = [table.columns.map(csvField).join(','), ...table.rows.map((r) => r.map(csvField).join(','))];
  return `${lines.join('\n')}\n`;
}

export function writeCsv(path: string, table: Table): string {
  const text = toCsv(table);
  writeFileSync(path, text);
  return text;
}

/** Columns whose present values are all numbers (and that have at least one). */
export function isNumericColumn(table: Table, index: number): boolean {
  let any = false;
  for (const row of table.rows) {
    const v = row[index];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number') return false;
    any = true;
  }
  return any;
}

export function columnValues(table: Table, index: number): Cell[] {
  return table.rows.map((r) => r[index] ?? null);
}

export function missingFraction(table: Table): number {
  const cells = table.rows.length * table.columns.length;
  if (cells === 0) return 0;
  let missing = 0;
  for (const r of table.rows) for (const c of r) if (c === null) missing++;
  return missing / cells;
}
