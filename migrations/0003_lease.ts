import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * A run's lease: the baton that drives a run renews `lease_until` every few seconds, so another
 * process (on this host or another sharing the folder) can tell a live owner from a dead one.
 * Columns on `runs` rather than a table of their own: a run has at most one owner, the owner
 * columns already live there, and taking a run must change owner and lease in one conditional
 * UPDATE of one row, which `baton runs` then reads without a join.
 */
export async function up(db: AnyDb): Promise<void> {
  // Milliseconds since the epoch; 0 means released by its owner, null means never leased (a run from before leases).
  await db.schema.alterTable('runs').addColumn('lease_until', 'integer').execute();
  await db.schema.alterTable('runs').addColumn('heartbeat_at', 'integer').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('runs').dropColumn('heartbeat_at').execute();
  await db.schema.alterTable('runs').dropColumn('lease_until').execute();
}
