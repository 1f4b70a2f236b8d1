import type { VariableStore } from '../engine/deps.js';
import { storeError, type Store } from './open.js';

export interface VariableRow {
  name: string;
  value: unknown;
  runId: string | null;
  updatedAt: number;
}

/**
 * Cross-workflow variables (`baton vars`, `${{ store.name }}`, a step's `export:`), kept as JSON.
 * Synchronous because the engine reads and sets them between two events.
 */
export class VariableRepository implements VariableStore {
  constructor(private readonly store: Store) {}

  all(): Record<string, unknown> {
    const rows = this.store.sqlite.prepare('select name, value from variables').all() as { name: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, JSON.parse(r.value) as unknown]));
  }

  list(): VariableRow[] {
    const rows = this.store.sqlite.prepare('select name, value, run_id, updated_at from variables order by name').all() as {
      name: string;
      value: string;
      run_id: string | null;
      updated_at: number;
    }[];
    return rows.map((r) => ({ name: r.name, value: JSON.parse(r.value) as unknown, runId: r.run_id, updatedAt: r.updated_at }));
  }

  get(name: string): VariableRow | undefined {
    return this.list().find((r) => r.name === name);
  }

  set(name: string, value: unknown, runId: string | null): void {
    try {
      this.store.sqlite
        .prepare('insert into variables (name, value, run_id, updated_at) values (?, ?, ?, ?) on conflict (name) do update set value = excluded.value, run_id = excluded.run_id, updated_at = excluded.updated_at')
        .run(name, JSON.stringify(value ?? null), runId, Date.now());
    } catch (e) {
      throw storeError(e, this.store.path);
    }
  }

  remove(name: string): boolean {
    return this.store.sqlite.prepare('delete from variables where name = ?').run(name).changes > 0;
  }
}
