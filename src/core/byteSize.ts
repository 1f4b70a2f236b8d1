import { ValidationError } from './errors.js';

const KB = 1024;
const UNITS: Record<string, number> = { b: 1, kb: KB, kib: KB, mb: KB ** 2, mib: KB ** 2, gb: KB ** 3, gib: KB ** 3, tb: KB ** 4, tib: KB ** 4 };

/** How much of a step's output its log keeps from the start, unless `logLimit` says otherwise. */
export const DEFAULT_LOG_LIMIT = 100 * KB ** 2;
/** Below this a log would not hold even a short error message. */
export const MIN_LOG_LIMIT = KB;
/** The shell's arithmetic and the file systems baton runs on are comfortable up to here. */
export const MAX_LOG_LIMIT = KB ** 4;

/**
 * Parses a size such as `512KB`, `100MB`, `1.5GB` or a bare number of bytes. Units are binary
 * (1 MB = 1,048,576 bytes), as in most tools that size logs; `MiB` and friends mean the same.
 */
export function parseByteSize(value: string | number, field = 'size'): number {
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase() || 'b'];
  if (!m || unit === undefined) throw new ValidationError(`${field}: "${text.slice(0, 40)}" is not a size (write it like 512KB, 100MB or 1GB)`);
  return Math.floor(Number(m[1]) * unit);
}

/** `104857600` → `100 MB`; sizes that are no whole number of a unit stay in bytes. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['TB', KB ** 4], ['GB', KB ** 3], ['MB', KB ** 2], ['KB', KB]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
