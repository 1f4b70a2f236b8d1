import BetterSqlite3 from 'better-sqlite3';
import { pathToFileURL } from 'node:url';
import { storeError } from './open.js';

// SQLite reads URIs (for `immutable` below) only when told so before its first connection.
process.env.SQLITE_USE_URI ??= '1';

/**
 * True when SQLite could not open the database because its folder is read-only for this user: a
 * WAL database needs its `-shm` file beside it even to be read, and cannot create it there.
 */
export function inReadOnlyFolder(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_CANTINIT';
}

/**
 * The database opened for reading only, as an immutable file (no `-shm`, no locks), so that
 * `baton runs`, `status` and `logs` work in a `.baton/` this user cannot write. Whoever can write
 * there is not expected to be writing at the same moment; if they are, a read may see a stale run.
 */
export function openReadOnly(path: string): BetterSqlite3.Database {
  try {
    return new BetterSqlite3(`${pathToFileURL(path).href}?immutable=1`, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw storeError(e, path);
  }
}
