import { formatDuration } from '../core/duration.js';

/** Colour only on a terminal, and never when NO_COLOR is set (no-color.org). */
export const useColor = Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';

const paint = (code: number) => (text: string) => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);
export const cyan = paint(36);


export function colorStatus(status: string): string {
  if (status === 'succeeded') return green(status);
  if (status === 'failed' || status === 'cancelled') return red(status);
  if (status === 'retrying' || status === 'interrupted' || status === 'degraded') return yellow(status);
  if (status === 'skipped' || status === 'pending') return dim(status);
  return cyan(status);
}

export function clock(ts: number = Date.now()): string {
  return new Date(ts).toTimeString().slice(0, 8);
}

export function ago(ts: number, now = Date.now()): string {
  return `${formatDuration(Math.max(0, now - ts))} ago`;
}

/** Strips ANSI codes so column widths come out right. */
function visible(text: string): number {
   
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visible(c))))
      .join('  ')
      .trimEnd();
  return [bold(line(headers)), ...rows.map(line)].join('\n');
}

/** A short one-line view of outputs for tables. */
export function briefOutputs(outputs: Record<string, unknown>, max = 60): string {
  const show = (v: unknown) => {
    if (typeof v === 'number') return String(Number(v.toPrecision(4)));
    // A path's last part says enough in a table; `baton status --json` has the whole of it.
    if (typeof v === 'string') return v.startsWith('/') ? `…/${v.split('/').pop() ?? ''}` : v;
    return JSON.stringify(v);
  };
  // Numbers first: metrics are what a user scans for.
  const entries = Object.entries(outputs).sort(([, a], [, b]) => Number(typeof b === 'number') - Number(typeof a === 'number'));
  const text = entries.map(([k, v]) => `${k}=${show(v)}`).join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
