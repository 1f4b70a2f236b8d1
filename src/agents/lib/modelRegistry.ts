import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The local model registry: `<project>/.baton/registry/<env>/v<N>/`, and `current` naming the live one. */
export function envDir(projectDir: string, env: string): string {
  return join(projectDir, '.baton', 'registry', env);
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
  writeFileSync(join(dir, 'current'), `${version}\n`);
  writeFileSync(join(dir, 'history.jsonl'), `${JSON.stringify({ at: new Date().toISOString(), version, ...event })}\n`, { flag: 'a' });
}

/** "v3", "3" or 3 → 3. */
export function parseVersion(text: string): number | undefined {
  const n = Number(text.trim().replace(/^v/i, ''));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
