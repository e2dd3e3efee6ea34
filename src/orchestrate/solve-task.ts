/**
 * @module orchestrate/solve-task
 * The heart of Zero-Error: one atomic task through sample -> red-flag -> verify -> semantic signature ->
 * first-to-ahead-by-k vote (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3 and Algorithm 2), with the seed
 * guide's fallbacks when no consensus is reached (best partial, or escalation).
 */
import { FailedCallTally } from '../llm/failed-call-tally.js';
import type { LanguageModel } from '../llm/language-model.js';
import type { RedFlagContext, RedFlagHit } from '../redflag/red-flag-rule.js';
import type { CandidateRunner } from '../sandbox/candidate-runner.js';
import type { TaskSpec, TestCase } from '../task-spec/task-spec.js';
import { hasMembers } from '../task-spec/checks/class-spec.js';
import type { LayerResultRecord, RedFlagRecord, RunStore, SampleRecord, VoteRecord } from '../store/run-store.js';
import { failedDrawsByIndex, type TaskProgress } from '../store/task-progress.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { FirstToAheadByKVote, type VoteStatus } from '../vote/first-to-ahead-by-k.js';
import type { AdaptiveMarginOptions } from '../vote/adaptive-margin.js';
import type { EngineEvent, TaskOutcome } from './engine-events.js';
import { planNextRound } from './sampling-plan.js';
import { compareByDualAgreement, DEFAULT_ADVISORY_THRESHOLD, eligibleClasses } from './advisory-tests.js';
import type { ReviewOutcome } from '../decompose/review-class.js';
import { applyRemoteSample, type RemoteSampler } from './remote-sample.js';
import { RemoteVerdictRejectedError } from './remote-verdict-rejected-error.js';
import { drawSample, emptySampleTotals, resumeSample, signatureRunner, type SampleStepContext, type SampleVerdict, type VerifyCandidate } from './sample-step.js';

/** Narrow dependencies of {@link solveTask}; the engine wires the real ones. */
export interface SolveTaskDependencies {
  readonly model: LanguageModel;
  /** Every red-flag hit of one sample (empty: the sample may proceed). */
  readonly redFlag: (context: RedFlagContext) => Promise<readonly RedFlagHit[]>;
  /** Runs the verification layers on one candidate, reporting each layer as it ends. */
  readonly verify: VerifyCandidate;
  readonly candidateRunner: CandidateRunner;
  readonly store: RunStore;
  /**
   * Draws and judges new samples on queue workers (`zerr worker`) instead of here: each comes back as a report that
   * is checked, recorded in `store` and voted on here (`remote-sample.ts`). Resumed samples are still judged here.
   * Absent: every sample is drawn in this process.
   */
  readonly remoteSampler?: RemoteSampler | undefined;
  readonly emit: (event: EngineEvent) => void;
  /**
   * Reviews the representative of the class a vote is about to choose (`options.review`; the engine's reviewer,
   * `decompose/review-class.ts`, recorded under `review:<taskId>:<classKey>`). Absent: `options.review` is refused.
   */
  readonly review?: (request: { readonly runId: string; readonly spec: TaskSpec; readonly classKey: string; readonly code: string; readonly signal?: AbortSignal | undefined }) => Promise<ReviewOutcome>;
}

