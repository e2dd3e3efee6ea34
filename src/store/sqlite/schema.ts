/**
 * @module store/sqlite/schema
 * Row types of the SQLite run store, as kysely sees them (snake_case columns; JSON columns are TEXT). The DDL that
 * creates these tables lives in `migrations.ts`; keep the two in step. kysely's `Migrator` keeps its own tables
 * (`zerr_migration`, `zerr_migration_lock`), which the store's queries never touch.
 */
import type { EscalationRecord, EscalationStatus, RunStatus } from '../run-store.js';

export interface RunsTable {
  id: string;
  kind: string;
  model: string;
  /** JSON text. */
  config: string;
  status: RunStatus;
  created_at: number;
  finished_at: number | null;
  /** JSON text, null until the run is finished. */
  summary: string | null;
}

export interface TasksTable {
  run_id: string;
  task_id: string;
  /** JSON text; null when the spec was `undefined`. */
  spec: string | null;
}

export interface SamplesTable {
  run_id: string;
  task_id: string;
  sample_index: number;
  model: string;
  temperature: number | null;
  prompt_variant: string;
  text: string;
  code: string | null;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  finish_reason: string;
  cost_usd: number | null;
  created_at: number;
}

export interface CallFailuresTable {
  run_id: string;
  task_id: string;
  sample_index: number;
  code: string;
  status_code: number | null;
  message: string;
  attempts: number;
  created_at: number;
}

export interface RedFlagsTable {
  run_id: string;
  task_id: string;
  sample_index: number;
  rule: string;
  reason: string;
}

export interface LayerResultsTable {
  run_id: string;
  task_id: string;
  sample_index: number;
  layer: string;
  status: 'pass' | 'fail' | 'skipped';
  reason: string;
  duration_ms: number;
  /** JSON text; null when details were `undefined`. */
  details: string | null;
}

export interface VotesTable {
  run_id: string;
  task_id: string;
  sample_index: number;
  class_key: string;
  signature: string;
}

export interface DecisionsTable {
  run_id: string;
  task_id: string;
  outcome: string;
  class_key: string | null;
  code: string | null;
  votes: number;
  runner_up_votes: number;
  samples: number;
  k: number;
  reason: string;
  decided_at: number;
}

/** Since schema version 2. */
export interface CheckpointsTable {
  run_id: string;
  /** 1, 2, 3, ... per run, assigned by the store. */
  seq: number;
  kind: string;
  /** JSON text; null when the body was `undefined`. */
  body: string | null;
  created_at: number;
}

/** Since schema version 2. */
export interface EscalationsTable {
  run_id: string;
  escalation_id: string;
  task_id: string;
  kind: EscalationRecord['kind'];
  reason: string;
  question: string;
  /** JSON text; null when the context was `undefined`. */
  context: string | null;
  status: EscalationStatus;
  /** JSON text; null while open. */
  answer: string | null;
  answered_by: string | null;
  created_at: number;
  answered_at: number | null;
}

/** `run_events`: a run's numbered event log (migration 3). */
export interface RunEventsTable {
  run_id: string;
  id: number;
  /** The event as JSON text. */
  event: string;
}

/** `run_owners`: the process that holds a run (migration 4). */
export interface RunOwnersTable {
  run_id: string;
  owner: string;
  pid: number;
  host: string;
  claimed_at: number;
  heartbeat_at: number;
}

/** The kysely database type of the run store. */
export interface RunStoreDatabase {
  runs: RunsTable;
  tasks: TasksTable;
  samples: SamplesTable;
  call_failures: CallFailuresTable;
  red_flags: RedFlagsTable;
  layer_results: LayerResultsTable;
  votes: VotesTable;
  decisions: DecisionsTable;
  checkpoints: CheckpointsTable;
  escalations: EscalationsTable;
  run_events: RunEventsTable;
  run_owners: RunOwnersTable;
}
