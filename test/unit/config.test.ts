import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { DEFAULT_CONFIG, fromEnvironment, loadConfig, parseConfigFile, userConfigPath } from '../../src/registry/config.js';
import { tempDir, thrown } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A project folder and a user config file, each with optional YAML. */
function setup(files: { user?: string; project?: string }): { projectDir: string; userPath: string; projectPath: string } {
  const home = tempDir(files.user === undefined ? {} : { 'config.yaml': files.user });
  const project = tempDir(files.project === undefined ? {} : { '.baton/config.yaml': files.project });
  cleanups.push(home.cleanup, project.cleanup);
  return { projectDir: project.dir, userPath: join(home.dir, 'config.yaml'), projectPath: join(project.dir, '.baton', 'config.yaml') };
}

describe('loadConfig layering', () => {
  it('uses the built-in defaults when nothing is configured', () => {
    const { projectDir, userPath } = setup({});
    const { config, sources } = loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath });
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(Object.values(sources).every((s) => s === 'default')).toBe(true);
  });

  it('layers defaults < user file < project file < environment < flags, remembering each source', () => {
    const { projectDir, userPath, projectPath } = setup({
      user: 'parallel: 2\nkillGrace: 1s\nenvAllow: [PATH]\nresources: { gpu: 4 }\n',
      project: 'parallel: 4\nresources: { gpu: 1 }\nagents:\n  - { name: gpu-box, capabilities: [training], concurrency: 2 }\n',
    });
    const { config, sources } = loadConfig({
      projectDir,
      env: { BATON_PARALLEL: '6', BATON_RESOURCES: 'gpu=1,tpu=2', BATON_KILL_GRACE: '2s' },
      flags: { parallel: 8 },
      userConfigPath: userPath,
    });
    expect(config.parallel).toBe(8);
    expect(sources.parallel).toBe('flag --parallel');
    expect(config.resources).toEqual({ gpu: 1, tpu: 2 });
    expect(sources.resources).toBe('env BATON_RESOURCES');
    expect(config.killGraceMs).toBe(2000);
    expect(sources.killGraceMs).toBe('env BATON_KILL_GRACE');
    expect(config.envAllow).toEqual(['PATH']);
    expect(sources.envAllow).toBe(userPath);
    expect(config.agents).toEqual([{ name: 'gpu-box', capabilities: ['training'], concurrency: 2 }]);
    expect(sources.agents).toBe(projectPath);
    expect(config.defaultTimeoutMs).toBeNull();
    expect(sources.defaultTimeoutMs).toBe('default');
  });

  it('lets the project file override the user file, and the environment override both', () => {
    const { projectDir, userPath, projectPath } = setup({ user: 'parallel: 2\n', project: 'parallel: 4\n' });
    const fromFiles = loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath });
    expect(fromFiles.config.parallel).toBe(4);
    expect(fromFiles.sources.parallel).toBe(projectPath);
    const fromEnv = loadConfig({ projectDir, env: { BATON_PARALLEL: '5' }, flags: {}, userConfigPath: userPath });
    expect(fromEnv.config.parallel).toBe(5);
    expect(fromEnv.sources.parallel).toBe('env BATON_PARALLEL');
  });

  it('uses the user file when the project has none', () => {
    const { projectDir, userPath } = setup({ user: 'parallel: 2\ndefaultTimeout: 1h\n' });
    const { config, sources } = loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath });
    expect(config.parallel).toBe(2);
    expect(config.defaultTimeoutMs).toBe(3_600_000);
    expect(sources.parallel).toBe(userPath);
  });

  it('gives agents a concurrency of 1 unless told otherwise', () => {
    const { projectDir, userPath } = setup({ project: 'agents: [{ name: a, capabilities: [data] }]\n' });
    expect(loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath }).config.agents).toEqual([{ name: 'a', capabilities: ['data'], concurrency: 1 }]);
  });

  it('accepts an empty config file', () => {
    const { projectDir, userPath } = setup({ project: '' });
    expect(loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath }).config.parallel).toBe(DEFAULT_CONFIG.parallel);
  });

  it('does not change the defaults it started from', () => {
    const { projectDir, userPath } = setup({ project: 'parallel: 9\n' });
    loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath });
    expect(DEFAULT_CONFIG.parallel).toBe(3);
  });
});

