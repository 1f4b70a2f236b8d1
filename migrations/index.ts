import type { Migration } from 'kysely';
import * as init from './0001_init.js';
import * as breakers from './0002_breakers.js';
import * as lease from './0003_lease.js';

/** Every migration, by name, in order. Listed statically so the CLI needs no directory scan at start-up. */
export const migrations: Record<string, Migration> = {
  '0001_init': init,
  '0002_breakers': breakers,
  '0003_lease': lease,
};
