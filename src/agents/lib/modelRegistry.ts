import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { insideOrRefuse } from './artifacts.js';
import { BadInputError } from './errors.js';

/**
 * The local model registry: `<project>/.baton/registry/<env>/` holds one folder per version,
 * `v<N>/` (the model file and `manifest.json`), `current` naming the version that serves
 * traffic, `stage.json` (a canary in flight, blue-green colours) and `history.jsonl`, one line
 * per event. `current` and the `v<N>` folders are the stable part that other steps read.
 */
export function envDir(projectDir: string, env: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(env)) throw new BadInputError(`env "${env}" is not a stage name; use letters, digits, - and _ (such as staging or production)`);
  return join(projectDir, '.baton', 'registry', env);
}

/** A stage's folder for deploy and rollback to write in: refused when a link takes it out of the project's `.baton/`. */
export function writableEnvDir(projectDir: string, env: string): string {
  return insideOrRefuse(join(projectDir, '.baton'), envDir(projectDir, env), `the ${env} registry`);
}

export function versions(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^v\d+$/.test(d.name))
    .map((d) => Number(d.name.slice(1)))
    .sort((a, b) => a - b);
}

export function currentVersion(dir: string): number | undefined {
  const file = join(dir, 'current');
  if (!existsSync(file)) return undefined;
  const n = Number(readFileSync(file, 'utf8').trim().replace(/^v/, ''));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function setCurrent(dir: string, version: number, event: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, 'current'), `${version}\n`);
  appendHistory(dir, { version, ...event });
}

/** "v3", "3" or 3 → 3. */
export function parseVersion(text: string): number | undefined {
  const n = Number(text.trim().replace(/^v/i, ''));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Readers never see half a file: write beside it, then rename over it. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  // Created afresh (wx), never written through a link left at that name; the rename replaces a link at `path` itself.
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { flag: 'wx' });
  renameSync(tmp, path);
}

export interface HistoryEvent {
  at: string;
  action: string;
  version?: number;
  [key: string]: unknown;
}

export function appendHistory(dir: string, event: Omit<HistoryEvent, 'at'>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(insideOrRefuse(dir, join(dir, 'history.jsonl'), 'the registry history'), `${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`, { flag: 'a' });
}

export function readHistory(dir: string): HistoryEvent[] {
  const file = join(dir, 'history.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as HistoryEvent];
      } catch {
        return [];
      }
    });
}

/** Where a version stands; versions that failed a gate or were rolled away from are not restored by default. */
export type VersionStatus = 'candidate' | 'live' | 'retired' | 'rejected' | 'rolled-back';

export interface Manifest {
  version: number;
  env: string;
  /** The model file's name inside the version folder. */
  file: string;
  /** Its full path when deployed; `file` is what counts if the project moved. */
  path: string;
  /** Where the model was copied from. */
  source: string;
  sha256: string;
  metrics: Record<string, number>;
  /** The data the model was trained on, as its model file records it (a sample name or a path). */
  dataset: string | null;
  strategy: string;
  percent: number;
  previous: number | null;
  run: string;
  step: string;
  deployedAt: string;
  status: VersionStatus;
  [key: string]: unknown;
}

export function versionDir(dir: string, version: number): string {
  return join(dir, `v${version}`);
}

/** The model file of a version; versions written before manifests named their file hold just that one file. */
export function modelPath(dir: string, version: number): string {
  const vdir = versionDir(dir, version);
  const file = readManifest(dir, version)?.file ?? (existsSync(vdir) ? readdirSync(vdir).find((f) => f !== 'manifest.json') : undefined);
  return join(vdir, file ?? 'model.json');
}

export function readManifest(dir: string, version: number): Manifest | undefined {
  const file = join(versionDir(dir, version), 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeAtomic(join(versionDir(dir, manifest.version), 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function setStatus(dir: string, version: number, status: VersionStatus): void {
  const m = readManifest(dir, version);
  if (m) writeManifest(dir, { ...m, status });
}

/** Claims the next version folder; mkdir fails on a taken number, so two deploys never share one. */
export function allocateVersion(dir: string): number {
  mkdirSync(dir, { recursive: true });
  for (let v = (versions(dir).at(-1) ?? 0) + 1; ; v++) {
    try {
      mkdirSync(versionDir(dir, v));
      return v;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

export type Color = 'blue' | 'green';

/** What serves a stage beyond `current`: a canary's share of traffic, and the blue-green colours. */
export interface StageState {
  candidate: { version: number; percent: number } | null;
  colors: { blue: number | null; green: number | null; live: Color } | null;
}

export function readStage(dir: string): StageState {
  const file = join(dir, 'stage.json');
  const empty: StageState = { candidate: null, colors: null };
  if (!existsSync(file)) return empty;
  try {
    return { ...empty, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<StageState>) };
  } catch {
    return empty;
  }
}

export function writeStage(dir: string, state: StageState): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, 'stage.json'), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Makes `version` serve all of the stage: `current`, its manifest's status, the colours (the colour
 * holding it goes live, or the live colour takes it) and the history line, in that order.
 */
export function promote(dir: string, version: number, event: Record<string, unknown>): void {
  const before = currentVersion(dir);
  const stage = readStage(dir);
  if (stage.colors) {
    const holder = (['blue', 'green'] as const).find((c) => stage.colors?.[c] === version);
    if (holder) stage.colors.live = holder;
    else stage.colors[stage.colors.live] = version;
  }
  writeStage(dir, { ...stage, candidate: null });
  setCurrent(dir, version, event);
  if (before !== undefined && before !== version) {
    const m = readManifest(dir, before);
    if (m?.status === 'live') writeManifest(dir, { ...m, status: 'retired' });
  }
  setStatus(dir, version, 'live');
}

/** The version a plain rollback restores: the newest one before `current` that served and was not rolled away from. */
export function restorable(dir: string, current: number | undefined): number | undefined {
  return versions(dir)
    .filter((v) => current === undefined || v < current)
    .filter((v) => {
      const status = readManifest(dir, v)?.status;
      return status === undefined || status === 'live' || status === 'retired';
    })
    .at(-1);
}

export interface Deployed {
  version: number;
  /** The model file to load. */
  path: string;
  manifest: Manifest | undefined;
  metrics: Record<string, number>;
}

/** The version serving an environment, with its model file and recorded metrics; undefined when nothing is deployed. */
export function deployed(projectDir: string, env: string): Deployed | undefined {
  const dir = envDir(projectDir, env);
  const version = currentVersion(dir);
  if (version === undefined) return undefined;
  const manifest = readManifest(dir, version);
  const path = modelPath(dir, version);
  return { version, path, manifest, metrics: manifest?.metrics ?? {} };
}
