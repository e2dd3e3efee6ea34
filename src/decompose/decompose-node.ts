/**
 * @module decompose/decompose-node
 * Decomposes one node of a build by voting: sample decomposer proposals -> red-flag -> structural signature ->
 * first-to-ahead-by-k vote (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.1 maximal decomposition, §3.3
 * red-flagging, Algorithm 2; seed implementation guide §3 hierarchical decomposition). Every sample, red flag, vote
 * and the decision go to the run store as they happen, so an interrupted decomposition resumes without calling the
 * model again for a recorded sample.
 */
import { z } from 'zod';
import { IdentifierSchema } from '../task-spec/task-spec.js';
import { parseOptions } from '../errors/parse-options.js';
import type { GenerateResult, LanguageModel } from '../llm/language-model.js';
import { FailedCallTally } from '../llm/failed-call-tally.js';
import { ModelCallError, ModelUnavailableError, ReplayExhaustedError } from '../llm/model-errors.js';
import type { RedFlagHit } from '../redflag/red-flag-rule.js';
import type { RunStore, SampleRecord } from '../store/run-store.js';
import type { TaskProgress } from '../store/task-progress.js';
import { FirstToAheadByKVote } from '../vote/first-to-ahead-by-k.js';
import { decomposer, decomposerVariables } from './archetypes/decomposer.js';
import { promptVariantForSample, temperatureForSample } from './archetypes/diversity.js';
import { renderPrompt } from './archetypes/render-prompt.js';
import { canonicalProposalJson, parseProposalJson } from './canonical-proposal.js';
import type { DecomposeEvent, DecomposeOutcome } from './decompose-events.js';
import type { DecompositionProposal } from './decomposition-proposal.js';
import { checkProposal, DEFAULT_MAX_SUBTASKS, type ProposalCheck } from './proposal-red-flags.js';
import { structuralSignature } from './structural-signature.js';

/** Narrow dependencies of {@link decomposeNode}. `emit` accepts the engine's event bus unchanged. */
export interface DecomposeNodeDependencies {
  readonly model: LanguageModel;
  readonly store: RunStore;
  readonly emit: (event: DecomposeEvent) => void;
}

