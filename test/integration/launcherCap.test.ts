import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepResult, StepSpec } from '../../src/executors/executor.js';
import { Launcher } from '../../src/executors/launcher.js';
import { LocalExecutor } from '../../src/executors/local.js';
import { literalRegex, maskValues } from '../../src/executors/logMask.js';
import { LINE_LIMIT, LogTail } from '../../src/executors/logTail.js';
import { ROOT, waitFor } from '../helpers/cli.js';

const KB = 1024;
const ex = new LocalExecutor();
afterAll(() => ex.dispose());

function spec(script: string, extra: Partial<StepSpec> = {}): StepSpec {
  const dir = mkdtempSync(join(tmpdir(), 'baton-cap-'));
  const file = (kind: string) => join(dir, `s.1.${kind}`);
  return { runId: 'r', stepId: 's', attempt: 1, argv: ['sh', '-c', script], cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, outputPath: file('outputs'), logPath: file('log'), pidFile: file('pid'), exitFile: file('exit'), claimFile: file('claim'), killGraceMs: 2000, ...extra };
}

async function run(s: StepSpec, lines: string[] = []): Promise<{ r: StepResult; log: Buffer; files: string[] }> {
  const r = await ex.start(s, { onSpawn: () => undefined, onLine: (l) => lines.push(l) }).result;
  return { r, log: readFileSync(s.logPath), files: readdirSync(s.cwd).sort() };
}

const ATTEMPT_FILES = ['s.1.claim', 's.1.exit', 's.1.log', 's.1.pid'];
const MARKER = /\n\[baton: (\d+) bytes of output past the first ([^\]]+) omitted; the last ([^\]]+) follows\]\n/;

describe('the log cap', () => {
  it('keeps the first logLimit bytes and the last 1 MB around an exact marker, and the step runs to its end with its own exit code', async () => {
    // 5 MB of numbered lines, then a line of its own, then exit 3: past a 1 MB limit.
    const s = spec('seq 1 700000; echo "the very end"; echo done > finished; exit 3', { logLimit: 1024 * KB });
    const total = spawnSync('sh', ['-c', 'seq 1 700000; echo "the very end"'], { maxBuffer: 64 * 1024 * KB }).stdout;
    const { r, log, files } = await run(s);
    expect(r.exitCode).toBe(3);
    // Past the cap the filter kept reading: the step was never killed by SIGPIPE.
    expect(readFileSync(join(s.cwd, 'finished'), 'utf8')).toBe('done\n');
    const m = MARKER.exec(log.toString('latin1'));
    expect(m?.slice(2)).toEqual(['1 MB', '1 MB']);
    expect(Number(m?.[1])).toBe(total.length - 2 * 1024 * KB);
    expect(log.subarray(0, 1024 * KB).equals(total.subarray(0, 1024 * KB))).toBe(true);
    expect(log.subarray(log.length - 1024 * KB).equals(total.subarray(total.length - 1024 * KB))).toBe(true);
    expect(log.length).toBe(2 * 1024 * KB + (m?.[0].length ?? 0));
    expect(files).toEqual(['finished', ...ATTEMPT_FILES]);
  });

  it('keeps output between the limit and limit + tail whole, without a marker, and never adds a byte', async () => {
    for (const bytes of [4 * KB - 1, 4 * KB, 4 * KB + 1, 6 * KB, 8 * KB]) {
      const s = spec(`head -c ${bytes} /dev/urandom`, { logLimit: 4 * KB });
      const { r, log } = await run(s);
      expect(r.exitCode).toBe(0);
      expect(log.length).toBe(bytes);
    }
    const s = spec(`head -c ${8 * KB + 5} /dev/zero`, { logLimit: 4 * KB });
    const { log } = await run(s);
    expect(MARKER.exec(log.toString('latin1'))?.slice(1)).toEqual(['5', '4 KB', '4 KB']);
  });

  it('keeps bytes that are not UTF-8 as written, and hands them to baton as U+FFFD', async () => {
    const lines: string[] = [];
    const s = spec(String.raw`printf 'caf\351 \377\376 ok\n\000nul\n\303'`);
    const { log } = await run(s, lines);
    expect(log.equals(Buffer.from('caf\xe9 \xff\xfe ok\n\0nul\n\xc3', 'latin1'))).toBe(true);
    expect(lines).toEqual(['caf\uFFFD \uFFFD\uFFFD ok', '\0nul', '\uFFFD']);
  });

  it('a 10 MB line without a newline: the log keeps it whole, baton the lines around it, none longer than 64 KB', async () => {
    const lines: string[] = [];
    const s = spec(`echo before; sleep 0.3; head -c 10000000 /dev/zero | tr '\\0' y; printf '\\n::warning after\\n'`);
    const { r, log } = await run(s, lines);
    expect(r.exitCode).toBe(0);
    expect(log.length).toBe(7 + 10_000_000 + 17);
    expect(lines[0]).toBe('before');
    expect(lines.at(-1)).toBe('::warning after');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(LINE_LIMIT);
  });

  it('LogTail hands over the start of an overlong line once, cut at 64 KB, then the lines after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-cap-'));
    const path = join(dir, 'log');
    writeFileSync(path, Buffer.concat([Buffer.from('before\n'), Buffer.alloc(5_000_000, 'y'), Buffer.from('\n::progress 1/2\n\xff tail', 'latin1')]));
    const lines: string[] = [];
    const tail = new LogTail(path, (l) => lines.push(l));
    while (tail.poll() > 0);
    tail.finish();
    expect(lines).toEqual(['before', 'y'.repeat(LINE_LIMIT), '::progress 1/2', '\uFFFD tail']);
  });

  it('does not let an orphan that holds the output open delay the exit report', async () => {
    const t0 = Date.now();
    const { r, log } = await run(spec('sleep 30 & echo started'));
    expect(r.exitCode).toBe(0);
    expect(log.toString()).toBe('started\n');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('keeps a signal death as the exit code, and gives the step no descriptor of the wrapper', async () => {
    const { r, log } = await run(spec('for f in 3 4 5 6; do [ -e /proc/$$/fd/$f ] && echo "fd $f open"; done; echo checked; kill -TERM $$'));
    expect(r).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
    expect(log.toString()).toBe('checked\n');
  });
});

