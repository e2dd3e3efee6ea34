/**
 * @module orchestrate/solve-run
 * What a `solve` (or `demo`) run records to be resumable, and what resuming reads back: the run's configuration,
 * the errors of pausing and resuming, and a decided task's result rebuilt from its records.
 */
import { z } from 'zod';
import { ZeroErrorError } from '../errors/zero-error-error.js';
import { TestCaseSchema } from '../task-spec/task-spec.js';
import { recordedFailureCause } from '../llm/failed-call-tally.js';
import type { DecisionRecord, RunRecord } from '../store/run-store.js';
import type { TaskOutcome } from './engine-events.js';
import type { ClassTally, SolveTaskResult } from './solve-task.js';
import { parseOptions } from '../errors/parse-options.js';
import { DEFAULT_ADAPTIVE_CONFIDENCE, perStepErrorTarget, type AdaptiveMarginOptions } from '../vote/adaptive-margin.js';

const AdaptiveKSchema = z.object({
  target: z.number().gt(0, 'a number in (0, 1)').lt(1, 'a number in (0, 1)').default(0.95),
  confidence: z.number().min(0, 'a finite number >= 0').finite('a finite number >= 0').default(DEFAULT_ADAPTIVE_CONFIDENCE),
}).strict();

/**
 * The adaptive-k options every task of a run of `tasks` tasks uses: per-task error target 1 - target^(1/tasks)
 * (default target 0.95) and the confidence (default {@link DEFAULT_ADAPTIVE_CONFIDENCE}).
 * @throws InvalidArgumentError (`invalid_argument`, parameter `runOptions.adaptiveK.target` / `.confidence`).
 */
export function adaptiveForRun(options: { readonly target?: number | undefined; readonly confidence?: number | undefined }, tasks: number): AdaptiveMarginOptions {
  const input = parseOptions(AdaptiveKSchema, options, 'runOptions.adaptiveK');
  return { errorTarget: perStepErrorTarget({ target: input.target, steps: Math.max(1, tasks) }), confidence: input.confidence };
}

/** The configuration a solve run is created with (`runs.config`), enough to resume it unchanged. */
export const SolveRunConfigSchema = z.object({
  k: z.number().int().positive(),
  /** Adaptive k (vote/adaptive-margin.ts): the per-step error target and confidence every task of the run uses. */
  adaptive: z.object({ errorTarget: z.number(), confidence: z.number().optional() }).optional(),
  maxSamples: z.number().int().positive(),
  fallback: z.enum(['best-partial', 'escalate']),
  seed: z.number().int(),
  sandbox: z.string().optional(),
  parallelism: z.number().int().positive().optional(),
  /** Cost budget of the whole run in USD (priced answers' `costUsd` over every session); reaching it pauses the run. */
  maxCostUsd: z.number().positive().optional(),
  advisoryThreshold: z.number().min(0).max(1).optional(),
  /** The reviewer filter (`SolveTaskOptions.review`). */
  review: z.boolean().optional(),
  /** Use the engine's memory: the verified-solution cache (`RunOptions.memory`). */
  memory: z.boolean().optional(),
  advisoryTests: z.record(z.string(), z.array(TestCaseSchema)).optional(),
  /** Task ids in the order they were given (the store lists tasks by id). */
  taskOrder: z.array(z.string()).optional(),
  /** `zerr implement`: the repository, the edited file (root-relative) and the function, to resume it as it started. */
  implement: z.object({ root: z.string(), path: z.string(), symbol: z.string() }).optional(),
});
/** See {@link SolveRunConfigSchema}. */
export type SolveRunConfig = Omit<z.infer<typeof SolveRunConfigSchema>, 'advisoryTests'> & {
  readonly advisoryTests?: Readonly<Record<string, readonly z.infer<typeof TestCaseSchema>[]>> | undefined;
};

/**
 * A solve run stopped on a signal (Ctrl-C, SIGTERM) or because another process took it over: it is recorded as
 * `paused` and `zerr resume <runId>` continues it from its recorded samples.
 *
 * Code: `run_paused`. Not an error of the run: the CLI exits 6 (paused).
 */
export class RunPausedError extends ZeroErrorError {
  readonly runId: string;
  readonly reason: string;

  constructor(options: { runId: string; reason: string; cause?: unknown }) {
    super('run_paused', `Run ${options.runId} ${options.reason}; continue it with: zerr resume ${options.runId}`, { cause: options.cause });
    this.runId = options.runId;
    this.reason = options.reason;
  }
}

/**
 * The run cannot be resumed: it is complete, or of a kind that has nothing to resume (`decompose`).
 *
 * Code: `run_not_resumable`. Not retryable.
 */
export class RunNotResumableError extends ZeroErrorError {
  constructor(message: string) {
    super('run_not_resumable', message);
  }
}

/**
 * The result of a task decided in an earlier session of the run, rebuilt from its records: counts of red flags and
 * failures by sample, calls without an answer by cause, classes from the votes (representative: the lowest sample
 * index), tokens and cost summed over the samples. `retries` counts only the failed calls' retries (an answered
 * call's are not recorded). `durationMs` is 0 (this session spent nothing on it).
 */
export function resultFromRecords(run: RunRecord, decision: DecisionRecord): SolveTaskResult {
  const mine = <T extends { readonly taskId: string }>(records: readonly T[]): T[] => records.filter((r) => r.taskId === decision.taskId);
  const samples = mine(run.samples);
  const callFailures = mine(run.callFailures);
  const redFlags = mine(run.redFlags);
  const failures = mine(run.layerResults).filter((l) => l.status === 'fail');
  const votes = mine(run.votes);
  const count = (keys: readonly string[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  };
  const firstPerSample = <T extends { readonly sampleIndex: number }>(records: readonly T[]): T[] =>
    [...new Map(records.map((r) => [r.sampleIndex, r] as const)).values()];
  const redFlagged = firstPerSample(redFlags);
  const failed = firstPerSample(failures).filter((f) => !redFlagged.some((r) => r.sampleIndex === f.sampleIndex));
  const classes = new Map<string, { votes: number; representative: number }>();
  for (const vote of votes) {
    const tally = classes.get(vote.classKey);
    if (tally === undefined) classes.set(vote.classKey, { votes: 1, representative: vote.sampleIndex });
    else classes.set(vote.classKey, { votes: tally.votes + 1, representative: Math.min(tally.representative, vote.sampleIndex) });
  }
  const tallies: ClassTally[] = [...classes].map(([classKey, t]) => ({ classKey, ...t })).sort((a, b) => b.votes - a.votes || a.representative - b.representative);
  return {
    taskId: decision.taskId,
    outcome: decision.outcome as TaskOutcome,
    code: decision.code,
    classKey: decision.classKey,
    votes: decision.votes,
    runnerUpVotes: decision.runnerUpVotes,
    k: decision.k,
    samples: decision.samples,
    failedCalls: callFailures.length,
    failedCallsByCause: count(callFailures.map((f) => recordedFailureCause(f.code, f.statusCode))),
    retries: callFailures.reduce((sum, f) => sum + f.attempts - 1, 0),
    redFlagged: redFlagged.length,
    redFlagsByRule: count(redFlags.map((r) => r.rule)),
    failedVerification: failed.length,
    failedByLayer: count(failed.map((f) => f.layer)),
    verified: votes.length,
    classes: tallies,
    inputTokens: samples.reduce((sum, s) => sum + s.inputTokens, 0),
    outputTokens: samples.reduce((sum, s) => sum + s.outputTokens, 0),
    costUsd: samples.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
    durationMs: 0,
    reason: decision.reason,
  };
}
