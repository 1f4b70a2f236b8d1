import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { StoreError, errorMessage } from '../core/errors.js';
import { stateDir } from '../registry/paths.js';
import type { Database } from './schema.js';

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

export function dbPath(projectDir: string): string {
  return join(stateDir(projectDir), 'baton.db');
}

/** Turns SQLite's failures into one-line messages that say what to do. */
export function storeError(e: unknown, path: string): StoreError {
  const code = (e as { code?: string }).code ?? '';
  const message = errorMessage(e);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(message)) {
    return new StoreError(`${path} is not a readable Baton database (corrupt or not SQLite)`, `move it aside (mv ${path} ${path}.bad) and Baton starts a new one; nothing was changed`);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError(`${path} is locked by another process`, 'wait for the other baton to finish, or stop it, then try again');
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EROFS') {
    return new StoreError(`cannot write ${path} (${message})`, 'check the permissions of the .baton folder or pass --dir to a writable project');
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new StoreError(`the disk holding ${path} is full`, 'free some space and resume the run');
  }
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
    sqlite.pragma('busy_timeout = 5000');
    // WAL lets readers (baton status in another terminal) work while a run writes. NORMAL sync in
    // WAL mode survives a killed process intact; only a power cut can lose the last commits, and
    // the database stays consistent either way.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (e) {
    throw storeError(e, path);
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
  const known = new Set(Object.keys(migrations));
  const hasTable = store.sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
  if (hasTable) {
    const applied = store.sqlite.prepare('select name from kysely_migration').all() as { name: string }[];
    const unknown = applied.filter((m) => !known.has(m.name)).map((m) => m.name);
    if (unknown.length > 0) {
      throw new StoreError(
        `${store.path} was written by a newer Baton (schema ${unknown.join(', ')})`,
        'upgrade baton (npm install) to use this project; nothing was changed',
      );
    }
    if (applied.length === known.size) return;
  }
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw storeError(error, store.path);
}
