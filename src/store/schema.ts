import type { Generated } from 'kysely';

/** The database as kysely sees it; migrations/ creates it. */
export interface Database {
  sessions: { id: string; created_at: number; title: string | null; project_dir: string };
  messages: { id: Generated<number>; session_id: string; role: string; content: string; created_at: number };
  plans: { id: string; session_id: string | null; name: string; source: string; base_dir: string; spec: string; created_at: number };
  runs: {
    id: string;
    plan_id: string;
    session_id: string | null;
    name: string;
    status: string;
    created_at: number;
    started_at: number | null;
    finished_at: number | null;
    owner_pid: number | null;
    owner_host: string | null;
    /** The owner's lease, ms since the epoch: 0 released, null never leased (migrations/0003_lease.ts). */
    lease_until: number | null;
    heartbeat_at: number | null;
    reason: string | null;
    last_seq: Generated<number>;
  };
  steps: {
    run_id: string;
    step_id: string;
    position: number;
    command: string | null;
    status: string;
    attempts: number;
    outputs: string;
    started_at: number | null;
    finished_at: number | null;
    duration_ms: number | null;
    error: string | null;
    reason: string | null;
  };
  attempts: {
    run_id: string;
    step_id: string;
    attempt: number;
    status: string;
    agent: string;
    pid: number | null;
    exit_code: number | null;
    started_at: number;
    finished_at: number | null;
    workdir: string;
    log_path: string;
    error: string | null;
  };
  events: {
    id: Generated<number>;
    run_id: string;
    seq: number;
    ts: number;
    type: string;
    step_id: string | null;
    attempt: number | null;
    data: string;
  };
  checkpoints: { run_id: string; seq: number; state: string; created_at: number };
  artifacts: { id: Generated<number>; run_id: string; step_id: string; name: string; path: string; hash: string | null; size: number | null; created_at: number };
  variables: { name: string; value: string; run_id: string | null; updated_at: number };
  breakers: { key: string; position: string; failures: number; opened_at: number | null; updated_at: number };
}