// util-linux's fallocate frees the disk under a flood; without it a log is only cut when its step ends.
const canPunch = spawnSync('sh', ['-c', 'command -v fallocate']).status === 0;

describe.skipIf(!canPunch)('a flood, on disk', () => {
  it('while a step prints 400 MB, its log never takes more than a fraction of that on disk, and ends at limit + tail', async () => {
    const s = spec('yes "a line of about sixty bytes, printed over and over again" | head -c 400000000', { logLimit: 1024 * KB });
    let peak = 0;
    const sample = setInterval(() => {
      if (existsSync(s.logPath)) peak = Math.max(peak, statSync(s.logPath).blocks * 512);
    }, 10);
    const { r, log } = await run(s);
    clearInterval(sample);
    expect(r.exitCode).toBe(0);
    expect(MARKER.exec(log.toString('latin1'))?.[1]).toBe(String(400_000_000 - 2 * 1024 * KB));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(200_000_000);
  });

  it('frees disk only in the file it was asked about: a log replaced meanwhile is left alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-cap-'));
    const path = join(dir, 'log');
    writeFileSync(path, Buffer.alloc(4 * 1024 * KB, 'z'));
    const launcher = new Launcher();
    try {
      const inode = statSync(path, { bigint: true }).ino;
      launcher.punch(path, inode + 1n, 0, 4 * 1024 * KB);
      launcher.punch(path, inode, 1024 * KB, 2 * 1024 * KB);
      await waitFor(() => statSync(path).blocks * 512 <= 2 * 1024 * KB + 64 * KB, 10_000, 'the punch');
      const bytes = readFileSync(path);
      expect(bytes.length).toBe(4 * 1024 * KB);
      expect(bytes.subarray(0, 1024 * KB).every((b) => b === 0x7a)).toBe(true);
      expect(bytes.subarray(1024 * KB, 3 * 1024 * KB).every((b) => b === 0)).toBe(true);
      expect(bytes.subarray(3 * 1024 * KB).every((b) => b === 0x7a)).toBe(true);
    } finally {
      launcher.close();
    }
  });
});

