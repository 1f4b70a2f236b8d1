import { isBatonError } from '../core/errors.js';
import { storeError } from './open.js';

// What a full or failing disk looks like to Node (a write's error names no file), and a read-only one (its error does).
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

function isDiskError(e: unknown): boolean {
  const { code, path } = (e ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code !== 'string') return false;
  // EPERM from kill() is not about the disk: only a refusal that names a file is.
  return code.startsWith('SQLITE_') || FULL.has(code) || (READ_ONLY.has(code) && typeof path === 'string');
}

/**
 * An error from the database or the disk under a run (the event log's batch, a workspace folder, a
 * checkpoint copy) as the one-line StoreError that says what to do; anything else unchanged.
 */
export function asDiskError(e: unknown, dbPath: string): unknown {
  return !isBatonError(e) && isDiskError(e) ? storeError(e, dbPath) : e;
}
