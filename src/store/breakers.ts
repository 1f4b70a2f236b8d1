import { closedBreaker, type BreakerPosition, type BreakerState } from '../core/breaker.js';
import { storeError, type Store } from './open.js';

/** Circuit breakers, kept across runs. Synchronous: the scheduler asks between two events. */
export class BreakerRepository {
  constructor(private readonly store: Store) {}

  get(key: string): BreakerState {
    const row = this.store.sqlite.prepare('select key, position, failures, opened_at from breakers where key = ?').get(key) as
      | { key: string; position: BreakerPosition; failures: number; opened_at: number | null }
      | undefined;
    if (!row) return closedBreaker(key);
    const b: BreakerState = { key: row.key, position: row.position, failures: row.failures };
    if (row.opened_at !== null) b.openedAt = row.opened_at;
    return b;
  }

  put(b: BreakerState): void {
    try {
      this.store.sqlite
        .prepare(
          'insert into breakers (key, position, failures, opened_at, updated_at) values (?, ?, ?, ?, ?) on conflict (key) do update set position = excluded.position, failures = excluded.failures, opened_at = excluded.opened_at, updated_at = excluded.updated_at',
        )
        .run(b.key, b.position, b.failures, b.openedAt ?? null, Date.now());
    } catch (e) {
      throw storeError(e, this.store.path);
    }
  }

  all(): BreakerState[] {
    return (this.store.sqlite.prepare('select key from breakers order by key').pluck().all() as string[]).map((k) => this.get(k));
  }
}
