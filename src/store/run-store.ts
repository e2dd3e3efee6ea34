/**
 * @module store/run-store
 * The contract of a run store: every sample, red flag, verification layer result, vote and decision of a run is
 * recorded here, in domain terms. Implementations: `store/memory/` (tests) and `store/sqlite/` (the embedded
 * default: one SQLite file). A backend owns its connections.
 */

/** Status of a run. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

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
  readonly redFlags: readonly RedFlagRecord[];
  readonly layerResults: readonly LayerResultRecord[];
  readonly votes: readonly VoteRecord[];
  readonly decisions: readonly DecisionRecord[];
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
 * `DuplicateRecordError` (`duplicate_record`), so nothing recorded is ever silently overwritten.
 */
export interface RunStore {
  createRun(run: NewRun): Promise<void>;
  recordTask(runId: string, task: TaskRecord): Promise<void>;
  recordSample(runId: string, sample: SampleRecord): Promise<void>;
  recordRedFlag(runId: string, hit: RedFlagRecord): Promise<void>;
  recordLayerResult(runId: string, result: LayerResultRecord): Promise<void>;
  recordVote(runId: string, vote: VoteRecord): Promise<void>;
  recordDecision(runId: string, decision: DecisionRecord): Promise<void>;
  finishRun(runId: string, end: { readonly status: RunStatus; readonly finishedAt: number; readonly summary: Readonly<Record<string, unknown>> }): Promise<void>;
  /** The whole run, or undefined when no such run exists. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Most recent first. `limit` default 50. */
  listRuns(options?: { readonly limit?: number }): Promise<readonly RunSummary[]>;
  close(): Promise<void>;
}
