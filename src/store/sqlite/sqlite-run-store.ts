/**
 * @module store/sqlite/sqlite-run-store
 * The embedded default {@link RunStore}: one SQLite file per store (default `.zerr/runs.sqlite`), on better-sqlite3
 * with kysely for typed queries. Every `record*` call is one single-row INSERT in autocommit mode, so it is one
 * committed transaction when its promise resolves; constraints do the checking atomically (foreign key on
 * `run_id` -> `run_not_found`, primary key / unique -> `duplicate_record`). A checkpoint's `seq` is computed inside
 * its INSERT, and an answer is one conditional UPDATE, so both stay atomic across processes sharing the file.
 */
import { Kysely, SqliteDialect, sql, type Transaction } from 'kysely';
import type {
  CallFailureRecord,
  DecisionRecord,
  EscalationRecord,
  EscalationStatus,
  LayerResultRecord,
  NewEscalation,
  NewRun,
  RedFlagRecord,
  RunEventRecord,
  RunOwner,
  RunRecord,
  RunStatus,
  RunStore,
  RunSummary,
  SampleRecord,
  TaskRecord,
  VoteRecord,
} from '../run-store.js';
import type { StoreRecordKind } from '../errors/duplicate-record-error.js';
import { EscalationAnsweredError } from '../errors/escalation-answered-error.js';
import { EscalationNotFoundError } from '../errors/escalation-not-found-error.js';
import { RunBusyError } from '../errors/run-busy-error.js';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import { StoreClosedError } from '../errors/store-closed-error.js';
import { StoreUnavailableError } from '../errors/store-unavailable-error.js';
import { assertEventIdsContinue } from '../event-ids.js';
import { decodeJson, encodeJson } from '../json-column.js';
import { recordKeys } from '../record-keys.js';
import * as schemas from '../record-schemas.js';
import { mapConstraintError } from './constraint-error.js';
import { explainStoreOpenFailure } from './open-failure.js';
import { openDatabase, type OpenDatabaseOptions } from './open-database.js';
import * as rows from './row-mapping.js';
import { storageFailureOf } from './storage-failure.js';
import type { RunStoreDatabase } from './schema.js';

/** Options of {@link SqliteRunStore.open}: `path` (required), `busyTimeoutMs` (5000), `synchronous` (`full`). */
export type SqliteRunStoreOptions = OpenDatabaseOptions;

type Db = Kysely<RunStoreDatabase>;

/**
 * SQLite run store. Open with `await SqliteRunStore.open({ path })`; see {@link RunStore} for the contract.
 *
 * Throws `store_open_failed` from `open`; `invalid_argument`, `run_not_found`, `duplicate_record`,
 * `escalation_not_found`, `escalation_already_answered` and `store_closed` from the methods, and `store_unavailable`
 * (StoreUnavailableError naming the file) when SQLite reports the disk full, the file or its file system read-only,
 * an I/O error or a file it cannot open (`SQLITE_FULL`, `SQLITE_READONLY*`, `SQLITE_IOERR*`, `SQLITE_CANTOPEN*`); what
 * was recorded before stays. Records come back
 * ordered by (taskId, sampleIndex), ties in recording order; checkpoints by `seq`; escalations by `createdAt`, ties in
 * recording order. `finishRun` may be called again on a finished run (the last call wins); records may still be added
 * after it. `reopenRun` keeps the last summary until the next `finishRun`.
 */
export class SqliteRunStore implements RunStore {
  /** The file this store writes, as given to `open`. */
  readonly path: string;
  readonly #db: Db;
  #closing: Promise<void> | undefined;

  private constructor(path: string, db: Db) {
    this.path = path;
    this.#db = db;
  }

  /**
   * Opens or creates the store file (and its parent folders), switches it to WAL mode with foreign keys on and
   * applies pending schema migrations.
   * @throws StoreOpenError (`store_open_failed`) naming the path.
   */
  static async open(options: SqliteRunStoreOptions): Promise<SqliteRunStore> {
    schemas.validate(schemas.runIdSchema, options.path, 'options.path');
    // A failure the storage causes (full disk, read-only file system, or a file or folder this user may not write)
    // is said as such, for every caller: the CLI, the HTTP service and the MCP server.
    const database = await openDatabase(options).catch(async (error: unknown) => {
      throw options.path === ':memory:' ? error : await explainStoreOpenFailure(error, options.path);
    });
    return new SqliteRunStore(options.path, new Kysely<RunStoreDatabase>({ dialect: new SqliteDialect({ database }) }));
  }

