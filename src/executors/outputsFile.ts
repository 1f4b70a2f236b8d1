import { readFileSync, writeFileSync } from 'node:fs';
import { Masker } from '../core/secrets.js';
import { parseOutputs } from '../core/stepProtocol.js';

/**
 * Reads a step's outputs file (`$BATON_OUTPUT`). A secret value the step wrote into it is written
 * over with `***` in the file too, once read, so no copy of it stays in the run's workspace.
 */
export function readOutputs(path: string, secrets: readonly string[] = []): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  const masker = new Masker(secrets);
  if (masker.active) {
    const masked = masker.text(text);
    if (masked !== text) writeFileSync(path, masked);
  }
  return parseOutputs(text);
}
