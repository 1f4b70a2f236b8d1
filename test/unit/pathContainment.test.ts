import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instanceId } from '../../src/core/events.js';
import { STEP_ID } from '../../src/core/plan.js';
import { restoreCheckpoint, saveCheckpoint } from '../../src/engine/checkpoints.js';
import { runPaths } from '../../src/engine/workspace.js';
import { containedPath, isInside, isWithin, PathEscapeError, realLocation } from '../../src/registry/paths.js';

function tempDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'baton-paths-')));
}

describe('isWithin: containment by name', () => {
  it('takes the root itself and what lies under it, and nothing that .. leads out of', () => {
    expect(isWithin('/p', '/p')).toBe(true);
    expect(isWithin('/p', '/p/a/b')).toBe(true);
    expect(isWithin('/p', 'a/../b')).toBe(true);
    expect(isWithin('/p', '/p/a/../../q')).toBe(false);
    expect(isWithin('/p', '../p2')).toBe(false);
    expect(isWithin('/p', '/p2')).toBe(false);
    expect(isWithin('/p', '/etc/passwd')).toBe(false);
    // A name that merely starts with two dots is a name.
    expect(isWithin('/p', '/p/..hidden')).toBe(true);
  });
});

describe('containedPath: containment with links followed', () => {
  it('refuses a link that leads out, a dangling one included (writing through it would create its target)', () => {
    const root = tempDir();
    const outside = tempDir();
    symlinkSync(outside, join(root, 'out'));
    symlinkSync(join(outside, 'not-yet.json'), join(root, 'dangling.json'));
    expect(() => containedPath(root, join(root, 'out', 'x.csv'), 'artifact x.csv')).toThrow(PathEscapeError);
    expect(() => containedPath(root, join(root, 'dangling.json'), 'artifact dangling.json')).toThrow(/leads outside .*, to .*not-yet\.json, through a symbolic link/);
    expect(() => containedPath(root, join(root, '..', 'x'), 'artifact ../x')).toThrow(/is outside/);
    expect(realLocation(join(root, 'dangling.json'))).toBe(join(outside, 'not-yet.json'));
  });

  it('lets a link that stays inside through, and a root that is itself reached through a link', () => {
    const root = tempDir();
    mkdirSync(join(root, 'data'));
    symlinkSync('data', join(root, 'alias'));
    expect(containedPath(root, join(root, 'alias', 'new', 'file.csv'), 'f')).toBe(join(root, 'alias', 'new', 'file.csv'));
    const viaLink = join(tempDir(), 'project');
    symlinkSync(root, viaLink);
    expect(isInside(viaLink, join(viaLink, 'alias', 'x'))).toBe(true);
    expect(isInside(root, join(viaLink, 'data'))).toBe(true);
  });

  it('names a loop of links instead of hanging', () => {
    const root = tempDir();
    symlinkSync(join(root, 'b'), join(root, 'a'));
    symlinkSync(join(root, 'a'), join(root, 'b'));
    expect(() => containedPath(root, join(root, 'a', 'x'), 'f')).toThrow(/loop of symbolic links/);
  });
});

describe('a step folder never leads outside its run workspace', () => {
  // Composed ids: nested workflows (a.b), forEach instances (x[3]) and both.
  const plainId = fc.stringMatching(STEP_ID).filter((s) => s.length < 40);
  const composedId = fc
    .tuple(fc.array(plainId, { minLength: 1, maxLength: 4 }), fc.option(fc.nat(10_000)))
    .map(([parts, index]) => (index === null ? parts.join('.') : instanceId(parts.join('.'), index)));

  it('for every id the plan schema and the engine can make', () => {
    const project = tempDir();
    const paths = runPaths(project, '4f2a');
    fc.assert(
      fc.property(composedId, fc.nat(50), (id, attempt) => {
        expect(isWithin(join(paths.workspace, 'steps'), paths.stepDir(id))).toBe(true);
        expect(paths.stepDir(id)).not.toBe(join(paths.workspace, 'steps'));
        expect(isWithin(join(paths.workspace, 'attempts'), paths.attemptFile(id, attempt, 'log'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses ids and run ids that are paths, and a linked steps folder or step folder', () => {
    const project = tempDir();
    expect(() => runPaths(project, '../../x')).toThrow(/run id "..\/..\/x" is not a folder name/);
    expect(() => runPaths(project, '')).toThrow(PathEscapeError);
    const paths = runPaths(project, '4f2a');
    expect(() => paths.stepDir('../../../../etc')).toThrow(/is not a folder name/);
    expect(() => paths.attemptFile('../x', 1, 'log')).toThrow(/is not a file name/);

    paths.prepare();
    const outside = tempDir();
    symlinkSync(outside, join(paths.workspace, 'steps', 'train'));
    expect(() => paths.stepCwd('train')).toThrow(/the working folder of step train .* leads outside/);
    expect(paths.stepCwd('evaluate')).toBe(join(paths.workspace, 'steps', 'evaluate'));

    const other = runPaths(project, '5b3c');
    mkdirSync(other.workspace, { recursive: true });
    symlinkSync(outside, join(other.workspace, 'steps'));
    expect(() => other.prepare()).toThrow(/the steps folder .* leads outside/);
    expect(() => other.stepCwd('a')).toThrow(PathEscapeError);
  });
});

describe('checkpoints copy links as links', () => {
  it('a link to a folder outside is copied as a link, never followed, and restored as one', () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'outside\n');
    const paths = runPaths(tempDir(), 'r1');
    paths.prepare();
    mkdirSync(join(paths.workspace, 'steps', 'a'));
    writeFileSync(join(paths.workspace, 'steps', 'a', 'own.txt'), 'own\n');
    symlinkSync(outside, join(paths.workspace, 'steps', 'a', 'link'));

    const dest = paths.checkpointDir('a');
    saveCheckpoint(paths.workspace, dest);
    const copied = join(dest, 'steps', 'a', 'link');
    expect(lstatSync(copied).isSymbolicLink()).toBe(true);
    expect(readlinkSync(copied)).toBe(outside);
    expect(readFileSync(join(dest, 'steps', 'a', 'own.txt'), 'utf8')).toBe('own\n');

    writeFileSync(join(paths.workspace, 'steps', 'a', 'own.txt'), 'changed\n');
    restoreCheckpoint(paths.workspace, dest);
    expect(readFileSync(join(paths.workspace, 'steps', 'a', 'own.txt'), 'utf8')).toBe('own\n');
    expect(lstatSync(join(paths.workspace, 'steps', 'a', 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('outside\n');
  });

  it('refuses to clear a checkpoint folder that a link takes outside (it would delete files there)', () => {
    const outside = tempDir();
    mkdirSync(join(outside, 'a'));
    writeFileSync(join(outside, 'a', 'keep.txt'), 'keep\n');
    const paths = runPaths(tempDir(), 'r2');
    paths.prepare();
    symlinkSync(outside, join(paths.workspace, 'checkpoints'));
    expect(() => saveCheckpoint(paths.workspace, join(paths.workspace, 'checkpoints', 'a'))).toThrow(/the checkpoint folder .* leads outside/);
    expect(() => paths.checkpointDir('a')).toThrow(PathEscapeError);
    expect(existsSync(join(outside, 'a', 'keep.txt'))).toBe(true);
  });
});