  async createRun(run: NewRun): Promise<void> {
    const r = this.#input('createRun', undefined, schemas.newRunSchema, run, 'run');
    const values = {
      id: r.id, kind: r.kind, model: r.model, config: encodeJson(r.config, 'run.config') ?? '{}',
      status: 'running' as const, created_at: r.createdAt, finished_at: null, summary: null,
    };
    await this.#insert('createRun', r.id, 'run', recordKeys.run(r.id), (db) =>
      db.insertInto('runs').values(values).execute());
  }

  async recordTask(runId: string, task: TaskRecord): Promise<void> {
    const t = this.#input('recordTask', runId, schemas.taskSchema, task, 'task');
    const values = { run_id: runId, task_id: t.taskId, spec: encodeJson(t.spec, 'task.spec') };
    await this.#insert('recordTask', runId, 'task', recordKeys.task(t), (db) =>
      db.insertInto('tasks').values(values).execute());
  }

  async recordSample(runId: string, sample: SampleRecord): Promise<void> {
    const s = this.#input('recordSample', runId, schemas.sampleSchema, sample, 'sample');
    await this.#insert('recordSample', runId, 'sample', recordKeys.sample(s), (db) =>
      db.insertInto('samples').values(rows.sampleToRow(runId, s)).execute());
  }

  async recordCallFailure(runId: string, failure: CallFailureRecord): Promise<void> {
    const f = this.#input('recordCallFailure', runId, schemas.callFailureSchema, failure, 'failure');
    await this.#insert('recordCallFailure', runId, 'call-failure', recordKeys.sample(f), (db) =>
      db.insertInto('call_failures').values(rows.callFailureToRow(runId, f)).execute());
  }

  async recordRedFlag(runId: string, hit: RedFlagRecord): Promise<void> {
    const h = this.#input('recordRedFlag', runId, schemas.redFlagSchema, hit, 'hit');
    const values = { run_id: runId, task_id: h.taskId, sample_index: h.sampleIndex, rule: h.rule, reason: h.reason };
    await this.#insert('recordRedFlag', runId, 'red-flag', recordKeys.redFlag(h), (db) =>
      db.insertInto('red_flags').values(values).execute());
  }

  async recordLayerResult(runId: string, result: LayerResultRecord): Promise<void> {
    const l = this.#input('recordLayerResult', runId, schemas.layerResultSchema, result, 'result');
    const values = {
      run_id: runId, task_id: l.taskId, sample_index: l.sampleIndex, layer: l.layer, status: l.status,
      reason: l.reason, duration_ms: l.durationMs, details: encodeJson(l.details, 'result.details'),
    };
    await this.#insert('recordLayerResult', runId, 'layer-result', recordKeys.layerResult(l), (db) =>
      db.insertInto('layer_results').values(values).execute());
  }

  async recordVote(runId: string, vote: VoteRecord): Promise<void> {
    const v = this.#input('recordVote', runId, schemas.voteSchema, vote, 'vote');
    const values = {
      run_id: runId, task_id: v.taskId, sample_index: v.sampleIndex, class_key: v.classKey, signature: v.signature,
    };
    await this.#insert('recordVote', runId, 'vote', recordKeys.vote(v), (db) =>
      db.insertInto('votes').values(values).execute());
  }

  async recordDecision(runId: string, decision: DecisionRecord): Promise<void> {
    const d = this.#input('recordDecision', runId, schemas.decisionSchema, decision, 'decision');
    await this.#insert('recordDecision', runId, 'decision', recordKeys.decision(d), (db) =>
      db.insertInto('decisions').values(rows.decisionToRow(runId, d)).execute());
  }

  async finishRun(
    runId: string,
    end: { readonly status: RunStatus; readonly finishedAt: number; readonly summary: Readonly<Record<string, unknown>> },
  ): Promise<void> {
    const e = this.#input('finishRun', runId, schemas.finishSchema, end, 'end');
    const values = { status: e.status, finished_at: e.finishedAt, summary: encodeJson(e.summary, 'end.summary') };
    const result = await this.#guard('finishRun', () =>
      this.#db.updateTable('runs').set(values).where('id', '=', runId).executeTakeFirst());
    if (result.numUpdatedRows === 0n) throw new RunNotFoundError({ runId });
  }

  async reopenRun(runId: string): Promise<void> {
    this.#input('reopenRun', runId, schemas.runIdSchema, runId, 'runId');
    const result = await this.#guard('reopenRun', () =>
      this.#db.updateTable('runs').set({ status: 'running', finished_at: null }).where('id', '=', runId).executeTakeFirst());
    if (result.numUpdatedRows === 0n) throw new RunNotFoundError({ runId });
  }

  async recordCheckpoint(
    runId: string,
    checkpoint: { readonly kind: string; readonly body: unknown; readonly createdAt: number },
  ): Promise<number> {
    const c = this.#input('recordCheckpoint', runId, schemas.checkpointSchema, checkpoint, 'checkpoint');
    const body = encodeJson(c.body, 'checkpoint.body');
    // One statement: the next seq is read and written under the same write lock, in this and any other process.
    const query = sql<{ seq: number }>`
      INSERT INTO checkpoints (run_id, seq, kind, body, created_at)
      SELECT ${runId}, coalesce(max(seq), 0) + 1, ${c.kind}, ${body}, ${c.createdAt} FROM checkpoints WHERE run_id = ${runId}
      RETURNING seq`;
    try {
      const result = await this.#guard('recordCheckpoint', () => query.execute(this.#db));
      const seq = result.rows[0]?.seq;
      if (seq === undefined) throw new Error('INSERT ... RETURNING seq returned no row');
      return seq;
    } catch (error) {
      // (run_id, seq) cannot clash inside one statement; only the run's foreign key can fail.
      if ((error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new RunNotFoundError({ runId, cause: error });
      throw error;
    }
  }

  async openEscalation(runId: string, escalation: NewEscalation): Promise<void> {
    const e = this.#input('openEscalation', runId, schemas.newEscalationSchema, escalation, 'escalation');
    const values = rows.escalationToRow(runId, e);
    await this.#insert('openEscalation', runId, 'escalation', recordKeys.escalation(e), (db) =>
      db.insertInto('escalations').values(values).execute());
  }

  async answerEscalation(
    runId: string,
    escalationId: string,
    answer: { readonly answer: unknown; readonly answeredBy: string; readonly answeredAt: number },
  ): Promise<EscalationRecord> {
    this.#input('answerEscalation', runId, schemas.escalationIdSchema, escalationId, 'escalationId');
    const a = schemas.validate(schemas.escalationAnswerSchema, answer, 'answer');
    const values = {
      status: 'answered' as const, answer: encodeJson(a.answer, 'answer.answer'), answered_by: a.answeredBy, answered_at: a.answeredAt,
    };
    // One conditional UPDATE: of two racing answers (in any processes) exactly one finds the row still open.
    const updated = await this.#guard('answerEscalation', () =>
      this.#db.updateTable('escalations').set(values)
        .where('run_id', '=', runId).where('escalation_id', '=', escalationId).where('status', '=', 'open')
        .returningAll().executeTakeFirst());
    if (updated !== undefined) return rows.escalationFromRow(updated);
    const [run, stored] = await this.#guard('answerEscalation', () => Promise.all([
      this.#db.selectFrom('runs').select('id').where('id', '=', runId).executeTakeFirst(),
      this.#db.selectFrom('escalations').select(['answered_by', 'answered_at'])
        .where('run_id', '=', runId).where('escalation_id', '=', escalationId).executeTakeFirst(),
    ]));
    if (run === undefined) throw new RunNotFoundError({ runId });
    if (stored === undefined) throw new EscalationNotFoundError({ runId, escalationId });
    throw new EscalationAnsweredError({ runId, escalationId, answeredBy: stored.answered_by, answeredAt: stored.answered_at });
  }

  async appendEvents(runId: string, events: readonly RunEventRecord[]): Promise<void> {
    const valid = this.#input('appendEvents', runId, schemas.runEventsSchema, events, 'events');
    const values = valid.map((entry, index) => ({ run_id: runId, id: entry.id, event: encodeJson(entry.event, `events.${index}.event`) ?? '{}' }));
    try {
      await this.#transaction('appendEvents', async (trx) => {
        const head = await trx.selectFrom('runs').select('id').where('id', '=', runId).executeTakeFirst();
        if (head === undefined) throw new RunNotFoundError({ runId });
        assertEventIdsContinue(runId, await lastEventIdIn(trx, runId), valid.map((entry) => entry.id));
        // Chunks keep each statement under SQLite's bound-parameter limit.
        for (let start = 0; start < values.length; start += EVENT_INSERT_CHUNK) {
          await trx.insertInto('run_events').values(values.slice(start, start + EVENT_INSERT_CHUNK)).execute();
        }
      });
    } catch (error) {
      throw mapConstraintError(error, runId, 'event', recordKeys.event({ id: valid[0]?.id ?? 0 }));
    }
  }

  async listEvents(runId: string, options?: { readonly afterId?: number; readonly limit?: number }): Promise<readonly RunEventRecord[]> {
    const o = this.#input('listEvents', runId, schemas.listEventsOptionsSchema, options, 'options');
    const found = await this.#guard('listEvents', () => {
      let query = this.#db.selectFrom('run_events').select(['id', 'event']).where('run_id', '=', runId).where('id', '>', o?.afterId ?? 0).orderBy('id');
      if (o?.limit !== undefined) query = query.limit(o.limit);
      return query.execute();
    });
    return found.map((row) => ({ id: row.id, event: decodeJson(row.event) }));
  }

  async lastEventId(runId: string): Promise<number> {
    this.#input('lastEventId', runId, schemas.runIdSchema, runId, 'runId');
    return this.#guard('lastEventId', () => lastEventIdIn(this.#db, runId));
  }

  async listEscalations(
    filter?: { readonly runId?: string; readonly status?: EscalationStatus },
  ): Promise<readonly (EscalationRecord & { readonly runId: string })[]> {
    this.#assertOpen('listEscalations');
    const f = schemas.validate(schemas.escalationFilterSchema, filter, 'filter');
    const found = await this.#guard('listEscalations', () => {
      let query = this.#db.selectFrom('escalations').selectAll();
      if (f?.runId !== undefined) query = query.where('run_id', '=', f.runId);
      if (f?.status !== undefined) query = query.where('status', '=', f.status);
      return query.orderBy('created_at').orderBy(sql`rowid`).execute();
    });
    return found.map((row) => ({ runId: row.run_id, ...rows.escalationFromRow(row) }));
  }

  async claimRun(
    runId: string,
    claim: Omit<RunOwner, 'claimedAt' | 'heartbeatAt'> & { readonly at: number },
    takeOver: (holder: RunOwner) => boolean,
  ): Promise<RunOwner | undefined> {
    this.#input('claimRun', runId, schemas.runIdSchema, runId, 'runId');
    const values = { run_id: runId, owner: claim.owner, pid: claim.pid, host: claim.host, claimed_at: claim.at, heartbeat_at: claim.at };
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await this.#guard('claimRun', async () => {
        try {
          const result = await this.#db.insertInto('run_owners').values(values).onConflict((c) => c.column('run_id').doNothing()).executeTakeFirst();
          return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
        } catch (error) {
          if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new RunNotFoundError({ runId, cause: error });
          throw error;
        }
      });
      if (inserted) return undefined;
      const holder = await this.runOwner(runId);
      if (holder === undefined) continue; // released meanwhile: try again
      if (holder.owner === claim.owner) return undefined;
      if (!takeOver(holder)) throw new RunBusyError({ runId, holder });
      // Compare-and-swap on the holder's claim: of two processes taking over a stale run, one wins.
      const swapped = await this.#guard('claimRun', () => this.#db.updateTable('run_owners')
        .set({ owner: claim.owner, pid: claim.pid, host: claim.host, claimed_at: claim.at, heartbeat_at: claim.at })
        .where('run_id', '=', runId).where('owner', '=', holder.owner).where('heartbeat_at', '=', holder.heartbeatAt)
        .executeTakeFirst());
      if (swapped.numUpdatedRows > 0n) return holder;
    }
    const holder = await this.runOwner(runId);
    if (holder !== undefined) throw new RunBusyError({ runId, holder });
    throw new RunNotFoundError({ runId });
  }

  async heartbeatRun(runId: string, owner: string, at: number): Promise<boolean> {
    const result = await this.#guard('heartbeatRun', () => this.#db.updateTable('run_owners').set({ heartbeat_at: at })
      .where('run_id', '=', runId).where('owner', '=', owner).executeTakeFirst());
    return result.numUpdatedRows > 0n;
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    await this.#guard('releaseRun', () => this.#db.deleteFrom('run_owners').where('run_id', '=', runId).where('owner', '=', owner).execute());
  }

  async runOwner(runId: string): Promise<RunOwner | undefined> {
    const row = await this.#guard('runOwner', () => this.#db.selectFrom('run_owners').selectAll().where('run_id', '=', runId).executeTakeFirst());
    return row === undefined ? undefined : { owner: row.owner, pid: row.pid, host: row.host, claimedAt: row.claimed_at, heartbeatAt: row.heartbeat_at };
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#input('getRun', runId, schemas.runIdSchema, runId, 'runId');
    // One read transaction: a consistent snapshot even while another process writes.
    return this.#transaction('getRun', async (trx) => {
      const head = await trx.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
      if (head === undefined) return undefined;
      const tasks = await trx.selectFrom('tasks').selectAll().where('run_id', '=', runId)
        .orderBy('task_id').execute();
      const samples = await trx.selectFrom('samples').selectAll().where('run_id', '=', runId)
        .orderBy('task_id').orderBy('sample_index').execute();
      const callFailures = await trx.selectFrom('call_failures').selectAll().where('run_id', '=', runId)
        .orderBy('task_id').orderBy(sql`rowid`).execute();
      const redFlags = await trx.selectFrom('red_flags').selectAll().where('run_id', '=', runId)
        .orderBy('task_id').orderBy('sample_index').orderBy(sql`rowid`).execute();
      const layerResults = await trx.selectFrom('layer_results').selectAll().where('run_id', '=', runId)
        .orderBy('task_id').orderBy('sample_index').orderBy(sql`rowid`).execute();
      const votes = await trx.selectFrom('votes').selectAll().where('run_id', '=', runId)
        .orderBy('task_id').orderBy('sample_index').execute();
      const decisions = await trx.selectFrom('decisions').selectAll().where('run_id', '=', runId)
        .orderBy('task_id').execute();
      const checkpoints = await trx.selectFrom('checkpoints').selectAll().where('run_id', '=', runId)
        .orderBy('seq').execute();
      const escalations = await trx.selectFrom('escalations').selectAll().where('run_id', '=', runId)
        .orderBy('created_at').orderBy(sql`rowid`).execute();
      return {
        ...rows.runFromRow(head),
        tasks: tasks.map(rows.taskFromRow),
        samples: samples.map(rows.sampleFromRow),
        callFailures: callFailures.map(rows.callFailureFromRow),
        redFlags: redFlags.map(rows.redFlagFromRow),
        layerResults: layerResults.map(rows.layerResultFromRow),
        votes: votes.map(rows.voteFromRow),
        decisions: decisions.map(rows.decisionFromRow),
        checkpoints: checkpoints.map(rows.checkpointFromRow),
        escalations: escalations.map(rows.escalationFromRow),
      };
    });
  }

  async listRuns(options?: { readonly limit?: number }): Promise<readonly RunSummary[]> {
    this.#assertOpen('listRuns');
    const limit = schemas.validate(schemas.listOptionsSchema, options, 'options')?.limit ?? 50;
    const found = await this.#guard('listRuns', () =>
      this.#db
        .selectFrom('runs')
        .select(['id', 'kind', 'model', 'status', 'created_at', 'finished_at'])
        .select((eb) => [
          eb.selectFrom('tasks').whereRef('tasks.run_id', '=', 'runs.id').select(eb.fn.countAll<number>().as('n')).as('task_count'),
          eb.selectFrom('samples').whereRef('samples.run_id', '=', 'runs.id').select(eb.fn.countAll<number>().as('n')).as('sample_count'),
        ])
        .orderBy('created_at', 'desc')
        .orderBy(sql`runs.rowid`, 'desc')
        .limit(limit)
        .execute(),
    );
    return found.map((r) => ({
      id: r.id, kind: r.kind, model: r.model, status: r.status, createdAt: r.created_at, finishedAt: r.finished_at,
      tasks: Number(r.task_count ?? 0), samples: Number(r.sample_count ?? 0),
    }));
  }

  async findRunIds(prefix: string, options?: { readonly limit?: number }): Promise<readonly string[]> {
    this.#assertOpen('findRunIds');
    const text = schemas.validate(schemas.runIdPrefixSchema, prefix, 'prefix');
    const limit = schemas.validate(schemas.listOptionsSchema, options, 'options')?.limit ?? 10;
    const found = await this.#guard('findRunIds', () =>
      this.#db
        .selectFrom('runs')
        .select('id')
        // substr, not LIKE: `_` and `%` in a prefix are plain characters.
        .where(sql<boolean>`substr(id, 1, length(${text})) = ${text}`)
        .orderBy('created_at', 'desc')
        .orderBy(sql`runs.rowid`, 'desc')
        .limit(limit)
        .execute(),
    );
    return found.map((row) => row.id);
  }

  /**
   * Caps the database at `pages` pages (SQLite `PRAGMA max_page_count`, of this connection only: the file keeps no
   * cap, so it lasts until `close`). A write that needs more pages fails as on a full disk: `store_unavailable`
   * (`SQLITE_FULL`). A cap below the current size is raised to the current size. Returns the cap in force.
   * For quotas, and for tests that need a store to fill up for real (the CLI's test hook
   * `ZERR_TEST_SQLITE_MAX_PAGE_COUNT`).
   * @throws InvalidArgumentError (`invalid_argument`) unless `pages` is a positive integer.
   */
  async capPages(pages: number): Promise<number> {
    this.#input('capPages', undefined, schemas.pageCapSchema, pages, 'pages');
    const result = await this.#guard('capPages', () => sql<{ max_page_count: number }>`PRAGMA max_page_count = ${sql.lit(pages)}`.execute(this.#db));
    return Number(result.rows[0]?.max_page_count ?? pages);
  }

  /** Closes the file (checkpointing the WAL). Idempotent; afterwards every other method throws `store_closed`. */
  async close(): Promise<void> {
    this.#closing ??= this.#db.destroy();
    await this.#closing;
  }

  #assertOpen(operation: string): void {
    if (this.#closing !== undefined) throw new StoreClosedError({ operation });
  }

  #input<T>(
    operation: string,
    runId: string | undefined,
    schema: Parameters<typeof schemas.validate<T>>[0],
    value: unknown,
    parameter: string,
  ): T {
    this.#assertOpen(operation);
    if (runId !== undefined) schemas.validate(schemas.runIdSchema, runId, 'runId');
    return schemas.validate(schema, value, parameter);
  }

  /**
   * Runs `work`; a failure caused by a concurrent `close()` becomes `StoreClosedError`, one of the storage (disk
   * full, read-only, I/O error, cannot open) becomes `StoreUnavailableError` naming the file.
   */
  async #guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.#closing !== undefined) throw new StoreClosedError({ operation });
      const storage = storageFailureOf(error);
      if (storage !== undefined) throw new StoreUnavailableError({ path: this.path, operation, ...storage, cause: error });
      throw error;
    }
  }

  /**
   * Runs `work` in one transaction, as {@link #guard}. A storage failure inside it (SQLITE_FULL, SQLITE_IOERR) makes
   * SQLite roll the transaction back on its own, and kysely's ROLLBACK then fails ("no transaction is active"): the
   * failure from inside is the one thrown.
   */
  async #transaction<T>(operation: string, work: (trx: Transaction<RunStoreDatabase>) => Promise<T>): Promise<T> {
    const inside: unknown[] = [];
    return this.#guard(operation, () => this.#db.transaction().execute(async (trx) => {
      try {
        return await work(trx);
      } catch (error) {
        inside.push(error);
        throw error;
      }
    }).catch((error: unknown) => {
      throw inside.length > 0 ? inside[0] : error;
    }));
  }

  async #insert(
    operation: string,
    runId: string,
    record: StoreRecordKind,
    key: string,
    write: (db: Db) => Promise<unknown>,
  ): Promise<void> {
    try {
      await this.#guard(operation, () => write(this.#db));
    } catch (error) {
      throw mapConstraintError(error, runId, record, key);
    }
  }
}

/** Rows per INSERT of event log entries (3 bound parameters each). */
const EVENT_INSERT_CHUNK = 500;

/** The highest event id of the run (0 when none). */
async function lastEventIdIn(db: Db, runId: string): Promise<number> {
  const row = await db.selectFrom('run_events').select((eb) => eb.fn.max<number | null>('id').as('last')).where('run_id', '=', runId).executeTakeFirst();
  return row?.last ?? 0;
}