describe('masking', () => {
  const SECRET = "a.b*c$(x)'q";

  it('writes each value as *** in the log, literally (regex and shell characters), and the step never sees the filter\'s variables', async () => {
    const s = spec(`printf '%s|%s\\n' "$V" "$V$V"; printf 'ab*c \\377 a.b*c$(x) %s\\000' "$V"; env; printf 'last %s' "$1"`, { secrets: [SECRET, 'zz-top'], env: { PATH: process.env.PATH ?? '', V: SECRET } });
    s.argv.push('sh', 'zz-top');
    const { r, log } = await run(s);
    expect(r.exitCode).toBe(0);
    const text = log.toString('latin1');
    expect(text.startsWith('***|******\nab*c \xff a.b*c$(x) ***\0')).toBe(true);
    expect(text).toContain('V=***\n');
    expect(text.endsWith('last ***')).toBe(true);
    expect(text).not.toContain('BATON_MASK');
    expect(text).not.toContain('a.b*c$(x)\'');
  });

  it('masks a value split by the cut (its first part at the limit, its last after the marker)', async () => {
    // The value straddles the 1 KB limit, and the start of the kept tail (the last 1 KB).
    const s = spec(`head -c 1018 /dev/zero | tr '\\0' a; printf 'SECRET-VALUE\\n'; seq 1 3000; printf 'SECRET-VALUE yy'; head -c 1012 /dev/zero | tr '\\0' b`, { secrets: ['SECRET-VALUE'], logLimit: KB });
    const { r, log } = await run(s);
    expect(r.exitCode).toBe(0);
    const text = log.toString();
    expect(text.slice(0, 1030)).toMatch(/^a{1018}\*\*\*\n\[baton/);
    expect(text).toMatch(/follows\]\n\*\*\* yyb+$/);
    for (const part of ['SECRE', 'ECRET', 'CRET-', 'T-VAL', 'VALUE']) expect(text).not.toContain(part);
  });

  it('holds one line at a time: a masked 10 MB line comes through whole, with the value masked inside it', async () => {
    const s = spec(`head -c 5000000 /dev/zero | tr '\\0' x; printf 'hunter2'; head -c 5000000 /dev/zero | tr '\\0' x`, { secrets: ['hunter2'] });
    const { r, log } = await run(s);
    expect(r.exitCode).toBe(0);
    expect(log.length).toBe(10_000_003);
    expect(log.subarray(5_000_000, 5_000_003).toString()).toBe('***');
  });

  it('the literal regex matches exactly the value, whatever characters it holds', () => {
    const awk = (values: string[], input: string) => {
      const env: Record<string, string> = { LC_ALL: 'C', BATON_MASK_RE: values.map((v) => `(${literalRegex(v)})`).join('|') };
      return spawnSync('awk', ['{ gsub(ENVIRON["BATON_MASK_RE"], "***"); print }'], { input, env }).stdout.toString();
    };
    const hard = ['^$', '\\', '\\\\n', '[]', ']', '[[:alpha:]]', 'a|b', '(?)', '{1,2}', '.*', '&', '"\'', 'é€', '\t-/'];
    for (const v of hard) expect(awk([v], `x${v}y ${v}\n`), v).toBe('x***y ***\n');
    expect(awk(['ab', 'abc'].sort((a, b) => b.length - a.length), 'abc ab a\n')).toBe('*** *** a\n');
  });

  it('masks each meaningful line of a value of several lines', () => {
    expect(maskValues(['-----BEGIN KEY-----\nMIIEvQIBADAN\n}\n', 'short'])).toEqual(['-----BEGIN KEY-----', 'MIIEvQIBADAN', 'short']);
  });
});

describe('a wrapper whose baton died', () => {
  for (const secrets of [undefined, ['s3cret']]) {
    it(`keeps capping${secrets ? ' and masking' : ''}, and records the exit code and a complete log after baton is SIGKILLed mid-step`, async () => {
      const s = spec('sleep 1; echo s3cret; seq 1 200000; echo s3cret; exit 4', { logLimit: 64 * KB, ...(secrets ? { secrets } : {}) });
      const launcherJs = join(ROOT, 'dist/src/executors/launcher.js');
      const script = `
        const { Launcher } = await import(${JSON.stringify(launcherJs)});
        const l = new Launcher();
        l.launch(${JSON.stringify(s)}, { onStart() { process.kill(process.pid, 'SIGKILL'); }, onExit() {}, onLost() {} });`;
      const dying = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
      expect(dying.signal).toBe('SIGKILL');
      await waitFor(() => existsSync(s.exitFile) && readFileSync(s.exitFile, 'utf8').trim() !== '', 20_000, 'the exit file');
      expect(readFileSync(s.exitFile, 'utf8')).toBe('4\n');
      const log = readFileSync(s.logPath, 'utf8');
      expect(MARKER.exec(log)?.[1]).toBe(String(7 + 1_288_895 + 7 - 128 * KB));
      expect(log.endsWith(secrets ? '199999\n200000\n***\n' : '199999\n200000\ns3cret\n')).toBe(true);
      expect(readdirSync(s.cwd).sort()).toEqual(ATTEMPT_FILES);
    });
  }
});
