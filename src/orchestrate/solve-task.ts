/**
 * @module orchestrate/solve-task
 * The heart of Zero-Error: one atomic task through sample -> red-flag -> verify -> semantic signature ->
 * first-to-ahead-by-k vote (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3 and Algorithm 2), with the seed
 * guide's fallbacks when no consensus is reached (best partial, or escalation).
 */
import type { GenerateResult, LanguageModel } from '../llm/language-model.js';
import { ModelUnavailableError, ReplayExhaustedError } from '../llm/model-errors.js';
import type { RedFlagContext, RedFlagHit } from '../redflag/red-flag-rule.js';
import type { CandidateRunner } from '../sandbox/candidate-runner.js';
import type { TaskSpec, TestCase } from '../spec/task-spec.js';
import type { RunStore } from '../store/run-store.js';
import type { LayerResult } from '../verify/verification-layer.js';
import { FirstToAheadByKVote } from '../vote/first-to-ahead-by-k.js';
import { semanticSignature } from '../vote/semantic-signature.js';
import type { EngineEvent, TaskOutcome } from './engine-events.js';
import { assembleCandidate } from './prompting/assemble-candidate.js';
import { buildSamplePrompt } from './prompting/build-prompt.js';
import { promptVariantForSample, temperatureForSample } from './prompting/prompt-variants.js';
import { planNextRound } from './sampling-plan.js';
import { signatureInputs } from './signature-inputs.js';
import { advisoryPasses, compareByDualAgreement, DEFAULT_ADVISORY_THRESHOLD, eligibleClasses } from './advisory-tests.js';

/** Narrow dependencies of {@link solveTask}; the engine wires the real ones. */
export interface SolveTaskDependencies {
  readonly model: LanguageModel;
  /** Every red-flag hit of one sample (empty: the sample may proceed). */
  readonly redFlag: (context: RedFlagContext) => Promise<readonly RedFlagHit[]>;
  /** Runs the verification layers on one candidate, reporting each layer as it ends. */
  readonly verify: (
    spec: TaskSpec,
    code: string,
    onLayerEnd: (result: LayerResult) => void,
    signal?: AbortSignal,
  ) => Promise<{ readonly passed: boolean; readonly failedLayer?: string | undefined }>;
  readonly candidateRunner: CandidateRunner;
  readonly store: RunStore;
  readonly emit: (event: EngineEvent) => void;
}

