import { describe, expect, it } from 'vitest';
import { frameworksInRequirements, frameworksInSource, isTrainingScript, parallelFor, scriptArguments, scriptFlags } from '../../src/core/projectContext.js';

describe('project context', () => {
  it('finds ML frameworks in requirements files of every common shape', () => {
    expect(frameworksInRequirements('torch==2.1.0\nnumpy\nscikit_learn>=1.3  # models\n')).toEqual(['PyTorch', 'scikit-learn']);
    expect(frameworksInRequirements('[tool.poetry.dependencies]\npython = "^3.11"\ntransformers = "^4.40"\nlightgbm = "*"\n')).toEqual(['LightGBM', 'Hugging Face']);
    expect(frameworksInRequirements('dependencies:\n  - tensorflow-cpu=2.15\n  - pip:\n    - xgboost\n')).toEqual(['TensorFlow', 'XGBoost']);
    expect(frameworksInRequirements('# torch is not used here\npandas\n')).toEqual([]);
  });

  it('finds frameworks in Python imports, not in strings or comments', () => {
    const source = 'import os\nfrom torch.utils.data import DataLoader\nimport lightning as L\n# import tensorflow\nprint("import xgboost")\n';
    expect(frameworksInSource(source)).toEqual(['PyTorch', 'Lightning']);
  });

  it('reads the long flags a training script declares, and maps a plan\'s arguments onto them', () => {
    const source = 'p.add_argument("--epochs", type=int)\np.add_argument("-l", "--lr", type=float)\n@click.option("--batch-size")\np.add_argument(\'--data\')\n';
    const flags = scriptFlags(source);
    expect(flags).toEqual(['--epochs', '--lr', '--batch-size', '--data']);
    expect(scriptArguments(flags, { epochs: 10, learning_rate: 0.001, batch_size: 32, dataset: 'data/x.csv', model: 'rf' })).toEqual(['--epochs', '10', '--lr', '0.001', '--batch-size', '32', '--data', 'data/x.csv']);
    expect(scriptArguments(['--epochs'], { params: { depth: 3 } })).toEqual([]);
  });

  it('knows a training script by its name', () => {
    for (const p of ['train.py', 'scripts/train_model.py', 'fit.py', 'model-train.py', 'finetune.py']) expect(isTrainingScript(p)).toBe(true);
    for (const p of ['evaluate.py', 'constraint.py', 'train.ipynb', 'retrain_helpers.txt']) expect(isTrainingScript(p)).toBe(false);
  });

  it('runs more steps at once on a bigger machine, bounded by memory, never fewer than the default', () => {
    expect(parallelFor(2, 24)).toBe(3);
    expect(parallelFor(16, 64)).toBe(16);
    expect(parallelFor(32, 16)).toBe(8);
    expect(parallelFor(1, 1)).toBe(3);
  });
});