describe('loadConfig errors', () => {
  it('names the file holding bad YAML', () => {
    const { projectDir, userPath, projectPath } = setup({ project: 'parallel: [1,\n' });
    const e = thrown(() => loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(projectPath);
    expect(e.message).toContain('not valid YAML');
  });

  it('names the file and the unknown key, and lists the valid ones', () => {
    const { projectDir, userPath } = setup({ user: 'paralel: 4\n' });
    const e = thrown(() => loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe(`${userPath}: config: unknown key(s) paralel`);
    expect((e as ValidationError).hint).toContain('parallel');
  });

  it('names the field holding a bad value', () => {
    const { projectDir, userPath, projectPath } = setup({ project: 'parallel: 0\n' });
    const e = thrown(() => loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath }));
    expect(e.message).toContain(`${projectPath}: parallel:`);
  });

  it('names the file holding a bad duration', () => {
    const { projectDir, userPath, projectPath } = setup({ project: 'killGrace: a while\n' });
    const e = thrown(() => loadConfig({ projectDir, env: {}, flags: {}, userConfigPath: userPath }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(projectPath);
    expect(e.message).toContain('killGrace');
  });

  it('refuses BATON_PARALLEL=zero', () => {
    const { projectDir, userPath } = setup({});
    const e = thrown(() => loadConfig({ projectDir, env: { BATON_PARALLEL: 'zero' }, flags: {}, userConfigPath: userPath }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe('BATON_PARALLEL=zero is not a whole number of at least 1');
  });
});

describe('fromEnvironment', () => {
  it('reads each BATON_ variable and names it as the source', () => {
    const { layer, names } = fromEnvironment({ BATON_ENV_ALLOW: 'PATH, HOME,,', BATON_DEFAULT_TIMEOUT: '10m', BATON_RESOURCES: 'gpu' });
    expect(layer).toEqual({ envAllow: ['PATH', 'HOME'], defaultTimeoutMs: 600_000, resources: { gpu: 1 } });
    expect(names).toEqual({ envAllow: 'env BATON_ENV_ALLOW', defaultTimeoutMs: 'env BATON_DEFAULT_TIMEOUT', resources: 'env BATON_RESOURCES' });
  });

  it('ignores variables that are not its own', () => {
    expect(fromEnvironment({ PATH: '/bin', PARALLEL: '3' }).layer).toEqual({});
  });

  it.each([
    ['BATON_PARALLEL', '0'],
    ['BATON_PARALLEL', '2.5'],
    ['BATON_PARALLEL', ''],
    ['BATON_RESOURCES', 'gpu=0'],
    ['BATON_RESOURCES', '=2'],
    ['BATON_RESOURCES', 'gpu=many'],
    ['BATON_KILL_GRACE', 'soon'],
    ['BATON_DEFAULT_TIMEOUT', '5 fortnights'],
  ])('refuses %s=%s, quoting it', (name, value) => {
    const e = thrown(() => fromEnvironment({ [name]: value }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message.startsWith(`${name}=${value} is not `)).toBe(true);
  });
});

describe('parseConfigFile and userConfigPath', () => {
  it('turns durations into milliseconds and a null timeout into none', () => {
    expect(parseConfigFile('killGrace: 500ms\ndefaultTimeout: null\n', 'c.yaml')).toEqual({ killGraceMs: 500, defaultTimeoutMs: null });
  });

  it('finds the user file under XDG_CONFIG_HOME, else under HOME', () => {
    expect(userConfigPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' })).toBe(join('/xdg', 'baton', 'config.yaml'));
    expect(userConfigPath({ HOME: '/home/u' })).toBe(join('/home/u', '.config', 'baton', 'config.yaml'));
  });
});
