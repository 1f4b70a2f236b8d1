/**
 * The step protocol, as CI systems have it: outputs are written to the file named by
 * BATON_OUTPUT (key=value lines, `key<<EOF` blocks, or one JSON object), and stdout lines such as
 * `::progress 42/100 loading` or `::warning disk almost full` talk to Baton.
 */
export type ProtocolLine =
  | { kind: 'progress'; current: number; total: number; message?: string }
  | { kind: 'message'; level: 'notice' | 'warning' | 'error'; text: string };

const PROGRESS = /^::progress\s+(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?(?:\s+(.*))?$/;
const MESSAGE = /^::(notice|warning|error)(?:\s+(.*))?$/;

export function parseProtocolLine(line: string): ProtocolLine | undefined {
  if (!line.startsWith('::')) return undefined;
  const trimmed = line.trimEnd();
  const p = PROGRESS.exec(trimmed);
  if (p) {
    const current = Number(p[1]);
    const total = p[2] !== undefined ? Number(p[2]) : 100;
    const out: ProtocolLine = { kind: 'progress', current, total };
    if (p[3]) out.message = p[3];
    return out;
  }
  const m = MESSAGE.exec(trimmed);
  if (m) return { kind: 'message', level: m[1] as 'notice' | 'warning' | 'error', text: m[2] ?? '' };
  return undefined;
}

/** Numbers and booleans written as text become typed, so `accuracy > 0.9` compares numbers. */
function typed(value: string): unknown {
  const t = value.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return value;
}

export function parseOutputs(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const value: unknown = JSON.parse(trimmed);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('the output file holds JSON that is not an object');
    return value as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.startsWith('#')) continue;
    const heredoc = /^([A-Za-z_][\w.-]*)<<(\S+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i] ?? '');
      out[heredoc[1] ?? ''] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`output line ${i + 1} is not key=value: "${line.slice(0, 60)}"`);
    out[line.slice(0, eq).trim()] = typed(line.slice(eq + 1));
  }
  return out;
}
