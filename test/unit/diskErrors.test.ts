import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.js';
import { asDiskError } from '../../src/store/diskErrors.js';
import { storeError } from '../../src/store/open.js';

const DB = '/p/.baton/baton.db';
const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code });
const fsError = (code: string, syscall: string, path?: string) => Object.assign(new Error(`${code}: ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, ...(path ? { path } : {}) });

describe('storeError: a disk that refuses a write, in one line that says what to do', () => {
  it('a read-only folder is named, with how to fix it', () => {
    const e = storeError(sqlite('SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database'), DB);
    expect(e.message).toBe('cannot write in /p/.baton: it is read-only for this user (attempt to write a readonly database)');
    expect(e.hint).toMatch(/^make it writable \(chmod u\+w \/p\/\.baton, or run baton as its owner\)/);
    expect(e.exitCode).toBe(2);
    expect(storeError(fsError('EACCES', 'mkdir', '/p/.baton/runs/4f2a/steps'), DB).message).toMatch(/^cannot write in \/p\/\.baton\/runs\/4f2a: it is read-only/);
  });

  it('a full disk, a quota, a file size limit and SQLite\'s I/O error all say to free space and resume', () => {
    expect(storeError(sqlite('SQLITE_FULL', 'database or disk is full'), DB).message).toBe(`cannot write ${DB}: the disk is full`);
    expect(storeError(fsError('ENOSPC', 'write'), DB).message).toBe(`cannot write ${DB}: the disk is full`);
    expect(storeError(fsError('ENOSPC', 'open', '/p/.baton/runs/r/.baton-run'), DB).message).toBe('cannot write /p/.baton/runs/r/.baton-run: the disk is full');
    expect(storeError(fsError('EDQUOT', 'write'), DB).message).toMatch(/disk quota is used up/);
    expect(storeError(fsError('EFBIG', 'write'), DB).message).toMatch(/reached the file size limit \(ulimit -f\)/);
    const io = storeError(sqlite('SQLITE_IOERR_WRITE', 'disk I/O error'), DB);
    expect(io.message).toBe(`cannot write ${DB}: the disk is full or failing (disk I/O error, SQLITE_IOERR_WRITE)`);
    expect(io.hint).toMatch(/^free some space .*then resume the run/);
  });
});

describe('asDiskError: only errors about the disk become StoreErrors', () => {
  it('maps SQLite and file errors, and leaves others alone', () => {
    expect(asDiskError(sqlite('SQLITE_IOERR_WRITE', 'disk I/O error'), DB)).toBeInstanceOf(StoreError);
    expect(asDiskError(fsError('ENOSPC', 'write'), DB)).toBeInstanceOf(StoreError);
    expect(asDiskError(fsError('EACCES', 'open', '/p/x'), DB)).toBeInstanceOf(StoreError);
    // kill() refused is about a process, not the disk.
    const kill = fsError('EPERM', 'kill');
    expect(asDiskError(kill, DB)).toBe(kill);
    const plain = new TypeError('x is undefined');
    expect(asDiskError(plain, DB)).toBe(plain);
    const already = new StoreError('locked');
    expect(asDiskError(already, DB)).toBe(already);
  });
});
