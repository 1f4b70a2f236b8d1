import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../../src/core/planCheck.js';
import { Launcher, SUPERSEDED } from '../../src/executors/launcher.js';
import { parsePlan } from '../../src/core/planSchema.js';
import { loadCommands } from '../../src/registry/commands.js';
import { DEFAULT_CONFIG } from '../../src/registry/config.js';
import { openStore } from '../../src/store/open.js';
import { RunRepository } from '../../src/store/runs.js';
import { baton, batonAsync, json, linesOf, tempProject, waitFor } from '../helpers/cli.js';
import { diedAfterStarting } from '../helpers/crashedRun.js';

const PLAN = `
name: two
steps:
  - id: first
    run: [sh, -c, 'sleep 1; echo first >> "$BATON_PROJECT_DIR/effects"']
  - id: second
    run: [sh, -c, 'echo second >> "$BATON_PROJECT_DIR/effects"']
    needs: [first]
`;


describe('resume edge cases', () => {
  it('a run that crashed before its first event resumes from its stored plan', async () => {
    const dir = tempProject();
    const plan = resolvePlan(parsePlan(parseYaml(PLAN), 'two.yaml'), { commands: loadCommands(dir).commands, agents: DEFAULT_CONFIG.agents, resources: {} }, 'two.yaml');
    const store = await openStore(dir, { create: true });
    const runId = await new RunRepository(store).createRun({ plan, source: 'two.yaml', baseDir: dir });
    await store.close();

    const out = json<{ status: string; steps: { id: string; status: string }[] }>(baton(dir, ['resume', runId, '--json']));
    expect(out.status).toBe('succeeded');
    expect(out.steps.map((s) => [s.id, s.status])).toEqual([
      ['first', 'succeeded'],
      ['second', 'succeeded'],
    ]);
    expect(linesOf(dir, 'effects')).toEqual(['first', 'second']);
  });

  it('a killed launcher does not lose the run: started steps finish and the next ones start', async () => {
    const dir = tempProject({ 'two.yaml': PLAN });
    const child = batonAsync(dir, ['run', 'two.yaml', '--yes', '--json']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const launcherOf = (pid: number) => {
      try {
        return execFileSync('pgrep', ['-P', String(pid), '-f', 'read -r job'], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    };
    await waitFor(() => launcherOf(child.pid ?? 0) !== '', 20_000, 'the launcher');
    process.kill(Number(launcherOf(child.pid ?? 0).split('\n')[0]), 'SIGKILL');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { status: string }).status).toBe('succeeded');
    expect(linesOf(dir, 'effects')).toEqual(['first', 'second']);
  });

  it('a job still queued for the launcher when baton died never starts once resume has run the step again', async () => {
    const { dir, runId, paths } = await diedAfterStarting(PLAN, 'first');
    const out = json<{ status: string }>(baton(dir, ['resume', runId, '--json']));
    expect(out.status).toBe('succeeded');
    expect(linesOf(dir, 'effects')).toEqual(['first', 'second']);

    // The old launcher gets round to the job line it was handed before baton died: too late.
    const launcher = new Launcher();
    try {
      const code = await new Promise<number>((resolve, reject) => {
        launcher.launch(
          { argv: ['sh', '-c', 'echo first >> "$P/effects"'], cwd: dir, env: { P: dir }, logPath: join(dir, 'late.log'), pidFile: join(dir, 'late.pid'), exitFile: join(dir, 'late.exit'), claimFile: paths.attemptFile('first', 1, 'claim') },
          { onStart: () => reject(new Error('the late job started its step')), onExit: resolve, onLost: () => reject(new Error('launcher lost')) },
        );
      });
      expect(code).toBe(SUPERSEDED);
    } finally {
      launcher.close();
    }
    expect(linesOf(dir, 'effects')).toEqual(['first', 'second']);
  });

  it('an attempt its wrapper had claimed when baton died is waited for, not run twice', async () => {
    const { dir, runId, paths } = await diedAfterStarting(PLAN, 'first');
    // The wrapper claimed the attempt; its step finishes while resume is starting.
    writeFileSync(paths.attemptFile('first', 1, 'claim'), '');
    const resume = batonAsync(dir, ['resume', runId, '--json']);
    let stdout = '';
    resume.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    setTimeout(() => {
      appendFileSync(join(dir, 'effects'), 'first\n');
      writeFileSync(paths.attemptFile('first', 1, 'outputs'), '');
      writeFileSync(paths.attemptFile('first', 1, 'exit'), '0\n');
    }, 400);
    expect(await new Promise((r) => resume.on('close', r))).toBe(0);
    const out = JSON.parse(stdout) as { status: string; steps: { id: string; attempts: number }[] };
    expect(out.status).toBe('succeeded');
    expect(linesOf(dir, 'effects')).toEqual(['first', 'second']);
  });
});
