/**
 * What a project tells about itself: its ML frameworks, training scripts and their flags, and how
 * much work the machine can take at once. Pure: the scanner in src/registry reads the files.
 */

export interface Framework {
  name: string;
  /** Package names in requirements files (lower case, `-` and `_` alike). */
  packages: string[];
  /** Top-level modules in Python imports. */
  modules: string[];
}

export const FRAMEWORKS: readonly Framework[] = [
  { name: 'PyTorch', packages: ['torch', 'torchvision', 'torchaudio'], modules: ['torch', 'torchvision', 'torchaudio'] },
  { name: 'Lightning', packages: ['lightning', 'pytorch-lightning'], modules: ['lightning', 'pytorch_lightning'] },
  { name: 'TensorFlow', packages: ['tensorflow', 'tensorflow-cpu', 'tensorflow-gpu', 'keras', 'tf-keras'], modules: ['tensorflow', 'keras'] },
  { name: 'JAX', packages: ['jax', 'flax', 'optax'], modules: ['jax', 'flax', 'optax'] },
  { name: 'scikit-learn', packages: ['scikit-learn', 'sklearn'], modules: ['sklearn'] },
  { name: 'XGBoost', packages: ['xgboost'], modules: ['xgboost'] },
  { name: 'LightGBM', packages: ['lightgbm'], modules: ['lightgbm'] },
  { name: 'CatBoost', packages: ['catboost'], modules: ['catboost'] },
  { name: 'Hugging Face', packages: ['transformers', 'datasets', 'accelerate', 'diffusers', 'huggingface-hub'], modules: ['transformers', 'datasets', 'accelerate', 'diffusers', 'huggingface_hub'] },
];

const normal = (name: string) => name.toLowerCase().replace(/_/g, '-');

/** Frameworks named in a requirements.txt, pyproject.toml, Pipfile or environment.yml. */
export function frameworksInRequirements(text: string): string[] {
  const names = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    // `torch==2.1`, `"torch>=2"`, `- torch`, `torch = "^2"`, `torch[cuda]`: the name is the first word.
    const m = /^[-\s"']*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
    if (m?.[1]) names.add(normal(m[1]));
  }
  return FRAMEWORKS.filter((f) => f.packages.some((p) => names.has(p))).map((f) => f.name);
}

/** Frameworks a Python source imports. */
export function frameworksInSource(source: string): string[] {
  const modules = new Set<string>();
  for (const m of source.matchAll(/^\s*(?:from\s+([A-Za-z_][\w]*)[\w.]*\s+import|import\s+([A-Za-z_][\w]*))/gm)) modules.add(m[1] ?? m[2] ?? '');
  return FRAMEWORKS.filter((f) => f.modules.some((mod) => modules.has(mod))).map((f) => f.name);
}

/** The long flags a Python script declares with argparse (`add_argument("--epochs")`) or click (`@click.option("--lr")`). */
export function scriptFlags(source: string): string[] {
  const flags = new Set<string>();
  for (const m of source.matchAll(/(?:add_argument|click\.option|typer\.Option)\(\s*(?:["']-\w["']\s*,\s*)?["'](--[\w-]+)["']/g)) if (m[1]) flags.add(m[1]);
  return [...flags];
}

/** A script that trains, by its name: `train.py`, `scripts/train_model.py`, `fit.py`. */
export function isTrainingScript(path: string): boolean {
  const file = path.split('/').at(-1) ?? path;
  return /^(?:train|fit|finetune|fine_tune)(?:[_-]\w+)?\.py$/i.test(file) || /^\w+[_-]train\.py$/i.test(file);
}

/**
 * The flags of a training script that stand for a plan's arguments, in the script's own spelling:
 * `--epochs 10 --lr 0.001 --data data/x.csv` from `{ epochs: 10, learning_rate: 0.001, dataset: ... }`.
 */
export function scriptArguments(flags: readonly string[], args: Readonly<Record<string, unknown>>): string[] {
  const spellings: Record<string, string[]> = {
    epochs: ['--epochs', '--num-epochs', '--num_epochs', '--max-epochs', '--max_epochs'],
    learning_rate: ['--learning-rate', '--learning_rate', '--lr'],
    batch_size: ['--batch-size', '--batch_size', '--bs'],
    dataset: ['--data', '--dataset', '--data-path', '--data_path', '--train-data', '--train_data', '--input'],
    seed: ['--seed'],
  };
  const out: string[] = [];
  for (const [arg, names] of Object.entries(spellings)) {
    const value = args[arg];
    const flag = names.find((n) => flags.includes(n));
    if (flag !== undefined && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) out.push(flag, String(value));
  }
  return out;
}

/**
 * How many steps to run at once when nothing says: one per core, at most one per 2 GB of memory
 * (ML steps hold data in memory), and never fewer than the product's default of 3.
 */
export function parallelFor(cores: number, memoryGb: number, fallback = 3): number {
  const fits = Math.min(Math.max(1, Math.floor(cores)), Math.max(1, Math.floor(memoryGb / 2)));
  return Math.max(fallback, Math.min(64, fits));
}
