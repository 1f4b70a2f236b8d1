import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { StoreError, errorMessage } from '../core/errors.js';
import { stateDir } from '../registry/paths.js';
import type { Database } from './schema.js';
import { inReadOnlyFolder, openReadOnly } from './readOnly.js';

export interface Store {
  db: Kysely<Database>;
  /**
   * The raw connection, for the one hot path kysely would slow down: appending event batches with
   * a prepared statement (see eventLog.ts). Everything else goes through kysely.
   */
  sqlite: BetterSqlite3.Database;
  path: string;
  close(): Promise<void>;
}

/**
 * How long a statement waits for another process's write lock before SQLITE_BUSY. Writers hold it
 * for one short transaction (a batch of events, a lease renewal), so this is only reached when
 * something holds the database far longer than Baton ever does.
 */
export const BUSY_TIMEOUT_MS = 5000;

export function dbPath(projectDir: string): string {
  return join(stateDir(projectDir), 'baton.db');
}

/**
 * Turns SQLite's failures, and the file system's under a run (its workspace, a checkpoint), into
 * one-line messages that say what to do.
 */
export function storeError(e: unknown, path: string): StoreError {
  const code = (e as { code?: string }).code ?? '';
  const message = errorMessage(e);
  // A file system error names its own file; SQLite's are about the database.
  const where = (e as { path?: unknown }).path;
  const file = typeof where === 'string' ? where : path;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(message)) {
    return new StoreError(`${path} is not a readable Baton database (corrupt or not SQLite)`, `move it aside (mv ${path} ${path}.bad) and Baton starts a new one; nothing was changed`);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError(`${path} is locked by another process`, 'wait for the other baton to finish, or stop it, then try again');
  }
  // SQLITE_READONLY_DIRECTORY and its kin: the folder, not just the file, is what the user must fix.
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const folder = dirname(file);
    return new StoreError(
      `cannot write in ${folder}: it is read-only for this user (${message})`,
      `make it writable (chmod u+w ${folder}, or run baton as its owner), or pass --dir to a writable project; baton runs, status and logs can still read it`,
    );
  }
  const resume = 'free some space (df -h shows it), then resume the run; what was written before is intact';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return new StoreError(`cannot write ${file}: the disk is full`, resume);
  if (code === 'EDQUOT') return new StoreError(`cannot write ${file}: the disk quota is used up`, resume);
  if (code === 'EFBIG') return new StoreError(`cannot write ${file}: it reached the file size limit (ulimit -f)`, 'raise the limit, then resume the run; what was written before is intact');
  // SQLite reports a write refused for want of space other than ENOSPC (a file size limit, a quota) as an I/O error.
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return new StoreError(`cannot write ${file}: the disk is full or failing (${message}, ${code})`, resume);
  return new StoreError(`database error in ${path}: ${message}`);
}

export interface OpenOptions {
  /** Create `.baton/` and the database when missing (commands that write); otherwise a missing store is an error. */
  create: boolean;
}

export async function openStore(projectDir: string, options: OpenOptions): Promise<Store> {
  const path = dbPath(projectDir);
  if (!existsSync(path)) {
    if (!options.create) {
      throw new StoreError(`no Baton project in ${projectDir} (no .baton/baton.db)`, 'run a plan here first (baton run FILE), or pass --dir to the project');
    }
    try {
      mkdirSync(stateDir(projectDir), { recursive: true });
    } catch (e) {
      throw storeError(e, path);
    }
  }
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(path);
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL lets readers (baton status in another terminal) work while a run writes. NORMAL sync in
    // WAL mode survives a killed process intact; only a power cut can lose the last commits, and
    // the database stays consistent either way.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (e) {
    // A .baton/ this user cannot write: the commands that only read still can.
    if (options.create || !inReadOnlyFolder(e)) throw storeError(e, path);
    sqlite = openReadOnly(path);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const store: Store = { db, sqlite, path, close: () => db.destroy() };
  try {
    await migrate(store);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    throw e instanceof StoreError ? e : storeError(e, path);
  }
  return store;
}

async function migrate(store: Store): Promise<void> {
  if (upToDate(store)) return;
  // Two batons starting at once on a new or older database would both migrate. The migrations run
  // inside one IMMEDIATE transaction: the second waits for the first (busy timeout), then finds
  // nothing left to do. (Kysely's own transaction would begin deferred, and a deferred transaction
  // that reads, then writes after another process committed, fails with SQLITE_BUSY at once.)
  store.sqlite.exec('begin immediate');
  try {
    if (!upToDate(store)) {
      const migrator = new Migrator({ db: store.db, provider: { getMigrations: () => Promise.resolve(migrations) }, disableTransactions: true });
      const { error } = await migrator.migrateToLatest();
      if (error) throw storeError(error, store.path);
    }
    store.sqlite.exec('commit');
  } catch (e) {
    if (store.sqlite.inTransaction) store.sqlite.exec('rollback');
    throw e;
  }
}

/** Whether every migration has run; refuses a database a newer Baton wrote. */
function upToDate(store: Store): boolean {
  const known = new Set(Object.keys(migrations));
  const hasTable = store.sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
  if (!hasTable) return false;
  const applied = store.sqlite.prepare('select name from kysely_migration').all() as { name: string }[];
  const unknown = applied.filter((m) => !known.has(m.name)).map((m) => m.name);
  if (unknown.length > 0) {
    throw new StoreError(
      `${store.path} was written by a newer Baton (schema ${unknown.join(', ')})`,
      'upgrade baton (npm install) to use this project; nothing was changed',
    );
  }
  return applied.length === known.size;
}
