import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Circuit breakers outlive runs: a failing service stays avoided across them. */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('breakers')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'integer')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('breakers').execute();
}
