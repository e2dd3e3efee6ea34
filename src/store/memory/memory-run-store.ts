/**
 * @module store/memory/memory-run-store
 * An in-memory {@link RunStore} for tests and ephemeral runs. Behaves exactly like the SQLite store (same
 * validation, errors, ordering and JSON round-trip of JSON-valued fields) but keeps nothing after the process ends.
 * Records are copied in and out, so callers can never mutate what is stored.
 */
import type {
  DecisionRecord,
  LayerResultRecord,
  NewRun,
  RedFlagRecord,
  RunRecord,
  RunStatus,
  RunStore,
  RunSummary,
  SampleRecord,
  TaskRecord,
  VoteRecord,
} from '../run-store.js';
import { DuplicateRecordError, type StoreRecordKind } from '../errors/duplicate-record-error.js';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import { StoreClosedError } from '../errors/store-closed-error.js';
import { roundTripJson } from '../json-column.js';
import { recordKeys } from '../record-keys.js';
import { compareIds, sortByTaskAndSample } from '../record-order.js';
import * as schemas from '../record-schemas.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface StoredRun {
  readonly seq: number;
  head: Mutable<Omit<RunRecord, 'tasks' | 'samples' | 'redFlags' | 'layerResults' | 'votes' | 'decisions'>>;
  readonly keys: Set<string>;
  readonly tasks: TaskRecord[];
  readonly samples: SampleRecord[];
  readonly redFlags: RedFlagRecord[];
  readonly layerResults: LayerResultRecord[];
  readonly votes: VoteRecord[];
  readonly decisions: DecisionRecord[];
}

/**
 * In-memory run store. `new MemoryRunStore()`; nothing to open. See {@link RunStore} for the contract.
 *
 * Throws `invalid_argument` (bad input, field named), `run_not_found`, `duplicate_record`, `store_closed`.
 * `finishRun` may be called again on a finished run (the last call wins); records may still be added after it.
 */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, StoredRun>();
  #seq = 0;
  #closed = false;

  async createRun(run: NewRun): Promise<void> {
    this.#assertOpen('createRun');
    const valid = schemas.validate(schemas.newRunSchema, run, 'run');
    if (this.#runs.has(valid.id)) throw new DuplicateRecordError({ runId: valid.id, record: 'run', key: recordKeys.run(valid.id) });
    this.#runs.set(valid.id, {
      seq: this.#seq++,
      head: { ...valid, config: roundTripJson(valid.config, 'run.config'), status: 'running', finishedAt: null, summary: null },
      keys: new Set(),
      tasks: [], samples: [], redFlags: [], layerResults: [], votes: [], decisions: [],
    });
  }

  async recordTask(runId: string, task: TaskRecord): Promise<void> {
    const valid = this.#check('recordTask', runId, schemas.taskSchema, task, 'task');
    const copy = { taskId: valid.taskId, spec: roundTripJson(valid.spec, 'task.spec') };
    this.#claim(runId, 'task', recordKeys.task(valid)).tasks.push(copy);
  }

  async recordSample(runId: string, sample: SampleRecord): Promise<void> {
    const valid = this.#check('recordSample', runId, schemas.sampleSchema, sample, 'sample');
    this.#claim(runId, 'sample', recordKeys.sample(valid)).samples.push({ ...valid });
  }

  async recordRedFlag(runId: string, hit: RedFlagRecord): Promise<void> {
    const valid = this.#check('recordRedFlag', runId, schemas.redFlagSchema, hit, 'hit');
    this.#claim(runId, 'red-flag', recordKeys.redFlag(valid)).redFlags.push({ ...valid });
  }

  async recordLayerResult(runId: string, result: LayerResultRecord): Promise<void> {
    const valid = this.#check('recordLayerResult', runId, schemas.layerResultSchema, result, 'result');
    const copy = { ...valid, details: roundTripJson(valid.details, 'result.details') };
    this.#claim(runId, 'layer-result', recordKeys.layerResult(valid)).layerResults.push(copy);
  }

  async recordVote(runId: string, vote: VoteRecord): Promise<void> {
    const valid = this.#check('recordVote', runId, schemas.voteSchema, vote, 'vote');
    this.#claim(runId, 'vote', recordKeys.vote(valid)).votes.push({ ...valid });
  }

  async recordDecision(runId: string, decision: DecisionRecord): Promise<void> {
    const valid = this.#check('recordDecision', runId, schemas.decisionSchema, decision, 'decision');
    this.#claim(runId, 'decision', recordKeys.decision(valid)).decisions.push({ ...valid });
  }

  async finishRun(
    runId: string,
    end: { readonly status: RunStatus; readonly finishedAt: number; readonly summary: Readonly<Record<string, unknown>> },
  ): Promise<void> {
    const valid = this.#check('finishRun', runId, schemas.finishSchema, end, 'end');
    const stored = this.#find(runId);
    stored.head = { ...stored.head, status: valid.status, finishedAt: valid.finishedAt, summary: roundTripJson(valid.summary, 'end.summary') };
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#assertOpen('getRun');
    const stored = this.#runs.get(schemas.validate(schemas.runIdSchema, runId, 'runId'));
    if (stored === undefined) return undefined;
    return structuredClone({
      ...stored.head,
      tasks: [...stored.tasks].sort((a, b) => compareIds(a.taskId, b.taskId)),
      samples: sortByTaskAndSample(stored.samples),
      redFlags: sortByTaskAndSample(stored.redFlags),
      layerResults: sortByTaskAndSample(stored.layerResults),
      votes: sortByTaskAndSample(stored.votes),
      decisions: sortByTaskAndSample(stored.decisions),
    });
  }

  async listRuns(options?: { readonly limit?: number }): Promise<readonly RunSummary[]> {
    this.#assertOpen('listRuns');
    const limit = schemas.validate(schemas.listOptionsSchema, options, 'options')?.limit ?? 50;
    return [...this.#runs.values()]
      .sort((a, b) => b.head.createdAt - a.head.createdAt || b.seq - a.seq)
      .slice(0, limit)
      .map(({ head, tasks, samples }) => ({
        id: head.id, kind: head.kind, model: head.model, status: head.status,
        createdAt: head.createdAt, finishedAt: head.finishedAt, tasks: tasks.length, samples: samples.length,
      }));
  }

  /** Idempotent. Afterwards every other method throws `StoreClosedError`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#runs.clear();
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new StoreClosedError({ operation });
  }

  #check<T>(
    operation: string,
    runId: string,
    schema: Parameters<typeof schemas.validate<T>>[0],
    value: unknown,
    parameter: string,
  ): T {
    this.#assertOpen(operation);
    schemas.validate(schemas.runIdSchema, runId, 'runId');
    return schemas.validate(schema, value, parameter);
  }

  #find(runId: string): StoredRun {
    const stored = this.#runs.get(runId);
    if (stored === undefined) throw new RunNotFoundError({ runId });
    return stored;
  }

  /** Finds the run and reserves `key` for a new record, or throws `run_not_found` / `duplicate_record`. */
  #claim(runId: string, record: StoreRecordKind, key: string): StoredRun {
    const stored = this.#find(runId);
    const unique = `${record}:${key}`;
    if (stored.keys.has(unique)) throw new DuplicateRecordError({ runId, record, key });
    stored.keys.add(unique);
    return stored;
  }
}
