import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { delimiter, extname, join } from 'node:path';
import { frameworksInRequirements, frameworksInSource, isTrainingScript, scriptFlags } from '../core/projectContext.js';

export interface TrainingScript {
  path: string;
  flags: string[];
  frameworks: string[];
}

export interface ProjectScan {
  languages: { name: string; files: number }[];
  frameworks: { name: string; evidence: string }[];
  scripts: TrainingScript[];
  datasets: { path: string; bytes: number }[];
  resources: { cores: number; memoryGb: number; gpus: { name: string; memoryMb: number }[] };
  /** `python3`, else `python`, when one is on PATH: what a training script runs with. */
  python?: string;
}

const SKIP = new Set(['node_modules', '.git', '.baton', '.venv', 'venv', 'env', '__pycache__', 'dist', 'build', '.mypy_cache', '.pytest_cache', '.ipynb_checkpoints', 'site-packages']);
const LANGUAGES: Record<string, string> = { '.py': 'Python', '.ipynb': 'Jupyter', '.ts': 'TypeScript', '.js': 'JavaScript', '.r': 'R', '.jl': 'Julia', '.scala': 'Scala', '.java': 'Java', '.go': 'Go', '.rs': 'Rust', '.cpp': 'C++', '.sh': 'shell' };
const REQUIREMENTS = ['requirements.txt', 'requirements-dev.txt', 'pyproject.toml', 'Pipfile', 'environment.yml', 'environment.yaml', 'setup.cfg'];
const DATA = /\.(?:csv|tsv|jsonl|parquet)$/i;
/** A .json file is data only in a data folder: elsewhere it is configuration (package.json, tsconfig). */
const JSON_DATA = /(?:^|\/)(?:data|datasets|raw|processed)\/.*\.json$/i;
const MAX_FILES = 3000;
const MAX_DEPTH = 4;
/** Python files read for imports; a project's first ones say enough. */
const MAX_SOURCES = 200;

function walk(dir: string, depth: number, out: string[], prefix = ''): void {
  if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (out.length >= MAX_FILES) return;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP.has(e.name) && !e.name.startsWith('.')) walk(join(dir, e.name), depth + 1, out, rel);
    } else if (e.isFile()) out.push(rel);
  }
}

function read(path: string, limit = 256 * 1024): string {
  try {
    return statSync(path).size > limit ? '' : readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/** GPUs from nvidia-smi when it is installed; none otherwise (and never an error). */
function gpus(): { name: string; memoryMb: number }[] {
  if (!onPath('nvidia-smi')) return [];
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 3000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.split(',').map((s) => s.trim()))
    .filter(([name]) => name)
    .map(([name, mem]) => ({ name: name ?? '', memoryMb: Number(mem) || 0 }));
}

/** Reads what a project is made of: languages, ML frameworks, training scripts, data, and the machine. */
export function scanProject(dir: string): ProjectScan {
  const files: string[] = [];
  walk(dir, 0, files);
  const languages = new Map<string, number>();
  for (const f of files) {
    const lang = LANGUAGES[extname(f).toLowerCase()];
    if (lang) languages.set(lang, (languages.get(lang) ?? 0) + 1);
  }
  const frameworks = new Map<string, string>();
  for (const name of REQUIREMENTS.filter((n) => files.includes(n))) {
    for (const fw of frameworksInRequirements(read(join(dir, name)))) if (!frameworks.has(fw)) frameworks.set(fw, name);
  }
  const scripts: TrainingScript[] = [];
  for (const f of files.filter((p) => p.endsWith('.py')).slice(0, MAX_SOURCES)) {
    const source = read(join(dir, f));
    const found = frameworksInSource(source);
    for (const fw of found) if (!frameworks.has(fw)) frameworks.set(fw, `import in ${f}`);
    if (isTrainingScript(f)) scripts.push({ path: f, flags: scriptFlags(source), frameworks: found });
  }
  // The shallowest script first: `train.py` before `experiments/old/train.py`.
  scripts.sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
  const datasets = files.filter((f) => DATA.test(f) || JSON_DATA.test(f)).map((path) => ({ path, bytes: sizeOf(join(dir, path)) }));
  const python = onPath('python3') ? 'python3' : onPath('python') ? 'python' : undefined;
  return {
    languages: [...languages].map(([name, n]) => ({ name, files: n })).sort((a, b) => b.files - a.files),
    frameworks: [...frameworks].map(([name, evidence]) => ({ name, evidence })),
    scripts,
    datasets,
    resources: { cores: availableParallelism(), memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10, gpus: gpus() },
    ...(python ? { python } : {}),
  };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
