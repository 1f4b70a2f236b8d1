import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Steps run under setsid, so they outlive a worker killed with SIGKILL; the queue would then run
 * them again elsewhere while the orphan goes on, and their side effects would happen twice. The
 * watchdog is a small process of its own that holds the process groups of the worker's running
 * steps; when its stdin closes (the worker is gone, however it died), it SIGKILLs them.
 */
const SCRIPT = `
const live = new Set();
let carry = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => undefined);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (carry + chunk).split('\\n');
  carry = lines.pop();
  for (const l of lines) {
    const n = Number(l.slice(1));
    if (!Number.isInteger(n) || n <= 1) continue;
    if (l[0] === '+') live.add(n); else live.delete(n);
  }
});
process.stdin.on('end', () => {
  for (const g of live) { try { process.kill(-g, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

export class Watchdog {
  private readonly proc: ChildProcess;

  constructor() {
    // Detached: a Ctrl-C or kill aimed at the worker's process group leaves it to do its job.
    this.proc = spawn(process.execPath, ['-e', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.proc.stdin?.on('error', () => undefined);
    this.proc.unref();
  }

  add(pgid: number): void {
    this.proc.stdin?.write(`+${pgid}\n`);
  }

  remove(pgid: number): void {
    this.proc.stdin?.write(`-${pgid}\n`);
  }

  /** A clean exit: the steps still registered are stopped too, as after a crash. */
  close(): void {
    this.proc.stdin?.end();
  }
}
