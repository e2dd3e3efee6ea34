/**
 * @module bench/hanoi/decision-log
 * Run records for the Hanoi benchmark: every step's decision (a {@link DecisionRecord}, task id `step-<n>`) and a
 * checkpoint every N steps (a task record `checkpoint-<n>` whose spec is `{ step, state, previousMove }`, enough to
 * resume). Two writers put the same rows in the same SQLite run store file:
 *
 * - {@link StoreDecisionLog}: through the {@link RunStore} contract, one committed transaction per record;
 * - {@link BatchedDecisionLog}: one prepared-statement transaction per checkpoint interval on the store's file (the
 *   run is created and finished through {@link SqliteRunStore}); the checkpoint row commits with the decisions it
 *   covers, so a crash loses at most the steps since the last checkpoint, which is what a checkpoint promises.
 *
 * The store's contract makes every write durable on its own; at a million steps that is one fsync per step, which
 * is why the full benchmark uses the batched writer (the benchmark measures both).
 */
import Database from 'better-sqlite3';
import { SqliteRunStore, type DecisionRecord, type RunStore } from '../../src/index.js';

/** Where decisions and checkpoints go. */
export interface DecisionLog {
  recordDecision(decision: DecisionRecord): Promise<void> | void;
  checkpoint(step: number, state: string, previousMove: string | null): Promise<void> | void;
  /** Flushes and closes; returns the rows written. */
  close(summary: Readonly<Record<string, unknown>>): Promise<{ decisions: number; checkpoints: number }>;
}

/** Options shared by both logs. */
export interface DecisionLogOptions {
  readonly path: string;
  readonly runId: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** `full` (the store's default: fsync per commit) or `normal`. */
  readonly synchronous: 'full' | 'normal';
}

/** Per-record writes through the RunStore contract. */
export class StoreDecisionLog implements DecisionLog {
  #decisions = 0;
  #checkpoints = 0;
  private constructor(private readonly store: RunStore, private readonly runId: string) {}

  static async open(options: DecisionLogOptions): Promise<StoreDecisionLog> {
    const store = await SqliteRunStore.open({ path: options.path, synchronous: options.synchronous });
    await store.createRun({ id: options.runId, kind: 'bench-hanoi', model: 'simulated', config: options.config, createdAt: Date.now() });
    return new StoreDecisionLog(store, options.runId);
  }

  async recordDecision(decision: DecisionRecord): Promise<void> {
    await this.store.recordDecision(this.runId, decision);
    this.#decisions += 1;
  }

  async checkpoint(step: number, state: string, previousMove: string | null): Promise<void> {
    await this.store.recordTask(this.runId, { taskId: checkpointId(step), spec: { step, state, previousMove } });
    this.#checkpoints += 1;
  }

  async close(summary: Readonly<Record<string, unknown>>): Promise<{ decisions: number; checkpoints: number }> {
    try {
      await this.store.finishRun(this.runId, { status: 'completed', finishedAt: Date.now(), summary });
    } finally {
      await this.store.close();
    }
    return { decisions: this.#decisions, checkpoints: this.#checkpoints };
  }
}

/** Buffered writes, committed once per checkpoint interval. */
export class BatchedDecisionLog implements DecisionLog {
  readonly #db: Database.Database;
  readonly #insertDecision: Database.Statement;
  readonly #insertTask: Database.Statement;
  readonly #flush: (rows: readonly DecisionRecord[], checkpoint: readonly [string, string] | null) => void;
  #buffer: DecisionRecord[] = [];
  #decisions = 0;
  #checkpoints = 0;

  private constructor(private readonly options: DecisionLogOptions) {
    this.#db = new Database(options.path);
    this.#db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.#db.pragma('foreign_keys = ON');
    this.#insertDecision = this.#db.prepare(
      'INSERT INTO decisions (run_id, task_id, outcome, class_key, code, votes, runner_up_votes, samples, k, reason, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertTask = this.#db.prepare('INSERT INTO tasks (run_id, task_id, spec) VALUES (?, ?, ?)');
    this.#flush = this.#db.transaction((rows: readonly DecisionRecord[], checkpoint: readonly [string, string] | null) => {
      for (const d of rows) {
        this.#insertDecision.run(options.runId, d.taskId, d.outcome, d.classKey, d.code, d.votes, d.runnerUpVotes, d.samples, d.k, d.reason, d.decidedAt);
      }
      if (checkpoint !== null) this.#insertTask.run(options.runId, checkpoint[0], checkpoint[1]);
    });
  }

  /** Creates the store file and the run through {@link SqliteRunStore}, then opens the batch connection. */
  static async open(options: DecisionLogOptions): Promise<BatchedDecisionLog> {
    const store = await SqliteRunStore.open({ path: options.path, synchronous: options.synchronous });
    try {
      await store.createRun({ id: options.runId, kind: 'bench-hanoi', model: 'simulated', config: options.config, createdAt: Date.now() });
    } finally {
      await store.close();
    }
    return new BatchedDecisionLog(options);
  }

  recordDecision(decision: DecisionRecord): void {
    this.#buffer.push(decision);
  }

  checkpoint(step: number, state: string, previousMove: string | null): void {
    this.#commit([checkpointId(step), JSON.stringify({ step, state, previousMove })]);
    this.#checkpoints += 1;
  }

  async close(summary: Readonly<Record<string, unknown>>): Promise<{ decisions: number; checkpoints: number }> {
    try {
      this.#commit(null);
    } finally {
      this.#db.close();
    }
    const store = await SqliteRunStore.open({ path: this.options.path, synchronous: this.options.synchronous });
    try {
      await store.finishRun(this.options.runId, { status: 'completed', finishedAt: Date.now(), summary });
    } finally {
      await store.close();
    }
    return { decisions: this.#decisions, checkpoints: this.#checkpoints };
  }

  #commit(checkpoint: readonly [string, string] | null): void {
    const rows = this.#buffer;
    this.#buffer = [];
    this.#flush(rows, checkpoint);
    this.#decisions += rows.length;
  }
}

/** Counts the rows of a run in a store file (a read-back check that the records are there). */
export function countRecords(path: string, runId: string): { decisions: number; checkpoints: number } {
  const db = new Database(path, { readonly: true });
  try {
    const count = (sql: string): number => (db.prepare(sql).get(runId) as { n: number }).n;
    return {
      decisions: count("SELECT COUNT(*) AS n FROM decisions WHERE run_id = ? AND task_id LIKE 'step-%'"),
      checkpoints: count("SELECT COUNT(*) AS n FROM tasks WHERE run_id = ? AND task_id LIKE 'checkpoint-%'"),
    };
  } finally {
    db.close();
  }
}

function checkpointId(step: number): string {
  return `checkpoint-${String(step).padStart(8, '0')}`;
}
