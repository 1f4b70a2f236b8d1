import { describe, expect, it } from 'vitest';
import { baton, json, tempProject } from '../helpers/cli.js';
import { renderRepl } from '../helpers/ink.js';

// A project with its own training script: requirements name PyTorch; the script itself only
// prints what it was given, so the test needs no Python packages.
const PROJECT = {
  'requirements.txt': 'torch==2.1.0\nscikit-learn>=1.3\n',
  'train.py': `import argparse
p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=5)
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--data", default="data/x.csv")
args = p.parse_args()
print(f"train.py ran: epochs={args.epochs} data={args.data}")
`,
  'data/x.csv': 'a,b,label\n1,2,0\n3,4,1\n',
  'package.json': '{"name": "not data"}',
};

interface Context {
  frameworks: { name: string; evidence: string }[];
  scripts: { path: string; flags: string[] }[];
  datasets: { path: string; bytes: number }[];
  resources: { cores: number; memoryGb: number; gpus: unknown[] };
  parallel: { value: number; from: string };
  history: { command: string; steps: number; failureRate: number }[];
}

describe('project context', () => {
  it('baton context reports frameworks, training scripts with their flags, datasets, the machine and run history', () => {
    const dir = tempProject(PROJECT);
    expect(baton(dir, ['run', 'run `echo hello`', '--yes']).code).toBe(0);
    const ctx = json<Context>(baton(dir, ['context', '--json']));
    expect(ctx.frameworks.map((f) => f.name)).toEqual(['PyTorch', 'scikit-learn']);
    expect(ctx.frameworks[0]?.evidence).toBe('requirements.txt');
    expect(ctx.scripts).toEqual([{ path: 'train.py', flags: ['--epochs', '--lr', '--data'], frameworks: [] }]);
    expect(ctx.datasets.map((d) => d.path)).toEqual(['data/x.csv']);
    expect(ctx.resources.cores).toBeGreaterThan(0);
    expect(ctx.parallel.value).toBeGreaterThanOrEqual(3);
    expect(ctx.history).toEqual([expect.objectContaining({ command: 'shell', steps: 1, failureRate: 0 })]);
    const text = baton(dir, ['context']).stdout;
    expect(text).toMatch(/frameworks\s+PyTorch \(requirements\.txt\), scikit-learn/);
    expect(text).toMatch(/train\.py\s+--epochs --lr --data/);
  });

  it('a request to train offers the project\'s script with the request\'s arguments as its flags', () => {
    const dir = tempProject(PROJECT);
    const out = baton(dir, ['plan', 'train a model on data/x.csv for 10 epochs']).stdout;
    expect(out).toContain('This project has train.py. Run it for train instead of the built-in trainer?');
    expect(out).toMatch(/yes: python3? train\.py --epochs 10 --data data\/x\.csv/);
  });

  it('in the REPL, picking the script swaps the step for a shell step that runs it', async () => {
    const dir = tempProject(PROJECT);
    const r = await renderRepl(dir);
    try {
      await r.type('train a model on data/x.csv for 10 epochs');
      await r.waitFor('Run it for train instead of the built-in trainer?');
      await r.type('1');
      const planned = await r.waitFor('Run it? (y)es');
      expect(planned).toMatch(/train\s+shell command=python3? train\.py --epochs 10 --data data\/x\.csv/);
      await r.press('y');
      await r.waitFor(/run [0-9a-f]{8} succeeded/, 30_000);
      expect(await r.controller.logsText('train')).toContain('train.py ran: epochs=10 data=data/x.csv');
    } finally {
      await r.close();
    }
  });
});
