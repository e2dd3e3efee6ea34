/**
 * @module store/memory/memory-run-store
 * An in-memory {@link RunStore} for tests and ephemeral runs. Behaves exactly like the SQLite store (same
 * validation, errors, ordering and JSON round-trip of JSON-valued fields) but keeps nothing after the process ends.
 * Records are copied in and out, so callers can never mutate what is stored.
 */
import type {
  CallFailureRecord,
  CheckpointRecord,
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
import { DuplicateRecordError, type StoreRecordKind } from '../errors/duplicate-record-error.js';
import { EscalationAnsweredError } from '../errors/escalation-answered-error.js';
import { EscalationNotFoundError } from '../errors/escalation-not-found-error.js';
import { RunBusyError } from '../errors/run-busy-error.js';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import { StoreClosedError } from '../errors/store-closed-error.js';
import { assertEventIdsContinue } from '../event-ids.js';
import { roundTripJson } from '../json-column.js';
import { recordKeys } from '../record-keys.js';
import { compareIds, sortByTaskAndSample } from '../record-order.js';
import * as schemas from '../record-schemas.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An escalation with its place in recording order across all runs (the tie-break of `createdAt`). */
interface StoredEscalation {
  readonly order: number;
  record: EscalationRecord;
}

interface StoredRun {
  readonly seq: number;
  head: Mutable<Omit<RunRecord, 'tasks' | 'samples' | 'callFailures' | 'redFlags' | 'layerResults' | 'votes' | 'decisions' | 'checkpoints' | 'escalations'>>;
  readonly keys: Set<string>;
  readonly tasks: TaskRecord[];
  readonly samples: SampleRecord[];
  readonly callFailures: CallFailureRecord[];
  readonly redFlags: RedFlagRecord[];
  readonly layerResults: LayerResultRecord[];
  readonly votes: VoteRecord[];
  readonly decisions: DecisionRecord[];
  readonly checkpoints: CheckpointRecord[];
  readonly escalations: Map<string, StoredEscalation>;
  readonly events: RunEventRecord[];
}

/**
 * In-memory run store. `new MemoryRunStore()`; nothing to open. See {@link RunStore} for the contract.
 *
 * Throws `invalid_argument` (bad input, field named), `run_not_found`, `duplicate_record`, `store_closed`,
 * `escalation_not_found`, `escalation_already_answered`.
 * `finishRun` may be called again on a finished run (the last call wins); records may still be added after it.
 * `reopenRun` keeps the last summary until the next `finishRun`.
 */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, StoredRun>();
  readonly #owners = new Map<string, RunOwner>();
  #seq = 0;
  #escalationOrder = 0;
  #closed = false;

  async createRun(run: NewRun): Promise<void> {
    this.#assertOpen('createRun');
    const valid = schemas.validate(schemas.newRunSchema, run, 'run');
    if (this.#runs.has(valid.id)) throw new DuplicateRecordError({ runId: valid.id, record: 'run', key: recordKeys.run(valid.id) });
    this.#runs.set(valid.id, {
      seq: this.#seq++,
      head: { ...valid, config: roundTripJson(valid.config, 'run.config'), status: 'running', finishedAt: null, summary: null },
      keys: new Set(),
      tasks: [], samples: [], callFailures: [], redFlags: [], layerResults: [], votes: [], decisions: [], checkpoints: [], escalations: new Map(), events: [],
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

  async recordCallFailure(runId: string, failure: CallFailureRecord): Promise<void> {
    const valid = this.#check('recordCallFailure', runId, schemas.callFailureSchema, failure, 'failure');
    this.#find(runId).callFailures.push({ ...valid });
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

  async reopenRun(runId: string): Promise<void> {
    this.#check('reopenRun', runId, schemas.runIdSchema, runId, 'runId');
    const stored = this.#find(runId);
    stored.head = { ...stored.head, status: 'running', finishedAt: null };
  }

  async recordCheckpoint(
    runId: string,
    checkpoint: { readonly kind: string; readonly body: unknown; readonly createdAt: number },
  ): Promise<number> {
    const valid = this.#check('recordCheckpoint', runId, schemas.checkpointSchema, checkpoint, 'checkpoint');
    const body = roundTripJson(valid.body, 'checkpoint.body');
    const stored = this.#find(runId);
    const seq = stored.checkpoints.length + 1;
    stored.checkpoints.push({ seq, kind: valid.kind, body, createdAt: valid.createdAt });
    return seq;
  }

  async openEscalation(runId: string, escalation: NewEscalation): Promise<void> {
    const valid = this.#check('openEscalation', runId, schemas.newEscalationSchema, escalation, 'escalation');
    const context = roundTripJson(valid.context, 'escalation.context');
    const stored = this.#find(runId);
    if (stored.escalations.has(valid.escalationId)) {
      throw new DuplicateRecordError({ runId, record: 'escalation', key: recordKeys.escalation(valid) });
    }
    stored.escalations.set(valid.escalationId, {
      order: this.#escalationOrder++,
      record: { ...valid, context, status: 'open', answer: null, answeredBy: null, answeredAt: null },
    });
  }

  async answerEscalation(
    runId: string,
    escalationId: string,
    answer: { readonly answer: unknown; readonly answeredBy: string; readonly answeredAt: number },
  ): Promise<EscalationRecord> {
    this.#check('answerEscalation', runId, schemas.escalationIdSchema, escalationId, 'escalationId');
    const valid = schemas.validate(schemas.escalationAnswerSchema, answer, 'answer');
    const value = roundTripJson(valid.answer, 'answer.answer');
    const found = this.#find(runId).escalations.get(escalationId);
    if (found === undefined) throw new EscalationNotFoundError({ runId, escalationId });
    const { record } = found;
    if (record.status === 'answered') {
      throw new EscalationAnsweredError({ runId, escalationId, answeredBy: record.answeredBy, answeredAt: record.answeredAt });
    }
    found.record = { ...record, status: 'answered', answer: value, answeredBy: valid.answeredBy, answeredAt: valid.answeredAt };
    return structuredClone(found.record);
  }

  async appendEvents(runId: string, events: readonly RunEventRecord[]): Promise<void> {
    const valid = this.#check('appendEvents', runId, schemas.runEventsSchema, events, 'events');
    const copies = valid.map((entry, index) => ({ id: entry.id, event: roundTripJson(entry.event, `events.${index}.event`) }));
    const stored = this.#find(runId);
    assertEventIdsContinue(runId, stored.events.at(-1)?.id ?? 0, copies.map((entry) => entry.id));
    stored.events.push(...copies);
  }

  async listEvents(runId: string, options?: { readonly afterId?: number; readonly limit?: number }): Promise<readonly RunEventRecord[]> {
    const valid = this.#check('listEvents', runId, schemas.listEventsOptionsSchema, options, 'options');
    const after = (this.#runs.get(runId)?.events ?? []).filter((entry) => entry.id > (valid?.afterId ?? 0));
    return (valid?.limit === undefined ? after : after.slice(0, valid.limit)).map((entry) => ({ id: entry.id, event: roundTripJson(entry.event, 'event') }));
  }

  async lastEventId(runId: string): Promise<number> {
    this.#check('lastEventId', runId, schemas.runIdSchema, runId, 'runId');
    return this.#runs.get(runId)?.events.at(-1)?.id ?? 0;
  }

  async listEscalations(
    filter?: { readonly runId?: string; readonly status?: EscalationStatus },
  ): Promise<readonly (EscalationRecord & { readonly runId: string })[]> {
    this.#assertOpen('listEscalations');
    const f = schemas.validate(schemas.escalationFilterSchema, filter, 'filter');
    const found: (StoredEscalation & { readonly runId: string })[] = [];
    for (const [runId, stored] of this.#runs) {
      if (f?.runId !== undefined && f.runId !== runId) continue;
      for (const escalation of stored.escalations.values()) {
        if (f?.status === undefined || f.status === escalation.record.status) found.push({ runId, ...escalation });
      }
    }
    return structuredClone(sortEscalations(found).map(({ runId, record }) => ({ runId, ...record })));
  }

  async claimRun(
    runId: string,
    claim: Omit<RunOwner, 'claimedAt' | 'heartbeatAt'> & { readonly at: number },
    takeOver: (holder: RunOwner) => boolean,
  ): Promise<RunOwner | undefined> {
    this.#assertOpen('claimRun');
    this.#find(schemas.validate(schemas.runIdSchema, runId, 'runId'));
    const holder = this.#owners.get(runId);
    if (holder !== undefined && holder.owner !== claim.owner && !takeOver(holder)) throw new RunBusyError({ runId, holder: structuredClone(holder) });
    this.#owners.set(runId, { owner: claim.owner, pid: claim.pid, host: claim.host, claimedAt: claim.at, heartbeatAt: claim.at });
    return holder === undefined || holder.owner === claim.owner ? undefined : structuredClone(holder);
  }

  async heartbeatRun(runId: string, owner: string, at: number): Promise<boolean> {
    this.#assertOpen('heartbeatRun');
    const holder = this.#owners.get(runId);
    if (holder?.owner !== owner) return false;
    this.#owners.set(runId, { ...holder, heartbeatAt: at });
    return true;
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    this.#assertOpen('releaseRun');
    if (this.#owners.get(runId)?.owner === owner) this.#owners.delete(runId);
  }

  async runOwner(runId: string): Promise<RunOwner | undefined> {
    this.#assertOpen('runOwner');
    const holder = this.#owners.get(runId);
    return holder === undefined ? undefined : structuredClone(holder);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#assertOpen('getRun');
    const stored = this.#runs.get(schemas.validate(schemas.runIdSchema, runId, 'runId'));
    if (stored === undefined) return undefined;
    return structuredClone({
      ...stored.head,
      tasks: [...stored.tasks].sort((a, b) => compareIds(a.taskId, b.taskId)),
      samples: sortByTaskAndSample(stored.samples),
      // By task, then in recording order (a failed index is drawn again, so sample order would mislead).
      callFailures: [...stored.callFailures].sort((a, b) => compareIds(a.taskId, b.taskId)),
      redFlags: sortByTaskAndSample(stored.redFlags),
      layerResults: sortByTaskAndSample(stored.layerResults),
      votes: sortByTaskAndSample(stored.votes),
      decisions: sortByTaskAndSample(stored.decisions),
      checkpoints: stored.checkpoints,
      escalations: sortEscalations([...stored.escalations.values()]).map(({ record }) => record),
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

  async findRunIds(prefix: string, options?: { readonly limit?: number }): Promise<readonly string[]> {
    this.#assertOpen('findRunIds');
    schemas.validate(schemas.runIdPrefixSchema, prefix, 'prefix');
    const limit = schemas.validate(schemas.listOptionsSchema, options, 'options')?.limit ?? 10;
    return [...this.#runs.values()]
      .filter(({ head }) => head.id.startsWith(prefix))
      .sort((a, b) => b.head.createdAt - a.head.createdAt || b.seq - a.seq)
      .slice(0, limit)
      .map(({ head }) => head.id);
  }

  /** Idempotent. Afterwards every other method throws `StoreClosedError`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#runs.clear();
    this.#owners.clear();
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

/** Oldest first: by `createdAt`, ties in recording order (as SQLite's `ORDER BY created_at, rowid`). */
function sortEscalations<T extends StoredEscalation>(escalations: readonly T[]): T[] {
  return [...escalations].sort((a, b) => a.record.createdAt - b.record.createdAt || a.order - b.order);
}