/** Options of one node's decomposition. Units and defaults in the field docs. */
export interface DecomposeNodeOptions {
  readonly runId: string;
  /** Node id; the store task id is `decompose:<nodeId>`. */
  readonly nodeId: string;
  /** What to decompose: the user's requirements (root), or a node's name, description and signature (nested). */
  readonly requirements: string;
  readonly language: 'typescript' | 'python';
  /** Size of an atomic task, shown to the decomposer. */
  readonly limits: { readonly maxLines: number; readonly maxComplexity: number };
  /** Entry point of the node being decomposed (nested nodes): exactly one subtask must have it. */
  readonly parentEntryPoint?: string | undefined;
  /** Entry points used elsewhere in the project. Default none. */
  readonly reservedEntryPoints?: readonly string[] | undefined;
  /** Lead the winning class needs over the runner-up (first-to-ahead-by-k). Default 3. */
  readonly k?: number | undefined;
  /**
   * Sample budget: answers (red-flagged ones included). Calls that gave no answer are counted apart (recorded with
   * their causes) and their sample index is drawn again; `maxSamples` of them in all, or 5 in a row, mean the model
   * is unavailable. Default 12.
   */
  readonly maxSamples?: number | undefined;
  /** Samples per round (in flight at once). Default `k`. */
  readonly parallelism?: number | undefined;
  /** Sample `i` is called with seed `seed + i`. Default 42. */
  readonly seed?: number | undefined;
  /** Token cap of one answer (longer answers are red-flagged). Default 4096 (a service with its routes and scenario needs more than 2048). */
  readonly maxOutputTokens?: number | undefined;
  /** Most subtasks of one proposal. Default 12. */
  readonly maxSubtasks?: number | undefined;
  /** Records of an interrupted decomposition of this node (`taskProgress(run, 'decompose:<nodeId>')`). */
  readonly resume?: TaskProgress | undefined;
  /**
   * Record the decision `model-unavailable` before throwing ModelUnavailableError. Default true. `zerr build` passes
   * false, so that the node stays undecided and a resume decomposes it once the model is back.
   */
  readonly recordUnavailable?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Votes of one equivalence class of proposals. */
export interface ProposalClassTally {
  readonly classKey: string;
  readonly votes: number;
  /** Sample index of the class's first member, whose proposal represents the class. */
  readonly representative: number;
}

/** The decision for one node. */
export interface DecomposeNodeResult {
  readonly nodeId: string;
  /** `decompose:<nodeId>`. */
  readonly taskId: string;
  readonly outcome: DecomposeOutcome;
  /** The winning (`consensus`) or largest (`best-partial`) class's first proposal; null otherwise. */
  readonly proposal: DecompositionProposal | null;
  readonly classKey: string | null;
  readonly votes: number;
  readonly runnerUpVotes: number;
  readonly k: number;
  /** Answers, recorded ones reused on resume included; calls without an answer are `failedCalls`. */
  readonly samples: number;
  /** Calls that gave no answer (after their retries), counted apart from `samples`. */
  readonly failedCalls: number;
  /** `failedCalls` by cause (`http_<status>`, `network`, `model_timeout`, `model_empty_answer`, ...). */
  readonly failedCallsByCause: Readonly<Record<string, number>>;
  /** Retries the retry middleware made, over answered and failed calls. */
  readonly retries: number;
  readonly redFlagged: number;
  readonly redFlagsByRule: Readonly<Record<string, number>>;
  readonly classes: readonly ProposalClassTally[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly durationMs: number;
  readonly reason: string;
}

const OptionsSchema = z
  .object({
    runId: z.string().min(1),
    nodeId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'letters, digits and _ . : / -'),
    requirements: z.string().trim().min(1, 'a non-empty string'),
    language: z.enum(['typescript', 'python']),
    limits: z.object({ maxLines: z.number().int().positive(), maxComplexity: z.number().int().positive() }).strict(),
    parentEntryPoint: IdentifierSchema.optional(),
    reservedEntryPoints: z.array(z.string()).default([]),
    k: z.number().int().min(1, 'an integer >= 1').default(3),
    maxSamples: z.number().int().min(1, 'an integer >= 1').default(12),
    parallelism: z.number().int().min(1, 'an integer >= 1').optional(),
    seed: z.number().int().default(42),
    maxOutputTokens: z.number().int().positive().default(4096),
    maxSubtasks: z.number().int().positive().default(DEFAULT_MAX_SUBTASKS),
    resume: z.custom<TaskProgress>(
      (value) => typeof value === 'object' && value !== null && ['samples', 'redFlags', 'votes'].every((key) => Array.isArray((value as Record<string, unknown>)[key])),
      'a TaskProgress ({ samples, redFlags, layerResults, votes })',
    ).optional(),
    signal: z.instanceof(AbortSignal).optional(),
    recordUnavailable: z.boolean().default(true),
  })
  .strict();

/** What one sample came to. */
interface SampleVerdict {
  readonly index: number;
  readonly classKey?: string;
  readonly proposal?: DecompositionProposal;
  readonly stop?: 'exhausted' | 'unavailable';
  readonly error?: unknown;
  /** The call gave no answer: its error; the index is drawn again. */
  readonly failed?: unknown;
}

/** What the store already holds about one sample index. */
interface RecordedSample {
  readonly sample: SampleRecord;
  readonly rules: ReadonlySet<string>;
  readonly classKey: string | undefined;
}

/**
 * Decomposes one node.
 *
 * Sampling: rounds of `parallelism` samples (fewer when the budget ends) until a class leads by `k`, the budget is
 * spent, the model is unavailable or a replay provider runs out. Sample `i` uses the decomposer archetype's prompt
 * variant and temperature `i` (temperature only when the model honours it), seed `seed + i`, `maxOutputTokens`,
 * `jsonSchema` only when the model enforces it, and metadata `{ taskId, sampleIndex, promptVariant }`. A chat model
 * gets the archetype's messages; a continuation model a prompt ending in `{`, its answer read as `{` + text.
 * Each answer is checked by `checkProposal` (red flags discard it); an accepted proposal votes with its structural
 * signature. Votes are counted per round (MAKER Algorithm 2, checked at round boundaries).
 *
 * Records: `recordSample` per answered call (`code`: canonical proposal JSON when the answer is a schema-valid
 * proposal, else null), `recordRedFlag` per hit, `recordVote` per accepted proposal, and `recordDecision` (code: the
 * chosen class's first proposal as canonical JSON). A call without an answer records `recordCallFailure` (its cause)
 * and emits `sample-failed`; its index is drawn again.
 *
 * Resume: a sample index recorded in `options.resume` is not sent to the model and not recorded again. Its recorded
 * red flags mean red-flagged; its recorded vote means accepted with that class key (the proposal re-read from the
 * sample's `code`); otherwise its text is checked again and the missing red flags or vote are recorded. With a model
 * deterministic per (taskId, sampleIndex) the result equals an uninterrupted run's (timings aside). Replayed samples
 * emit no `sample-end` / `sample-red-flagged`; their votes are cast (and `vote-cast` emitted) again.
 *
 * Outcomes: `consensus` (a class led by k), `best-partial` (budget spent; the largest class, ties by class key),
 * `no-consensus` (no proposal passed red-flagging), `model-unavailable`.
 *
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.<field>`) for bad options;
 *   ModelUnavailableError (`model_unavailable`, or the provider's `circuit_open`) when the model cannot be reached or
 *   keeps failing - the decision `model-unavailable` is recorded first unless `recordUnavailable` is false; the
 *   signal's reason when aborted (no
 *   decision is recorded, so the node can be resumed from its records); store errors as thrown.
 */
export async function decomposeNode(deps: DecomposeNodeDependencies, options: DecomposeNodeOptions): Promise<DecomposeNodeResult> {
  const o = parseOptions(OptionsSchema, options);
  const { runId, k } = o;
  const taskId = `decompose:${o.nodeId}`;
  const parallelism = o.parallelism ?? k;
  const started = Date.now();
  const now = () => Date.now();
  const { model } = deps;
  const style = model.capabilities.completionStyle;
  const structured = model.capabilities.jsonSchema;
  const variables = decomposerVariables({
    requirements: o.requirements, language: o.language, limits: o.limits, maxSubtasks: o.maxSubtasks,
    parentEntryPoint: o.parentEntryPoint, reservedEntryPoints: o.reservedEntryPoints,
  });
  const checkContext = {
    maxSubtasks: o.maxSubtasks, maxOutputTokens: o.maxOutputTokens, reservedEntryPoints: o.reservedEntryPoints, language: o.language,
    ...(o.parentEntryPoint === undefined ? {} : { parentEntryPoint: o.parentEntryPoint }),
  };
  const recorded = recordedSamples(o.resume, taskId);

  const vote = new FirstToAheadByKVote({ k });
  const representatives = new Map<string, { index: number; proposal: DecompositionProposal }>();
  const redFlagsByRule: Record<string, number> = {};
  const totals = { samples: 0, retries: 0, redFlagged: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const failedCalls = new FailedCallTally({ provider: model.provider, maxFailedCalls: o.maxSamples });
  let stopReason: 'exhausted' | 'unavailable' | undefined;
  let unavailableError: unknown;

  deps.emit({ type: 'task-start', runId, at: now(), taskId, k, maxSamples: o.maxSamples });

  const check = (answer: { readonly text: string; readonly finishReason: string; readonly outputTokens: number }): ProposalCheck =>
    checkProposal(answer.text, { ...checkContext, finishReason: answer.finishReason, outputTokens: answer.outputTokens });

  /** Records what `skip` says is not recorded yet of a checked answer, and returns the verdict. */
  const evaluate = async (
    index: number,
    checked: ProposalCheck,
    skip: { readonly rules: ReadonlySet<string>; readonly vote: boolean; readonly emit: boolean },
  ): Promise<SampleVerdict> => {
    if (checked.proposal === null) {
      countRedFlag(checked.hits);
      for (const hit of checked.hits) {
        if (skip.rules.has(hit.rule)) continue;
        await deps.store.recordRedFlag(runId, { taskId, sampleIndex: index, rule: hit.rule, reason: hit.reason });
      }
      if (skip.emit) deps.emit({ type: 'sample-red-flagged', runId, at: now(), taskId, sampleIndex: index, hits: checked.hits });
      return { index };
    }
    const signature = structuralSignature(checked.proposal);
    if (!skip.vote) await deps.store.recordVote(runId, { taskId, sampleIndex: index, classKey: signature.classKey, signature: signature.signature });
    return { index, classKey: signature.classKey, proposal: checked.proposal };
  };

  const countRedFlag = (hits: readonly RedFlagHit[]): void => {
    totals.redFlagged += 1;
    for (const hit of hits) redFlagsByRule[hit.rule] = (redFlagsByRule[hit.rule] ?? 0) + 1;
  };

  const replay = async (index: number, record: RecordedSample): Promise<SampleVerdict> => {
    const { sample } = record;
    totals.samples += 1;
    totals.inputTokens += sample.inputTokens;
    totals.outputTokens += sample.outputTokens;
    totals.costUsd += sample.costUsd ?? 0;
    if (record.rules.size > 0) {
      countRedFlag([...record.rules].map((rule) => ({ rule, reason: '' })));
      return { index };
    }
    const proposal = record.classKey === undefined ? null : parseProposalJson(sample.code);
    if (record.classKey !== undefined && proposal !== null) return { index, classKey: record.classKey, proposal };
    const prefix = renderPrompt(decomposer, variables, sample.promptVariant, { structuredOutput: structured }).continuationPrefix;
    const checked = check({ text: style === 'continuation' ? prefix + sample.text : sample.text, finishReason: sample.finishReason, outputTokens: sample.outputTokens });
    return evaluate(index, checked, { rules: record.rules, vote: record.classKey !== undefined, emit: false });
  };

  const runSample = async (index: number): Promise<SampleVerdict> => {
    const record = recorded.get(index);
    if (record !== undefined) return replay(index, record);
    const variant = promptVariantForSample(decomposer.diversityProfile, index);
    const prompt = renderPrompt(decomposer, variables, variant, { structuredOutput: structured });
    const temperature = model.capabilities.honoursTemperature ? temperatureForSample(decomposer.diversityProfile, index) : null;
    let result: GenerateResult;
    try {
      result = await model.generate({
        ...(style === 'chat' ? { messages: prompt.messages } : { prompt: prompt.prompt }),
        ...(temperature === null ? {} : { temperature }),
        ...(structured ? { jsonSchema: decomposer.jsonSchema() } : {}),
        maxOutputTokens: o.maxOutputTokens,
        seed: o.seed + index,
        metadata: { taskId, sampleIndex: String(index), promptVariant: variant },
        ...(o.signal === undefined ? {} : { signal: o.signal }),
      });
    } catch (error) {
      if (error instanceof ReplayExhaustedError) return { index, stop: 'exhausted' };
      if ((error as { name?: unknown }).name === 'AbortError' || o.signal?.aborted === true) throw error;
      const code = (error as { code?: unknown }).code;
      const message = error instanceof Error ? error.message : String(error);
      const attempts = error instanceof ModelCallError ? error.attempts : 1;
      totals.retries += attempts - 1;
      await deps.store.recordCallFailure(runId, {
        taskId, sampleIndex: index, code: typeof code === 'string' ? code : 'unknown',
        statusCode: error instanceof ModelCallError ? (error.statusCode ?? null) : null, message, attempts, createdAt: now(),
      });
      deps.emit({ type: 'sample-failed', runId, at: now(), taskId, sampleIndex: index, code: typeof code === 'string' ? code : 'unknown', message });
      if (error instanceof ModelUnavailableError || code === 'circuit_open') return { index, failed: error, stop: 'unavailable', error };
      return { index, failed: error };
    }
    totals.samples += 1;
    totals.retries += (result.attempts ?? 1) - 1;
    totals.inputTokens += result.usage.inputTokens;
    totals.outputTokens += result.usage.outputTokens;
    totals.costUsd += result.costUsd ?? 0;
    const answer = style === 'continuation' ? prompt.continuationPrefix + result.text : result.text;
    const checked = check({ text: answer, finishReason: result.finishReason, outputTokens: result.usage.outputTokens });
    await deps.store.recordSample(runId, {
      taskId, sampleIndex: index, model: result.modelId, temperature, promptVariant: variant, text: result.text,
      code: checked.parsed === null ? null : canonicalProposalJson(checked.parsed), inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens, latencyMs: result.latencyMs, finishReason: result.finishReason,
      costUsd: result.costUsd ?? null, createdAt: now(),
    });
    deps.emit({
      type: 'sample-end', runId, at: now(), taskId, sampleIndex: index, temperature, promptVariant: variant,
      outputTokens: result.usage.outputTokens, inputTokens: result.usage.inputTokens, latencyMs: result.latencyMs,
      finishReason: result.finishReason,
    });
    return evaluate(index, checked, { rules: new Set(), vote: false, emit: true });
  };

  let next = 0;
  /** Sample indices whose call gave no answer: drawn again, before new ones. */
  const redo: number[] = [];
  while (!vote.status().decided && stopReason === undefined && totals.samples < o.maxSamples) {
    o.signal?.throwIfAborted();
    const size = Math.min(parallelism, o.maxSamples - totals.samples);
    const indices = redo.splice(0, size);
    while (indices.length < size) indices.push(next++);
    const settled = await Promise.allSettled(indices.map(runSample));
    const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
    const verdicts = settled
      .map((result) => (result as PromiseFulfilledResult<SampleVerdict>).value)
      .sort((a, b) => a.index - b.index);
    const keys: string[] = [];
    for (const verdict of verdicts) {
      if ('failed' in verdict) {
        failedCalls.failed(verdict.failed);
        redo.push(verdict.index);
      } else if (verdict.stop === undefined) {
        failedCalls.answered();
      }
      if (verdict.stop === 'unavailable') { stopReason = 'unavailable'; unavailableError = verdict.error; }
      if (verdict.stop === 'exhausted' && stopReason === undefined) stopReason = 'exhausted';
      if (verdict.classKey === undefined || verdict.proposal === undefined) continue;
      keys.push(verdict.classKey);
      if (!representatives.has(verdict.classKey)) representatives.set(verdict.classKey, { index: verdict.index, proposal: verdict.proposal });
    }
    redo.sort((a, b) => a - b);
    if (stopReason === undefined && failedCalls.unavailable) {
      // Calls keep failing (after their retries): the model is unavailable, whatever each error's own classification.
      stopReason = 'unavailable';
      unavailableError = failedCalls.unavailableError({ retries: totals.retries, answers: totals.samples });
    }
    if (keys.length === 0) continue;
    const { tallies } = vote.castBatch(keys);
    for (const verdict of verdicts) {
      if (verdict.classKey === undefined) continue;
      deps.emit({ type: 'vote-cast', runId, at: now(), taskId, sampleIndex: verdict.index, classKey: verdict.classKey, tallies });
    }
  }


  const status = vote.status();
  let outcome: DecomposeOutcome;
  let chosen: string | null = null;
  let reason: string;
  const budget = stopReason === 'exhausted' ? 'the recorded samples ran out' : 'sample budget spent';
  if (status.decided && status.winner !== null) {
    outcome = 'consensus';
    chosen = status.winner;
    reason = `proposal class ${status.winner} led the runner-up by ${status.margin} >= k=${k} after ${totals.samples} samples`;
  } else if (stopReason === 'unavailable') {
    outcome = 'model-unavailable';
    reason = unavailableError instanceof Error ? unavailableError.message : 'model unavailable';
  } else if (status.tallies.length > 0) {
    outcome = 'best-partial';
    chosen = vote.bestPartial()?.classKey ?? null;
    reason = `no proposal class led by k=${k} within ${totals.samples} samples (${budget}); kept the largest class as a best partial result`;
  } else {
    outcome = 'no-consensus';
    reason = `no proposal passed red-flagging in ${totals.samples} samples (${budget})`;
  }
  const chosenVotes = chosen === null ? 0 : (status.tallies.find((tally) => tally.classKey === chosen)?.votes ?? 0);
  const runnerUpVotes = status.tallies.find((tally) => tally.classKey !== chosen)?.votes ?? 0;
  const proposal = chosen === null ? null : (representatives.get(chosen)?.proposal ?? null);
  if (outcome !== 'model-unavailable' || o.recordUnavailable) {
    await deps.store.recordDecision(runId, {
      taskId, outcome, classKey: chosen, code: proposal === null ? null : canonicalProposalJson(proposal), votes: chosenVotes,
      runnerUpVotes, samples: totals.samples, k, reason, decidedAt: now(),
    });
  }
  deps.emit({ type: 'vote-decided', runId, at: now(), taskId, outcome, classKey: chosen, votes: chosenVotes, runnerUpVotes });
  deps.emit({ type: 'task-end', runId, at: now(), taskId, outcome, samples: totals.samples });
  if (outcome === 'model-unavailable') throw unavailableError;

  return {
    nodeId: o.nodeId, taskId, outcome, proposal, classKey: chosen, votes: chosenVotes, runnerUpVotes, k,
    samples: totals.samples, failedCalls: failedCalls.count, failedCallsByCause: failedCalls.byCause, retries: totals.retries,
    redFlagged: totals.redFlagged, redFlagsByRule,
    classes: status.tallies.map((tally) => ({ ...tally, representative: representatives.get(tally.classKey)?.index ?? -1 })),
    inputTokens: totals.inputTokens, outputTokens: totals.outputTokens, costUsd: totals.costUsd,
    durationMs: Date.now() - started, reason,
  };
}

/** The recorded samples of `taskId` in `progress`, by sample index, with their red-flag rules and vote. */
function recordedSamples(progress: TaskProgress | undefined, taskId: string): Map<number, RecordedSample> {
  const byIndex = new Map<number, RecordedSample>();
  if (progress === undefined) return byIndex;
  for (const sample of progress.samples) {
    if (sample.taskId !== taskId) continue;
    const rules = new Set(progress.redFlags.filter((hit) => hit.taskId === taskId && hit.sampleIndex === sample.sampleIndex).map((hit) => hit.rule));
    const vote = progress.votes.find((record) => record.taskId === taskId && record.sampleIndex === sample.sampleIndex);
    byIndex.set(sample.sampleIndex, { sample, rules, classKey: vote?.classKey });
  }
  return byIndex;
}
