/**
 * @module store/run-store
 * The contract of a run store: every sample, red flag, verification layer result, vote and decision of a run is
 * recorded here, in domain terms. Implementations: `store/memory/` (tests) and `store/sqlite/` (the embedded
 * default: one SQLite file). A backend owns its connections.
 */

/**
 * Status of a run. `paused`: a build stopped cleanly and can be resumed (a budget was hit, or all remaining work
 * waits on escalations).
 */
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'paused';

/** A run as created. */
export interface NewRun {
  readonly id: string;
  /** `solve`, `demo`, ... */
  readonly kind: string;
  /** Model URI, e.g. `replay:codet`. */
  readonly model: string;
  /** Options the run was started with (k, maxSamples, ...), as JSON. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/** One recorded sample (a model call's output). */
export interface SampleRecord {
  readonly taskId: string;
  readonly sampleIndex: number;
  readonly model: string;
  /** Sampling temperature requested, or null when the provider does not honour it (a replay of recorded samples). */
  readonly temperature: number | null;
  readonly promptVariant: string;
  /** Raw text the model returned. */
  readonly text: string;
  /** Assembled candidate code, or null when none could be extracted. */
  readonly code: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
  readonly finishReason: string;
  readonly costUsd: number | null;
  readonly createdAt: number;
}

/**
 * One model call that gave no sample: it failed after its retries (HTTP 5xx/429, network, timeout), was refused,
 * answered nothing, or met an unavailable model. Failed calls are attempts, counted apart from the sample budget
 * (which counts answers); the sample index they were drawing is drawn again.
 */
export interface CallFailureRecord {
  readonly taskId: string;
  /** The sample index the call was drawing. */
  readonly sampleIndex: number;
  /**
   * The error's stable code: `model_call_failed`, `model_timeout`, `model_empty_answer`, `model_refused`,
   * `model_unavailable`, `circuit_open`, ...
   */
  readonly code: string;
  /** HTTP status of the last attempt when it was an HTTP failure, else null. */
  readonly statusCode: number | null;
  /** The error's message (for people). */
  readonly message: string;
  /** Attempts the call made: 1 plus the retry middleware's retries. */
  readonly attempts: number;
  readonly createdAt: number;
}

/** One red-flag hit on a sample. */
export interface RedFlagRecord {
  readonly taskId: string;
  readonly sampleIndex: number;
  readonly rule: string;
  readonly reason: string;
}

/** One verification layer result on a sample. */
export interface LayerResultRecord {
  readonly taskId: string;
  readonly sampleIndex: number;
  readonly layer: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly reason: string;
  readonly durationMs: number;
  readonly details: unknown;
}

/** One vote: a verified sample joins an equivalence class. */
export interface VoteRecord {
  readonly taskId: string;
  readonly sampleIndex: number;
  /** Key of the equivalence class (hash of the semantic signature). */
  readonly classKey: string;
  /** The semantic signature itself (canonical JSON), for inspection. */
  readonly signature: string;
}

/** The decision for a task. */
export interface DecisionRecord {
  readonly taskId: string;
  /** `consensus` | `best-partial` | `no-consensus` | `escalated` | `model-unavailable` | `cancelled`. */
  readonly outcome: string;
  readonly classKey: string | null;
  /** Chosen code (null when nothing was chosen). */
  readonly code: string | null;
  readonly votes: number;
  readonly runnerUpVotes: number;
  readonly samples: number;
  readonly k: number;
  readonly reason: string;
  readonly decidedAt: number;
}

/** A task of a run with its spec (as JSON). */
export interface TaskRecord {
  readonly taskId: string;
  readonly spec: unknown;
}

/**
 * One checkpoint of a build: a state change written before it takes effect (node created, node state, commit,
 * budget stop, ...). `kind` names the change; `body` is its JSON payload, validated by the build orchestrator
 * (`orchestrate/project-build/build-journal.ts`), not by the store. `seq` is assigned by the store: 1, 2, 3, ... per run.
 */
export interface CheckpointRecord {
  readonly seq: number;
  readonly kind: string;
  readonly body: unknown;
  readonly createdAt: number;
}

/**
 * One entry of a run's event log: the numbered stream (1, 2, 3, ... per run, without gaps) that live readers such
 * as Server-Sent Events resume from by id, also after the process that wrote it is gone. `event` is the engine
 * event as JSON; the store does not interpret it.
 */
export interface RunEventRecord {
  readonly id: number;
  readonly event: unknown;
}

/** Status of an escalation. */
export type EscalationStatus = 'open' | 'answered';

/**
 * A question to a person that no consensus could settle (seed guide §5: the last fallback). `answer` is the
 * person's reply as JSON (e.g. `{ "code": "..." }` or a decomposition proposal), null while open.
 */
export interface EscalationRecord {
  /** Unique within the run, e.g. `esc-1`. */
  readonly escalationId: string;
  /** The task (or `decompose:<node>`) the escalation is about. */
  readonly taskId: string;
  /** What the person is asked to provide: `code` for a task, `decomposition` for a node's plan. */
  readonly kind: 'code' | 'decomposition';
  /** Why it was escalated (samples, red flags, failed layers). */
  readonly reason: string;
  /** The question shown to the person. */
  readonly question: string;
  /** Anything that helps answer it (the spec, the best partial code), as JSON. */
  readonly context: unknown;
  readonly status: EscalationStatus;
  readonly answer: unknown;
  /** Who answered (free text: a user name, `cli`, `http`), null while open. */
  readonly answeredBy: string | null;
  readonly createdAt: number;
  readonly answeredAt: number | null;
}

/** An escalation as opened (status `open`, no answer yet). */
export type NewEscalation = Omit<EscalationRecord, 'status' | 'answer' | 'answeredBy' | 'answeredAt'>;

/** Everything recorded about one run. */
export interface RunRecord {
  readonly id: string;
  readonly kind: string;
  readonly model: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly status: RunStatus;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  /** Free-form summary written when the run ends (totals, error). */
  readonly summary: Readonly<Record<string, unknown>> | null;
  readonly tasks: readonly TaskRecord[];
  readonly samples: readonly SampleRecord[];
  /** Model calls that gave no sample, by task id, then in recording order. */
  readonly callFailures: readonly CallFailureRecord[];
  readonly redFlags: readonly RedFlagRecord[];
  readonly layerResults: readonly LayerResultRecord[];
  readonly votes: readonly VoteRecord[];
  readonly decisions: readonly DecisionRecord[];
  /** Build checkpoints in `seq` order (empty for a `solve` run). */
  readonly checkpoints: readonly CheckpointRecord[];
  /** Escalations in creation order (by `createdAt`, ties in recording order). */
  readonly escalations: readonly EscalationRecord[];
}

/** The process that holds a run (see {@link RunStore.claimRun}). */
export interface RunOwner {
  /** Unique per claim (e.g. a random id), so that a process can tell its own claim from another's. */
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  /** When the run was claimed, epoch ms. */
  readonly claimedAt: number;
  /** The owner's last sign of life, epoch ms. */
  readonly heartbeatAt: number;
}

/** One line of `listRuns`. */
export interface RunSummary {
  readonly id: string;
  readonly kind: string;
  readonly model: string;
  readonly status: RunStatus;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly tasks: number;
  readonly samples: number;
}

/**
 * Records runs. Every write is durable when its promise resolves (SQLite: committed). Writing to an unknown run
 * throws `RunNotFoundError` (`run_not_found`); recording the same (task, sampleIndex) sample twice throws
 * `DuplicateRecordError` (`duplicate_record`), so nothing recorded is ever silently overwritten. A store whose storage
 * fails (disk full, read-only, I/O error) throws `StoreUnavailableError` (`store_unavailable`) from any method, naming
 * the store and what happened; what it recorded before is kept, and the orchestrators pause the run.
 */
export interface RunStore {
  createRun(run: NewRun): Promise<void>;
  recordTask(runId: string, task: TaskRecord): Promise<void>;
  recordSample(runId: string, sample: SampleRecord): Promise<void>;
  /**
   * Records a model call that gave no sample (several may name the same sample index: it is drawn again).
   * @throws InvalidArgumentError (`invalid_argument`, e.g. `failure.attempts` below 1); RunNotFoundError.
   */
  recordCallFailure(runId: string, failure: CallFailureRecord): Promise<void>;
  recordRedFlag(runId: string, hit: RedFlagRecord): Promise<void>;
  recordLayerResult(runId: string, result: LayerResultRecord): Promise<void>;
  recordVote(runId: string, vote: VoteRecord): Promise<void>;
  recordDecision(runId: string, decision: DecisionRecord): Promise<void>;
  finishRun(runId: string, end: { readonly status: RunStatus; readonly finishedAt: number; readonly summary: Readonly<Record<string, unknown>> }): Promise<void>;
  /**
   * Sets a finished or paused run back to `running` (finishedAt null) when it is resumed. The last summary is kept
   * until the next `finishRun`; a running run stays running.
   * @throws RunNotFoundError.
   */
  reopenRun(runId: string): Promise<void>;
  /**
   * Appends a build checkpoint; returns its `seq` (1 for the first of the run, then 2, 3, ... without gaps, also when
   * several callers or processes append at once). Durable when the promise resolves.
   * @throws InvalidArgumentError (`invalid_argument`: e.g. `checkpoint.kind` empty, `checkpoint.body` not
   *   JSON-encodable); RunNotFoundError.
   */
  recordCheckpoint(runId: string, checkpoint: { readonly kind: string; readonly body: unknown; readonly createdAt: number }): Promise<number>;
  /**
   * Opens an escalation (status `open`; `answer`, `answeredBy` and `answeredAt` null).
   * @throws InvalidArgumentError (`invalid_argument`, e.g. `escalation.kind`); RunNotFoundError;
   *   DuplicateRecordError (`duplicate_record`, record `escalation`) when the id is taken in the run.
   */
  openEscalation(runId: string, escalation: NewEscalation): Promise<void>;
  /**
   * Answers an open escalation (atomically: of two concurrent answers exactly one wins) and returns it as stored.
   * `answer.answer` is any JSON value except `undefined` (`null` is an answer).
   * @throws InvalidArgumentError (`invalid_argument`, e.g. `answer.answeredBy` empty); RunNotFoundError;
   *   EscalationNotFoundError (`escalation_not_found`); EscalationAnsweredError (`escalation_already_answered`)
   *   when it was answered before (the first answer is kept).
   */
  answerEscalation(runId: string, escalationId: string, answer: { readonly answer: unknown; readonly answeredBy: string; readonly answeredAt: number }): Promise<EscalationRecord>;
  /**
   * Escalations, oldest first (by `createdAt`, ties in recording order), optionally of one run and/or one status.
   * An unknown run gives an empty list.
   * @throws InvalidArgumentError (`invalid_argument`, e.g. `filter.status`).
   */
  listEscalations(filter?: { readonly runId?: string; readonly status?: EscalationStatus }): Promise<readonly (EscalationRecord & { readonly runId: string })[]>;
  /**
   * Appends entries to the run's event log, all or none: their ids must continue the log without gaps (the first is
   * `lastEventId(runId) + 1`, then +1 each). Durable when the promise resolves.
   * @throws InvalidArgumentError (`invalid_argument`: an id that leaves a gap, an event that is not a JSON object);
   *   RunNotFoundError; DuplicateRecordError (`duplicate_record`, record `event`) when an id is already in the log.
   */
  appendEvents(runId: string, events: readonly RunEventRecord[]): Promise<void>;
  /**
   * Entries of the run's event log with id > `afterId` (default 0), ascending, at most `limit` (default all). An
   * unknown run gives an empty list.
   * @throws InvalidArgumentError (`invalid_argument`, e.g. `options.limit`).
   */
  listEvents(runId: string, options?: { readonly afterId?: number; readonly limit?: number }): Promise<readonly RunEventRecord[]>;
  /** Id of the last entry of the run's event log; 0 when it has none or the run is unknown. */
  lastEventId(runId: string): Promise<number>;
  /**
   * Claims `runId` for one process: succeeds when nobody holds it, when `claim.owner` already does, or when the
   * holder may be taken over (`takeOver(holder)` returns true: its heartbeat is stale or its process is gone, as
   * the caller judges). The takeover is a compare-and-swap on the holder's claim, so of two processes racing for a
   * stale run exactly one wins. Returns the holder that was replaced, or undefined.
   * @throws RunBusyError (`run_busy`) with the holder when it is held by another live owner; RunNotFoundError.
   */
  claimRun(runId: string, claim: Omit<RunOwner, 'claimedAt' | 'heartbeatAt'> & { readonly at: number }, takeOver: (holder: RunOwner) => boolean): Promise<RunOwner | undefined>;
  /** Renews `owner`'s claim of `runId` (heartbeat). False when it no longer holds it (it was taken over). */
  heartbeatRun(runId: string, owner: string, at: number): Promise<boolean>;
  /** Gives up `owner`'s claim of `runId`; a claim held by someone else is left alone. */
  releaseRun(runId: string, owner: string): Promise<void>;
  /** The current holder of `runId`, or undefined. */
  runOwner(runId: string): Promise<RunOwner | undefined>;
  /** The whole run, or undefined when no such run exists. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Most recent first. `limit` default 50. */
  listRuns(options?: { readonly limit?: number }): Promise<readonly RunSummary[]>;
  /**
   * Ids of the runs whose id starts with `prefix` (case-sensitive; `''` matches every run), most recent first (as
   * `listRuns`), at most `limit` (default 10). For resolving what a person typed (`runs show run-2026`).
   * @throws InvalidArgumentError (`invalid_argument`, e.g. `options.limit`).
   */
  findRunIds(prefix: string, options?: { readonly limit?: number }): Promise<readonly string[]>;
  close(): Promise<void>;
}