/** Options of one solve. Defaults: k 3, maxSamples 20, signatureInputs 24, seed 42, fallback `best-partial`. */
export interface SolveTaskOptions {
  readonly runId: string;
  readonly spec: TaskSpec;
  /** Margin the winning equivalence class must lead the runner-up by (first-to-ahead-by-k). */
  readonly k: number;
  /** Sample budget: model calls for this task, including red-flagged and failed ones. */
  readonly maxSamples: number;
  /** Most samples in flight at once. Default `k`. */
  readonly parallelism?: number;
  /** Number of generated inputs added to the visible test inputs for the semantic signature. */
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
  readonly taskId: string;
  readonly outcome: TaskOutcome;
  /** Chosen code: the winning class's representative (`consensus`) or the largest class's (`best-partial`). */
  readonly code: string | null;
  readonly classKey: string | null;
  readonly votes: number;
  readonly runnerUpVotes: number;
  readonly k: number;
  /** Model calls made (successful or not). */
  readonly samples: number;
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

interface SampleVerdict {
  readonly index: number;
  readonly classKey?: string;
  readonly code?: string;
  readonly advisoryPassed?: number;
  readonly stop?: 'exhausted' | 'unavailable';
  readonly error?: unknown;
}

/**
 * Solves one task. Every sample, red flag, layer result, vote and the decision are written to `store` as they
 * happen; events go to `emit`.
 *
 * @throws ModelUnavailableError (`model_unavailable`) when the model cannot be reached; the decision
 *   `model-unavailable` is recorded first, so nothing done is lost.
 */
export async function solveTask(deps: SolveTaskDependencies, options: SolveTaskOptions): Promise<SolveTaskResult> {
  const { spec, runId, k } = options;
  const started = Date.now();
  const now = () => Date.now();
  const style = deps.model.capabilities.completionStyle;
  const { inputs } = await signatureInputs({
    spec, runner: deps.candidateRunner, count: options.signatureInputs ?? 24, seed: options.seed ?? 42,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const advisory = options.advisoryTests ?? [];
  const threshold = options.advisoryThreshold ?? DEFAULT_ADVISORY_THRESHOLD;
  const callInputs = advisory.length === 0 ? inputs : [...inputs, ...advisory.map((test) => test.inputs)];
  const advisoryByClass = new Map<string, number>();
  const castKeys: string[] = [];
  let vote = new FirstToAheadByKVote({ k });
  const representatives = new Map<string, { index: number; code: string }>();
  const redFlagsByRule: Record<string, number> = {};
  const failedByLayer: Record<string, number> = {};
  const totals = { samples: 0, modelFailures: 0, redFlagged: 0, failed: 0, verified: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  let stopReason: 'exhausted' | 'unavailable' | undefined;
  let unavailableError: unknown;
  let lastModelError: unknown;

  deps.emit({ type: 'task-start', runId, at: now(), taskId: spec.id, k, maxSamples: options.maxSamples });

  const runSample = async (index: number): Promise<SampleVerdict> => {
    const temperature = deps.model.capabilities.honoursTemperature ? temperatureForSample(index) : NaN;
    const prompt = buildSamplePrompt(spec, style, promptVariantForSample(index));
    let result: GenerateResult;
    try {
      result = await deps.model.generate({
        ...(prompt.prompt === undefined ? {} : { prompt: prompt.prompt }),
        ...(prompt.messages === undefined ? {} : { messages: prompt.messages }),
        ...(Number.isNaN(temperature) ? {} : { temperature }),
        maxOutputTokens: spec.limits.maxOutputTokens,
        stop: prompt.stop,
        seed: (options.seed ?? 42) + index,
        metadata: { taskId: spec.id, sampleIndex: String(index), promptVariant: prompt.variant },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      if (error instanceof ReplayExhaustedError) return { index, stop: 'exhausted' };
      totals.samples += 1;
      totals.modelFailures += 1;
      lastModelError = error;
      const code = (error as { code?: unknown }).code;
      deps.emit({
        type: 'sample-failed', runId, at: now(), taskId: spec.id, sampleIndex: index,
        code: typeof code === 'string' ? code : 'unknown', message: error instanceof Error ? error.message : String(error),
      });
      if (error instanceof ModelUnavailableError || code === 'circuit_open') return { index, stop: 'unavailable', error };
      if ((error as { name?: unknown }).name === 'AbortError' || options.signal?.aborted) throw error;
      return { index };
    }
    totals.samples += 1;
    totals.inputTokens += result.usage.inputTokens;
    totals.outputTokens += result.usage.outputTokens;
    totals.costUsd += result.costUsd ?? 0;
    const assembled = assembleCandidate(spec, style, result.text);
    const usedTemperature = Number.isNaN(temperature) ? null : temperature;
    await deps.store.recordSample(runId, {
      taskId: spec.id, sampleIndex: index, model: result.modelId, temperature: usedTemperature,
      promptVariant: prompt.variant, text: result.text, code: assembled.code, inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens, latencyMs: result.latencyMs, finishReason: result.finishReason,
      costUsd: result.costUsd ?? null, createdAt: now(),
    });
    deps.emit({
      type: 'sample-end', runId, at: now(), taskId: spec.id, sampleIndex: index, temperature: usedTemperature,
      promptVariant: prompt.variant, outputTokens: result.usage.outputTokens, inputTokens: result.usage.inputTokens,
      latencyMs: result.latencyMs, finishReason: result.finishReason,
    });

    const hits = await deps.redFlag({
      spec, text: result.text, finishReason: result.finishReason, outputTokens: result.usage.outputTokens,
      code: assembled.code, generatedCode: assembled.generatedCode,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (hits.length > 0 || assembled.code === null) {
      totals.redFlagged += 1;
      for (const hit of hits) {
        redFlagsByRule[hit.rule] = (redFlagsByRule[hit.rule] ?? 0) + 1;
        await deps.store.recordRedFlag(runId, { taskId: spec.id, sampleIndex: index, rule: hit.rule, reason: hit.reason });
      }
      deps.emit({ type: 'sample-red-flagged', runId, at: now(), taskId: spec.id, sampleIndex: index, hits });
      return { index };
    }
    const code = assembled.code;

    const layerWrites: Promise<void>[] = [];
    const verdict = await deps.verify(spec, code, (layer) => {
      layerWrites.push(deps.store.recordLayerResult(runId, {
        taskId: spec.id, sampleIndex: index, layer: layer.layer, status: layer.status, reason: layer.reason,
        durationMs: layer.durationMs, details: layer.details ?? null,
      }));
      deps.emit({ type: 'verify-layer-end', runId, at: now(), taskId: spec.id, sampleIndex: index, result: layer });
    }, options.signal);
    await Promise.all(layerWrites);
    deps.emit({
      type: 'candidate-verified', runId, at: now(), taskId: spec.id, sampleIndex: index, passed: verdict.passed,
      ...(verdict.failedLayer === undefined ? {} : { failedLayer: verdict.failedLayer }),
    });
    if (!verdict.passed) {
      totals.failed += 1;
      const layer = verdict.failedLayer ?? 'unknown';
      failedByLayer[layer] = (failedByLayer[layer] ?? 0) + 1;
      return { index };
    }
    totals.verified += 1;

    const run = await deps.candidateRunner.run({
      language: spec.language, code, entryPoint: spec.signature.entryPoint, calls: callInputs,
      perCallTimeoutMs: spec.limits.timeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const signature = run.kind === 'ran'
      ? semanticSignature(run.outcomes)
      : semanticSignature([{ kind: 'error', errorType: `run-${run.reason}`, message: run.reason }]);
    await deps.store.recordVote(runId, { taskId: spec.id, sampleIndex: index, classKey: signature.classKey, signature: signature.signature });
    const advisoryPassed = advisory.length === 0 || run.kind !== 'ran' ? 0 : advisoryPasses(advisory, run.outcomes.slice(inputs.length));
    return { index, classKey: signature.classKey, code, advisoryPassed };
  };

  /** Records the `cancelled` decision once, so an aborted task still ends with a decision in the store. */
  let cancelledRecorded = false;
  const recordCancelled = async (): Promise<void> => {
    if (cancelledRecorded) return;
    cancelledRecorded = true;
    const reason = `cancelled after ${totals.samples} samples`;
    await deps.store.recordDecision(runId, {
      taskId: spec.id, outcome: 'cancelled', classKey: null, code: null, votes: 0, runnerUpVotes: 0,
      samples: totals.samples, k, reason, decidedAt: now(),
    });
    deps.emit({ type: 'task-end', runId, at: now(), taskId: spec.id, outcome: 'cancelled', samples: totals.samples });
  };

  let next = 0;
  while (!vote.status().decided && stopReason === undefined && next < options.maxSamples) {
    if (options.signal?.aborted === true) {
      await recordCancelled();
      options.signal.throwIfAborted();
    }
    const size = planNextRound({ k, status: vote.status(), started: next, maxSamples: options.maxSamples, parallelism: options.parallelism ?? k });
    const indices = Array.from({ length: size }, (_, offset) => next + offset);
    next += size;
    const settled = await Promise.allSettled(indices.map(runSample));
    const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (rejected !== undefined) {
      if (options.signal?.aborted === true) await recordCancelled();
      throw rejected.reason;
    }
    const verdicts = settled.map((result) => (result as PromiseFulfilledResult<SampleVerdict>).value);
    const keys: string[] = [];
    for (const verdict of verdicts.sort((a, b) => a.index - b.index)) {
      if (verdict.stop === 'unavailable') { stopReason = 'unavailable'; unavailableError = verdict.error; }
      if (verdict.stop === 'exhausted' && stopReason === undefined) stopReason = 'exhausted';
      if (verdict.classKey === undefined || verdict.code === undefined) continue;
      keys.push(verdict.classKey);
      advisoryByClass.set(verdict.classKey, verdict.advisoryPassed ?? 0);
      if (!representatives.has(verdict.classKey)) representatives.set(verdict.classKey, { index: verdict.index, code: verdict.code });
    }
    if (keys.length > 0 && advisory.length > 0) {
      // The eligible set can change as better-agreeing classes appear: recount the eligible votes from scratch.
      castKeys.push(...keys);
      const eligible = eligibleClasses(advisoryByClass, threshold);
      vote = new FirstToAheadByKVote({ k });
      vote.castBatch(castKeys.filter((key) => eligible.has(key)));
    } else if (keys.length > 0) {
      vote.castBatch(keys);
    }
    if (keys.length > 0) {
      const tallies = vote.status().tallies;
      for (const verdict of verdicts) {
        if (verdict.classKey === undefined) continue;
        deps.emit({ type: 'vote-cast', runId, at: now(), taskId: spec.id, sampleIndex: verdict.index, classKey: verdict.classKey, tallies });
      }
    }
  }

  if (stopReason === undefined && totals.samples > 0 && totals.modelFailures === totals.samples) {
    // Not one call answered: the model is unavailable for this task, whatever each error's own classification.
    stopReason = 'unavailable';
    unavailableError = new ModelUnavailableError({
      provider: deps.model.provider,
      message: `all ${totals.samples} calls failed; last error: ${lastModelError instanceof Error ? lastModelError.message : String(lastModelError)}`,
      cause: lastModelError,
    });
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
    reason = `class ${status.winner} led the runner-up by ${status.margin} >= k=${k} after ${totals.samples} samples`;
  } else if (stopReason === 'unavailable') {
    outcome = 'model-unavailable';
    reason = unavailableError instanceof Error ? unavailableError.message : 'model unavailable';
  } else if (status.tallies.length > 0 && (options.fallback ?? 'best-partial') === 'best-partial') {
    outcome = 'best-partial';
    chosen = advisory.length === 0
      ? (vote.bestPartial()?.classKey ?? null)
      : ([...classes].sort((a, b) => compareByDualAgreement({ votes: a.votes, passed: a.advisoryPassed ?? 0 }, { votes: b.votes, passed: b.advisoryPassed ?? 0 }))[0]?.classKey ?? null);
    reason = `no class led by k=${k} within ${totals.samples} samples (${budgetNote(stopReason)}); kept the largest class as a best partial result`;
  } else if (status.tallies.length > 0) {
    outcome = 'escalated';
    reason = `no class led by k=${k} within ${totals.samples} samples (${budgetNote(stopReason)}); escalated to a person`;
  } else {
    outcome = options.fallback === 'escalate' ? 'escalated' : 'no-consensus';
    reason = `no sample passed red-flagging and verification in ${totals.samples} samples (${budgetNote(stopReason)})`;
  }
  const chosenClass = chosen === null ? undefined : status.tallies.find((tally) => tally.classKey === chosen);
  const runnerUp = status.tallies.find((tally) => tally.classKey !== chosen)?.votes ?? 0;
  const code = chosen === null ? null : (representatives.get(chosen)?.code ?? null);
  await deps.store.recordDecision(runId, {
    taskId: spec.id, outcome, classKey: chosen, code, votes: chosenClass?.votes ?? 0, runnerUpVotes: runnerUp,
    samples: totals.samples, k, reason, decidedAt: now(),
  });
  deps.emit({ type: 'vote-decided', runId, at: now(), taskId: spec.id, outcome, classKey: chosen, votes: chosenClass?.votes ?? 0, runnerUpVotes: runnerUp });
  if (outcome === 'escalated') deps.emit({ type: 'task-escalated', runId, at: now(), taskId: spec.id, reason });
  deps.emit({ type: 'task-end', runId, at: now(), taskId: spec.id, outcome, samples: totals.samples });
  if (outcome === 'model-unavailable') throw unavailableError;

  return {
    taskId: spec.id, outcome, code, classKey: chosen, votes: chosenClass?.votes ?? 0, runnerUpVotes: runnerUp, k,
    samples: totals.samples, redFlagged: totals.redFlagged, redFlagsByRule, failedVerification: totals.failed,
    failedByLayer, verified: totals.verified, classes, inputTokens: totals.inputTokens, outputTokens: totals.outputTokens,
    costUsd: totals.costUsd, durationMs: Date.now() - started, reason,
  };
}

function budgetNote(stopReason: 'exhausted' | 'unavailable' | undefined): string {
  return stopReason === 'exhausted' ? 'the recorded samples ran out' : 'sample budget spent';
}
