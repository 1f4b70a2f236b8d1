import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFold, type Findings } from '../../bench/chaos/checks.js';
import { ROOT, tempProject } from '../helpers/cli.js';

const WRITER = join(ROOT, 'test', 'fixtures', 'eventWriter.mjs');

/** Starts the writer, waits for its first commit, lets it write for `ms`, then SIGKILLs it. */
function killWriter(dir: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ROOT, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(out.trim()) : reject(new Error(`the writer ended by itself: ${err}`))));
  });
}

// Power loss, as near as a test gets: the process dies mid-transaction with no chance to clean up.
// Each batch (1,600 events and the status rows they change) is one transaction in WAL mode, so
// after a kill the database holds whole batches only, and the tables agree with the log.
describe('killed during a batched event write', () => {
  it('leaves the database intact and the status tables equal to the fold of the events, kill after kill', async () => {
    const dir = tempProject();
    const runs: { runId: string; rounds: number }[] = [];
    for (const ms of [120, 260, 400, 530, 710]) {
      const runId = await killWriter(dir, ms);
      const db = new Database(join(dir, '.baton', 'baton.db'), { readonly: true });
      try {
        expect(db.prepare('pragma integrity_check').pluck().all()).toEqual(['ok']);
        const f: Findings = { problems: [], twice: [], orphans: [], integrity: [], foldMismatches: [] };
        checkFold(db, runId, f);
        expect(f.foldMismatches, `run ${runId}, killed after ${ms} ms`).toEqual([]);
        const last = db.prepare('select last_seq from runs where id = ?').pluck().get(runId) as number;
        // The created and started events, then whole rounds of 4 events per step for 400 steps.
        expect((last - 2) % 1600, `run ${runId} holds part of a batch`).toBe(0);
        runs.push({ runId, rounds: (last - 2) / 1600 });
      } finally {
        db.close();
      }
    }
    // The kills landed while batches were being written, not before the first.
    expect(runs.some((r) => r.rounds > 0), JSON.stringify(runs)).toBe(true);
  }, 60_000);
});