/** Options of one solve. Defaults: k 3, maxSamples 20, signatureInputs 24, seed 42, fallback `best-partial`. */
export interface SolveTaskOptions {
  readonly runId: string;
  readonly spec: TaskSpec;
  /** Margin the winning equivalence class must lead the runner-up by (first-to-ahead-by-k). */
  readonly k: number;
  /**
   * Adaptive k: once the vote is contested, the margin grows to what the split calls for against the per-step
   * error target (vote/adaptive-margin.ts, decision 022). Absent: plain first-to-ahead-by-k.
   */
  readonly adaptive?: AdaptiveMarginOptions | undefined;
  /**
   * Sample budget: answers the model gave for this task, red-flagged and failing ones included. Calls that gave no
   * answer (failed after their retries, refused, empty) do not count: they are attempts, recorded apart with their
   * causes (`RunStore.recordCallFailure`), and the sample index is drawn again.
   */
  readonly maxSamples: number;
  /**
   * Calls without an answer the task tolerates before it stops as `model-unavailable` (ModelUnavailableError).
   * Default `maxSamples`.
   */
  readonly maxFailedCalls?: number;
  /** Calls in a row without an answer that stop the task as `model-unavailable`. Default 5. */
  readonly maxConsecutiveFailedCalls?: number;
  /** Most samples in flight at once. Default `k`. */
  readonly parallelism?: number;
  /**
   * Number of generated inputs added to the visible test inputs for the semantic signature. Default 24. A class or
   * module spec gets half as many generated call sequences (3 calls each) beside its visible sequences.
   */
  readonly signatureInputs?: number;
  /** Seed of the generated inputs. */
  readonly seed?: number;
  /** What to do without consensus: keep the largest class marked `best-partial`, or escalate to a person. */
  readonly fallback?: 'best-partial' | 'escalate';
  /**
   * Tests of unknown reliability (e.g. model-written, as in CodeT). Never used to reject a sample outright: their
   * inputs are appended to the signature inputs, and a class passing fewer than `advisoryThreshold` x the advisory
   * tests of the best class so far is left out of the vote; best-partial picks by votes x passes (CodeT dual
   * agreement). See `advisory-tests.ts`. Default none (plain first-to-ahead-by-k).
   */
  readonly advisoryTests?: readonly TestCase[];
  /** Share in [0, 1] of the best class's advisory passes a class needs to take part in the vote. Default 0.5. */
  readonly advisoryThreshold?: number;
  /**
   * The reviewer as a vote filter: when a class would win (led by the margin), its representative is reviewed
   * (`deps.review`); a rejection by consensus takes the class out of the vote (its votes no longer count, sampling
   * goes on), an acceptance or an undecided review lets the decision stand. Verification still decides what may
   * vote: the review only removes. Default false.
   */
  readonly review?: boolean;
  /**
   * Context the memory retrieved for the task (code, documents, earlier failures), shown in every chat prompt as a
   * marked last section (`buildSamplePrompt`). Default none.
   */
  readonly retrievedContext?: string | undefined;
  /**
   * What the store already holds for this undecided task (`taskProgress(run, spec.id)`), to resume after the
   * process was stopped. A recorded sample is not drawn again: no model call, nothing recorded twice; what is
   * missing after it (red-flag hits, layer results, the vote) is done and recorded. When the model answers
   * deterministically per (task id, sample index), the outcome, the code, the counts and the store's final
   * contents equal those of an uninterrupted run. Default: nothing recorded.
   */
  readonly resume?: TaskProgress;
  /**
   * Record the decision `cancelled` when the signal aborts, and `model-unavailable` when the model is. Default true.
   * The engine's runs and `zerr build` pass false, so that a stopped task (or one whose model went away) stays
   * undecided and is continued by a resume, from its recorded samples (the `task-end` event is still emitted).
   */
  readonly recordCancellation?: boolean;
  readonly signal?: AbortSignal;
}

/** Votes of one equivalence class. */
export interface ClassTally {
  readonly classKey: string;
  readonly votes: number;
  /** Sample index of the class's first member, whose code represents the class. */
  readonly representative: number;
  /** Advisory tests the class passes (only with `advisoryTests`). */
  readonly advisoryPassed?: number;
}

