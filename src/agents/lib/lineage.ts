import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StepContext } from './protocol.js';
import { artifactFile, insideOrRefuse } from './artifacts.js';

/** Where an artifact came from: enough to list a run's data files and check them against their sources. */
export interface LineageRecord {
  artifact: string;
  sha256: string;
  rows: number;
  columns: number;
  schema: string | null;
  produced_by: { run: string; step: string; attempt: number };
  inputs: LineageInput[];
  at: string;
}

export interface LineageInput {
  /** A file path, or `sample:<name>` for a built-in sample. */
  path: string;
  sha256: string;
  bytes: number;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function lineageInput(path: string, data: string | Buffer): LineageInput {
  return { path, sha256: sha256(data), bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length };
}

export function lineageRecord(ctx: StepContext, fields: Omit<LineageRecord, 'produced_by' | 'at'>): LineageRecord {
  return { ...fields, produced_by: { run: ctx.runId, step: ctx.stepId, attempt: ctx.attempt }, at: new Date().toISOString() };
}

/**
 * Writes `lineage.json` beside the artifact and appends the same record to the workspace's
 * `lineage.jsonl`. One appendFileSync of one line: steps running in parallel append whole lines.
 */
export function writeLineage(ctx: StepContext, record: LineageRecord): string {
  const path = artifactFile(ctx, 'lineage.json');
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  mkdirSync(ctx.workspace, { recursive: true });
  appendFileSync(insideOrRefuse(ctx.workspace, join(ctx.workspace, 'lineage.jsonl'), 'lineage.jsonl'), `${JSON.stringify(record)}\n`);
  return path;
}