/** The decision for one task. */
export interface SolveTaskResult {
  /** Where the code came from when the verified-solution cache reused it (`RunOptions.memory`): no sample was drawn. */
  readonly reusedFrom?: { readonly runId: string; readonly taskId: string | null };
  /** The reviews of classes the vote was about to choose, in order (only with `options.review`). */
  readonly reviews?: readonly ReviewOutcome[];
  readonly taskId: string;
  readonly outcome: TaskOutcome;
  /** Chosen code: the winning class's representative (`consensus`) or the largest class's (`best-partial`). */
  readonly code: string | null;
  readonly classKey: string | null;
  readonly votes: number;
  readonly runnerUpVotes: number;
  readonly k: number;
  /** Answers the model gave (the sample budget's unit); calls without an answer are `failedCalls`. */
  readonly samples: number;
  /** Model calls that gave no answer (after their retries), counted apart from `samples`. */
  readonly failedCalls: number;
  /** `failedCalls` by cause: `http_<status>`, `network`, `model_timeout`, `model_empty_answer`, `model_refused`, ... */
  readonly failedCallsByCause: Readonly<Record<string, number>>;
  /** Retries the retry middleware made, over answered and failed calls. */
  readonly retries: number;
  readonly redFlagged: number;
  readonly redFlagsByRule: Readonly<Record<string, number>>;
  readonly failedVerification: number;
  readonly failedByLayer: Readonly<Record<string, number>>;
  readonly verified: number;
  readonly classes: readonly ClassTally[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly durationMs: number;
  readonly reason: string;
}

/**
 * Solves one task. Every sample, red flag, layer result, vote and the decision are written to `store` as they
 * happen; events go to `emit`.
 *
 * With `options.resume`, recorded samples are read back instead of drawn (see {@link SolveTaskOptions.resume}):
 * a sample with red-flag hits is red-flagged (a red-flag check re-run adds only hits of rules not yet recorded);
 * one with a vote is verified with that class (the candidate is run again only for advisory tests); one with a
 * failed layer result failed at that layer; anything else is judged again, recording only what is missing.
 *
 * Failed calls (after the model stack's retries), refusals and empty answers are recorded with their causes
 * (`recordCallFailure`) and do not use up `maxSamples`: their sample index is drawn again. `maxConsecutiveFailedCalls`
 * in a row, or `maxFailedCalls` in all, end the task as `model-unavailable`; so does a ModelUnavailableError.
 *
 * @throws ModelUnavailableError (`model_unavailable`) when the model cannot be reached or keeps failing (the message
 *   counts the calls by cause); unless `recordCancellation` is false the decision `model-unavailable` is recorded
 *   first. Nothing done is lost either way. InvalidArgumentError (`invalid_argument`, parameter `options.resume`)
 *   when the resumed records belong to another task.
 */
export async function solveTask(deps: SolveTaskDependencies, options: SolveTaskOptions): Promise<SolveTaskResult> {
  const { spec, runId, k } = options;
  const started = Date.now();
  const now = () => Date.now();
  const resumed = indexProgress(spec.id, options.resume);
  if (hasMembers(spec) && (options.advisoryTests ?? []).length > 0) {
    throw new InvalidArgumentError({ parameter: 'options.advisoryTests', value: options.advisoryTests?.length, expected: `none for a ${spec.taskType} spec (advisory tests are function test cases)` });
  }
  const advisory = options.advisoryTests ?? [];
  const threshold = options.advisoryThreshold ?? DEFAULT_ADVISORY_THRESHOLD;
  const advisoryByClass = new Map<string, number>();
  const castKeys: string[] = [];
  if (options.review === true && deps.review === undefined) {
    throw new InvalidArgumentError({ parameter: 'options.review', value: true, expected: 'false, or a reviewer in the dependencies (deps.review)' });
  }
  /** Classes the reviewers rejected by consensus: out of the vote. */
  const vetoed = new Set<string>();
  const reviews: ReviewOutcome[] = [];
  const newVote = (): FirstToAheadByKVote => new FirstToAheadByKVote({ k, adaptive: options.adaptive });
  let vote = newVote();
  const representatives = new Map<string, { index: number; code: string }>();
  const totals = emptySampleTotals();
  const { redFlagsByRule, failedByLayer } = totals;
  const failedCalls = new FailedCallTally({
    provider: deps.model.provider, maxFailedCalls: options.maxFailedCalls ?? options.maxSamples,
    ...(options.maxConsecutiveFailedCalls === undefined ? {} : { maxConsecutiveFailedCalls: options.maxConsecutiveFailedCalls }),
  });
  let stopReason: 'exhausted' | 'unavailable' | undefined;
  let unavailableError: unknown;

  // The inputs candidates are compared on (a queue worker computes the same ones for the samples it judges).
  const signature = await signatureRunner({
    spec, runner: deps.candidateRunner, count: options.signatureInputs, seed: options.seed, advisory, signal: options.signal,
  });
  deps.emit({ type: 'task-start', runId, at: now(), taskId: spec.id, k, maxSamples: options.maxSamples });
  const stepContext: SampleStepContext = {
    runId, spec, model: deps.model, redFlag: deps.redFlag, verify: deps.verify, recorder: deps.store, emit: deps.emit,
    signature, advisory, seed: options.seed ?? 42, retrievedContext: options.retrievedContext, signal: options.signal, totals,
  };

  /** Samples a queue worker judged: a class they choose is verified again here before anything is decided on it. */
  const remoteIndices = new Set<number>();
  /** Calls per sample index that gave no answer: a queue job of a sample drawn again is a new job. */
  const failedDraws = failedDrawsByIndex(options.resume, spec.id);
  const runSample = async (index: number): Promise<SampleVerdict> => {
    const recordedSample = resumed.samples.get(index);
    if (recordedSample !== undefined) {
      return resumeSample(stepContext, index, recordedSample, {
        redFlags: resumed.redFlags.get(index) ?? [],
        layerResults: resumed.layerResults.get(index) ?? [],
        vote: resumed.votes.get(index),
      });
    }
    if (deps.remoteSampler === undefined) return drawSample(stepContext, index);
    remoteIndices.add(index);
    // A queue worker draws and judges the sample; its records and events are taken here, where the run is owned.
    const report = await deps.remoteSampler({
      runId, spec, sampleIndex: index, draw: failedDraws.get(index) ?? 0, seed: options.seed ?? 42, signatureInputs: options.signatureInputs ?? 24,
      advisoryTests: advisory, retrievedContext: options.retrievedContext, signal: options.signal,
    });
    try {
      return await applyRemoteSample(stepContext, index, report);
    } catch (error) {
      // A report that does not hold (its shape, its records) is not a worker's verdict: nothing is decided on it.
      if (error instanceof InvalidArgumentError) throw new RemoteVerdictRejectedError({ taskId: spec.id, sampleIndex: index, failedCheck: `the report: ${error.message}` });
      throw error;
    }
  };

  /**
   * Records the `cancelled` decision once, so an aborted task still ends with a decision in the store (unless
   * `recordCancellation` is false: then the task stays undecided, to be resumed).
   */
  let cancelledRecorded = false;
  const recordCancelled = async (): Promise<void> => {
    if (cancelledRecorded) return;
    cancelledRecorded = true;
    const reason = `cancelled after ${totals.samples} samples${failedNote()}`;
    if (options.recordCancellation !== false) {
      await deps.store.recordDecision(runId, {
        taskId: spec.id, outcome: 'cancelled', classKey: null, code: null, votes: 0, runnerUpVotes: 0,
        samples: totals.samples, k, reason, decidedAt: now(),
      });
    }
    deps.emit({ type: 'task-end', runId, at: now(), taskId: spec.id, outcome: 'cancelled', samples: totals.samples });
  };

  /** ", 3 calls without an answer (http_500 2, model_timeout 1)" or nothing. */
  const failedNote = (): string => (failedCalls.count === 0 ? '' : `, ${failedCalls.describe()}`);

  /** A vote over every key cast so far, less classes the advisory tests leave out and those the reviewers rejected. */
  const recount = (): FirstToAheadByKVote => {
    const eligible = advisory.length === 0 ? undefined : eligibleClasses(advisoryByClass, threshold);
    const recounted = newVote();
    recounted.castBatch(castKeys.filter((key) => !vetoed.has(key) && (eligible === undefined || eligible.has(key))));
    return recounted;
  };

  let next = 0;
  /** Sample indices whose call gave no answer: drawn again, before new ones, so answers keep their indices. */
  const redo: number[] = [];
  while (!vote.status().decided && stopReason === undefined && totals.samples < options.maxSamples) {
    if (options.signal?.aborted === true) {
      await recordCancelled();
      options.signal.throwIfAborted();
    }
    const size = planNextRound({ k, status: vote.status(), started: totals.samples, maxSamples: options.maxSamples, parallelism: options.parallelism ?? k });
    const indices = redo.splice(0, size);
    while (indices.length < size) indices.push(next++);
    const settled = await Promise.allSettled(indices.map(runSample));
    const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (rejected !== undefined) {
      if (options.signal?.aborted === true) await recordCancelled();
      throw rejected.reason;
    }
    const verdicts = settled.map((result) => (result as PromiseFulfilledResult<SampleVerdict>).value);
    const keys: string[] = [];
    for (const verdict of verdicts.sort((a, b) => a.index - b.index)) {
      if ('failed' in verdict) {
        failedCalls.failed(verdict.failed);
        failedDraws.set(verdict.index, (failedDraws.get(verdict.index) ?? 0) + 1);
        redo.push(verdict.index);
      } else if (verdict.stop === undefined) {
        failedCalls.answered();
      }
      if (verdict.stop === 'unavailable') { stopReason = 'unavailable'; unavailableError = verdict.error; }
      if (verdict.stop === 'exhausted' && stopReason === undefined) stopReason = 'exhausted';
      if (verdict.classKey === undefined || verdict.code === undefined) continue;
      keys.push(verdict.classKey);
      advisoryByClass.set(verdict.classKey, verdict.advisoryPassed ?? 0);
      if (!representatives.has(verdict.classKey)) representatives.set(verdict.classKey, { index: verdict.index, code: verdict.code });
    }
    castKeys.push(...keys);
    if (keys.length > 0 && (advisory.length > 0 || vetoed.size > 0)) {
      // The eligible set can change as better-agreeing classes appear: recount the eligible votes from scratch.
      vote = recount();
    } else if (keys.length > 0) {
      vote.castBatch(keys);
    }
    // The reviewer filter: the class about to be chosen is reviewed; one rejected by consensus leaves the vote,
    // which is recounted without it (and may then choose another class, reviewed in turn).
    while (options.review === true && deps.review !== undefined && vote.status().decided) {
      const winner = vote.status().winner ?? '';
      const representative = representatives.get(winner);
      if (representative === undefined || reviews.some((review) => review.classKey === winner)) break;
      const review = await deps.review({ runId, spec, classKey: winner, code: representative.code, signal: options.signal });
      reviews.push(review);
      if (review.verdict !== 'reject') break;
      vetoed.add(winner);
      vote = recount();
    }
    if (keys.length > 0) {
      const tallies = vote.status().tallies;
      for (const verdict of verdicts) {
        if (verdict.classKey === undefined) continue;
        deps.emit({ type: 'vote-cast', runId, at: now(), taskId: spec.id, sampleIndex: verdict.index, classKey: verdict.classKey, tallies });
      }
    }
    redo.sort((a, b) => a - b);
    if (stopReason === undefined && failedCalls.unavailable) {
      // Calls keep failing (after their retries): the model is unavailable, whatever each error's own
      // classification. A decision on the few answers there are would be a guess.
      stopReason = 'unavailable';
      unavailableError = failedCalls.unavailableError({ retries: totals.retries, answers: totals.samples });
    }
  }

  const status = vote.status();
  const classes: ClassTally[] = status.tallies.map((tally) => ({
    classKey: tally.classKey, votes: tally.votes, representative: representatives.get(tally.classKey)?.index ?? -1,
    ...(advisory.length === 0 ? {} : { advisoryPassed: advisoryByClass.get(tally.classKey) ?? 0 }),
  }));
  let outcome: TaskOutcome;
  let chosen: string | null = null;
  let reason: string;
  if (status.decided && status.winner !== null) {
    outcome = 'consensus';
    chosen = status.winner;
    reason = status.requiredMargin > k
      ? `class ${status.winner} led the runner-up by ${status.margin} >= ${status.requiredMargin}, the adaptive margin of its ${status.leaderVotes}-${status.runnerUpVotes} split (k=${k}), after ${totals.samples} samples`
      : `class ${status.winner} led the runner-up by ${status.margin} >= k=${k} after ${totals.samples} samples`;
  } else if (stopReason === 'unavailable') {
    outcome = 'model-unavailable';
    reason = unavailableError instanceof Error ? unavailableError.message : 'model unavailable';
  } else if (status.tallies.length > 0 && (options.fallback ?? 'best-partial') === 'best-partial') {
    outcome = 'best-partial';
    chosen = advisory.length === 0
      ? (vote.bestPartial()?.classKey ?? null)
      : ([...classes].sort((a, b) => compareByDualAgreement({ votes: a.votes, passed: a.advisoryPassed ?? 0 }, { votes: b.votes, passed: b.advisoryPassed ?? 0 }))[0]?.classKey ?? null);
    reason = `no class led by ${marginNote(status, k)} within ${totals.samples} samples (${budgetNote(stopReason)}); kept the largest class as a best partial result`;
  } else if (status.tallies.length > 0) {
    outcome = 'escalated';
    reason = `no class led by ${marginNote(status, k)} within ${totals.samples} samples (${budgetNote(stopReason)}); escalated to a person`;
  } else {
    outcome = options.fallback === 'escalate' ? 'escalated' : 'no-consensus';
    reason = vetoed.size > 0
      ? `every class that passed verification was rejected by the reviewers, in ${totals.samples} samples (${budgetNote(stopReason)})`
      : `no sample passed red-flagging and verification in ${totals.samples} samples (${budgetNote(stopReason)})`;
  }
  if (reviews.length > 0) reason += `; ${reviews.map((review) => review.reason).join('; ')}`;
  const chosenClass = chosen === null ? undefined : status.tallies.find((tally) => tally.classKey === chosen);
  const runnerUp = status.tallies.find((tally) => tally.classKey !== chosen)?.votes ?? 0;
  const code = chosen === null ? null : (representatives.get(chosen)?.code ?? null);
  const representative = chosen === null ? undefined : representatives.get(chosen);
  if (code !== null && representative !== undefined && remoteIndices.has(representative.index)) {
    // "Verified" means verified here: a worker's word (through a shared Redis) is not enough to decide on.
    const check = await deps.verify(spec, code, () => undefined, options.signal);
    if (!check.passed) throw new RemoteVerdictRejectedError({ taskId: spec.id, sampleIndex: representative.index, failedCheck: `layer ${check.failedLayer ?? 'unknown'}` });
  }
  if (outcome !== 'model-unavailable' || options.recordCancellation !== false) {
    await deps.store.recordDecision(runId, {
      taskId: spec.id, outcome, classKey: chosen, code, votes: chosenClass?.votes ?? 0, runnerUpVotes: runnerUp,
      samples: totals.samples, k, reason, decidedAt: now(),
    });
  }
  deps.emit({ type: 'vote-decided', runId, at: now(), taskId: spec.id, outcome, classKey: chosen, votes: chosenClass?.votes ?? 0, runnerUpVotes: runnerUp });
  if (outcome === 'escalated') deps.emit({ type: 'task-escalated', runId, at: now(), taskId: spec.id, reason });
  deps.emit({ type: 'task-end', runId, at: now(), taskId: spec.id, outcome, samples: totals.samples });
  if (outcome === 'model-unavailable') throw unavailableError;

  return {
    taskId: spec.id, outcome, code, classKey: chosen, votes: chosenClass?.votes ?? 0, runnerUpVotes: runnerUp, k,
    samples: totals.samples, failedCalls: failedCalls.count, failedCallsByCause: failedCalls.byCause, retries: totals.retries,
    redFlagged: totals.redFlagged, redFlagsByRule, failedVerification: totals.failed, failedByLayer, verified: totals.verified, classes, inputTokens: totals.inputTokens, outputTokens: totals.outputTokens,
    costUsd: totals.costUsd, durationMs: Date.now() - started, reason,
    ...(options.review === true ? { reviews } : {}),
  };
}

/** Resumed records of one task, by sample index. */
interface IndexedProgress {
  readonly samples: ReadonlyMap<number, SampleRecord>;
  readonly redFlags: ReadonlyMap<number, readonly RedFlagRecord[]>;
  readonly layerResults: ReadonlyMap<number, readonly LayerResultRecord[]>;
  readonly votes: ReadonlyMap<number, VoteRecord>;
}

/** Groups `progress` by sample index, checking that every record belongs to `taskId`. */
function indexProgress(taskId: string, progress: TaskProgress | undefined): IndexedProgress {
  const group = <T extends { readonly taskId: string; readonly sampleIndex: number }>(name: keyof TaskProgress, records: readonly T[]): Map<number, T[]> => {
    const byIndex = new Map<number, T[]>();
    for (const record of records) {
      if (record.taskId !== taskId) {
        throw new InvalidArgumentError({ parameter: `options.resume.${name}`, value: record.taskId, expected: `records of task ${JSON.stringify(taskId)}` });
      }
      byIndex.set(record.sampleIndex, [...(byIndex.get(record.sampleIndex) ?? []), record]);
    }
    return byIndex;
  };
  const first = <T>(byIndex: Map<number, T[]>): Map<number, T> =>
    new Map([...byIndex].flatMap(([index, records]) => (records[0] === undefined ? [] : [[index, records[0]] as const])));
  return {
    samples: first(group('samples', progress?.samples ?? [])),
    redFlags: group('redFlags', progress?.redFlags ?? []),
    layerResults: group('layerResults', progress?.layerResults ?? []),
    votes: first(group('votes', progress?.votes ?? [])),
  };
}

/** "k=3", or under adaptive k on a contested vote "the adaptive margin (9) of its 8-5 split (k=3)" ("unbounded" while the split says nothing). */
function marginNote(status: VoteStatus, k: number): string {
  if (status.requiredMargin <= k) return `k=${k}`;
  const margin = Number.isFinite(status.requiredMargin) ? String(status.requiredMargin) : 'unbounded';
  return `the adaptive margin (${margin}) of its ${status.leaderVotes}-${status.runnerUpVotes} split (k=${k})`;
}

function budgetNote(stopReason: 'exhausted' | 'unavailable' | undefined): string {
  return stopReason === 'exhausted' ? 'the recorded samples ran out' : 'sample budget spent';
}
