/**
 * @module decompose/proposal-vote
 * The voting loop every JSON-answering archetype shares: sample the archetype -> red-flag -> equivalence class ->
 * first-to-ahead-by-k vote (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.3 red-flagging, Algorithm 2).
 * The decomposer (`decompose-node.ts`: proposals voted by structural signature), the specifier (`specify-task.ts`:
 * contracts voted by signature) and the reviewer (`review-class.ts`: verdicts) differ only in what {@link ProposalKind}
 * gives: the prompt, the checks, the class key and the canonical JSON of an answer. Every sample, red flag, vote and
 * the decision go to the run store as they happen, so an interrupted vote resumes without calling the model again for
 * a recorded sample.
 */
import type { LanguageModel } from '../llm/language-model.js';
import { FailedCallTally } from '../llm/failed-call-tally.js';
import type { RedFlagHit } from '../redflag/red-flag-rule.js';
import type { RunStore, SampleRecord } from '../store/run-store.js';
import { failedDrawsByIndex, type TaskProgress } from '../store/task-progress.js';
import { FirstToAheadByKVote } from '../vote/first-to-ahead-by-k.js';
import type { Archetype } from './archetypes/archetype.js';
import { renderPrompt, type TemplateVariables } from './archetypes/render-prompt.js';
import type { DecomposeEvent, DecomposeOutcome } from './decompose-events.js';
import { modelProposalDrawer, type ProposalDrawer } from './proposal-draw.js';

/** Narrow dependencies of {@link voteOnProposals}. `emit` accepts the engine's event bus unchanged. */
export interface ProposalVoteDependencies {
  /** The model of this vote: its capabilities read recorded answers back on resume; it draws the samples unless `draw` is given. */
  readonly model: LanguageModel;
  readonly store: RunStore;
  readonly emit: (event: DecomposeEvent) => void;
  /**
   * Draws each new sample: a queue worker's model for a run on a queue (`orchestrate/remote-proposal.ts`).
   * Default {@link modelProposalDrawer}`(model)`.
   */
  readonly draw?: ProposalDrawer | undefined;
}

/** What one answer's checks found: the accepted proposal, or the red flags that discard it. */
export interface ProposalCheckResult<P> {
  /** The proposal when no rule hit, else null (discarded, never repaired). */
  readonly proposal: P | null;
  /** The schema-valid answer even when a later rule hit (recorded as the sample's `code`), else null. */
  readonly parsed: P | null;
  readonly hits: readonly RedFlagHit[];
}

/** What kind of answer is voted on: everything that differs between the archetypes sharing {@link voteOnProposals}. */
export interface ProposalKind<P> {
  readonly archetype: Archetype;
  /** Values of the archetype's prompt placeholders. */
  readonly variables: TemplateVariables;
  /** Red-flag checks of one answer (for a continuation model: the continuation prefix and the text). Never throws. */
  check(answer: { readonly text: string; readonly finishReason: string; readonly outputTokens: number }): ProposalCheckResult<P>;
  /** The equivalence class of an accepted proposal: its short key and the canonical text it hashes. */
  classify(proposal: P): { readonly classKey: string; readonly signature: string };
  /** Canonical JSON of a parsed answer: the sample's and the decision's `code`. */
  toJson(proposal: P): string;
  /** Reads a recorded `code` back; null when it is not one. */
  fromJson(json: string | null): P | null;
  /** What a class is called in reasons, e.g. `proposal class`, `contract class`. */
  readonly noun: string;
}

/** Options of one vote. Units and defaults in the field docs. */
export interface ProposalVoteOptions {
  readonly runId: string;
  /** Store task id of the vote, e.g. `decompose:<nodeId>`, `specify:<id>`. */
  readonly taskId: string;
  /** Lead the winning class needs over the runner-up (first-to-ahead-by-k), integer >= 1. */
  readonly k: number;
  /**
   * Sample budget: answers (red-flagged ones included). Calls that gave no answer are counted apart (recorded with
   * their causes) and their sample index is drawn again; `maxSamples` of them in all, or 5 in a row, mean the model
   * is unavailable.
   */
  readonly maxSamples: number;
  /** Samples per round (in flight at once). Default `k`. */
  readonly parallelism?: number | undefined;
  /** Sample `i` is called with seed `seed + i`. */
  readonly seed: number;
  /** Token cap of one answer (passed to the model; the checks red-flag longer answers). */
  readonly maxOutputTokens: number;
  /** Records of an interrupted vote on this task (`taskProgress(run, taskId)`). */
  readonly resume?: TaskProgress | undefined;
  /** Record the decision `model-unavailable` before throwing ModelUnavailableError. */
  readonly recordUnavailable: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Votes of one equivalence class. */
export interface ProposalClassTally {
  readonly classKey: string;
  readonly votes: number;
  /** Sample index of the class's first member, whose proposal represents the class. */
  readonly representative: number;
}

/** The decision of one vote. */
export interface ProposalVoteResult<P> {
  readonly taskId: string;
  readonly outcome: DecomposeOutcome;
  /** The winning (`consensus`) or largest (`best-partial`) class's first proposal; null otherwise. */
  readonly proposal: P | null;
  /** Every accepted proposal of the chosen class, in the order they were counted (the first is `proposal`); empty without one. */
  readonly members: readonly P[];
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

/** What one sample came to. */
interface SampleVerdict<P> {
  readonly index: number;
  readonly classKey?: string;
  readonly proposal?: P;
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
 * Runs one first-to-ahead-by-k vote over the answers of `kind.archetype`. Options are trusted (the callers validate
 * their own).
 *
 * Sampling: rounds of `parallelism` samples (fewer when the budget ends) until a class leads by `k`, the budget is
 * spent, the model is unavailable or a replay provider runs out. Sample `i` uses the archetype's prompt variant and
 * temperature `i` (temperature only when the model honours it), seed `seed + i`, `maxOutputTokens`, `jsonSchema`
 * only when the model enforces it, and metadata `{ taskId, sampleIndex, promptVariant }`. A chat model gets the
 * archetype's messages; a continuation model a prompt ending in the completion prefix (`{`), its answer read as
 * prefix + text (`proposal-draw.ts`; `deps.draw` may have a queue worker make the call). Each answer is checked
 * here by `kind.check` (red flags discard it); an accepted answer votes with its class key. Votes are counted per
 * round (MAKER Algorithm 2, checked at round boundaries).
 *
 * Records: `recordSample` per answered call (`code`: `kind.toJson` of the schema-valid answer, else null),
 * `recordRedFlag` per hit, `recordVote` per accepted answer, and `recordDecision` (code: the chosen class's first
 * answer). A call without an answer records `recordCallFailure` (its cause) and emits `sample-failed`; its index is
 * drawn again.
 *
 * Resume: a sample index recorded in `options.resume` is not sent to the model and not recorded again. Its recorded
 * red flags mean red-flagged; its recorded vote means accepted with that class key (the answer re-read from the
 * sample's `code`); otherwise its text is checked again and the missing red flags or vote are recorded. With a model
 * deterministic per (taskId, sampleIndex) the result equals an uninterrupted run's (timings aside). Replayed samples
 * emit no `sample-end` / `sample-red-flagged`; their votes are cast (and `vote-cast` emitted) again.
 *
 * Outcomes: `consensus` (a class led by k), `best-partial` (budget spent; the largest class, ties by class key),
 * `no-consensus` (no answer passed red-flagging), `model-unavailable`.
 *
 * @throws ModelUnavailableError (`model_unavailable`, or the provider's `circuit_open`) when the model cannot be
 *   reached or keeps failing - the decision `model-unavailable` is recorded first when `recordUnavailable`; the
 *   signal's reason when aborted (no decision is recorded, so the vote can be resumed from its records); store errors
 *   as thrown.
 */
export async function voteOnProposals<P>(deps: ProposalVoteDependencies, kind: ProposalKind<P>, o: ProposalVoteOptions): Promise<ProposalVoteResult<P>> {
  const { runId, taskId, k } = o;
  const { archetype } = kind;
  const parallelism = o.parallelism ?? k;
  const started = Date.now();
  const now = () => Date.now();
  const { model } = deps;
  const style = model.capabilities.completionStyle;
  const structured = model.capabilities.jsonSchema;
  const recorded = recordedSamples(o.resume, taskId);
  const draw = deps.draw ?? modelProposalDrawer(model);
  /** Calls per sample index that gave no answer: a queue job of a sample drawn again is a new job. */
  const failedDraws = failedDrawsByIndex(o.resume, taskId);

  const vote = new FirstToAheadByKVote({ k });
  const members = new Map<string, { index: number; proposal: P }[]>();
  const redFlagsByRule: Record<string, number> = {};
  const totals = { samples: 0, retries: 0, redFlagged: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const failedCalls = new FailedCallTally({ provider: model.provider, maxFailedCalls: o.maxSamples });
  let stopReason: 'exhausted' | 'unavailable' | undefined;
  let unavailableError: unknown;

  deps.emit({ type: 'task-start', runId, at: now(), taskId, k, maxSamples: o.maxSamples });

  /** Records what `skip` says is not recorded yet of a checked answer, and returns the verdict. */
  const evaluate = async (
    index: number,
    checked: ProposalCheckResult<P>,
    skip: { readonly rules: ReadonlySet<string>; readonly vote: boolean; readonly emit: boolean },
  ): Promise<SampleVerdict<P>> => {
    if (checked.proposal === null) {
      countRedFlag(checked.hits);
      for (const hit of checked.hits) {
        if (skip.rules.has(hit.rule)) continue;
        await deps.store.recordRedFlag(runId, { taskId, sampleIndex: index, rule: hit.rule, reason: hit.reason });
      }
      if (skip.emit) deps.emit({ type: 'sample-red-flagged', runId, at: now(), taskId, sampleIndex: index, hits: checked.hits });
      return { index };
    }
    const signature = kind.classify(checked.proposal);
    if (!skip.vote) await deps.store.recordVote(runId, { taskId, sampleIndex: index, classKey: signature.classKey, signature: signature.signature });
    return { index, classKey: signature.classKey, proposal: checked.proposal };
  };

  const countRedFlag = (hits: readonly RedFlagHit[]): void => {
    totals.redFlagged += 1;
    for (const hit of hits) redFlagsByRule[hit.rule] = (redFlagsByRule[hit.rule] ?? 0) + 1;
  };

  const replay = async (index: number, record: RecordedSample): Promise<SampleVerdict<P>> => {
    const { sample } = record;
    totals.samples += 1;
    totals.inputTokens += sample.inputTokens;
    totals.outputTokens += sample.outputTokens;
    totals.costUsd += sample.costUsd ?? 0;
    if (record.rules.size > 0) {
      countRedFlag([...record.rules].map((rule) => ({ rule, reason: '' })));
      return { index };
    }
    const proposal = record.classKey === undefined ? null : kind.fromJson(sample.code);
    if (record.classKey !== undefined && proposal !== null) return { index, classKey: record.classKey, proposal };
    const prefix = renderPrompt(archetype, kind.variables, sample.promptVariant, { structuredOutput: structured }).continuationPrefix;
    const checked = kind.check({ text: style === 'continuation' ? prefix + sample.text : sample.text, finishReason: sample.finishReason, outputTokens: sample.outputTokens });
    return evaluate(index, checked, { rules: record.rules, vote: record.classKey !== undefined, emit: false });
  };

  const runSample = async (index: number): Promise<SampleVerdict<P>> => {
    const record = recorded.get(index);
    if (record !== undefined) return replay(index, record);
    const drawn = await draw({
      runId, taskId, sampleIndex: index, draw: failedDraws.get(index) ?? 0, archetype, variables: kind.variables, maxOutputTokens: o.maxOutputTokens, seed: o.seed,
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    });
    if (drawn.kind === 'exhausted') return { index, stop: 'exhausted' };
    if (drawn.kind === 'failed') {
      const { failure } = drawn;
      totals.retries += failure.attempts - 1;
      await deps.store.recordCallFailure(runId, {
        taskId, sampleIndex: index, code: failure.code, statusCode: failure.statusCode, message: failure.message, attempts: failure.attempts, createdAt: now(),
      });
      deps.emit({ type: 'sample-failed', runId, at: now(), taskId, sampleIndex: index, code: failure.code, message: failure.message });
      if (failure.unavailable) return { index, failed: drawn.error, stop: 'unavailable', error: drawn.error };
      return { index, failed: drawn.error };
    }
    totals.samples += 1;
    totals.retries += drawn.attempts - 1;
    totals.inputTokens += drawn.inputTokens;
    totals.outputTokens += drawn.outputTokens;
    totals.costUsd += drawn.costUsd ?? 0;
    const checked = kind.check({ text: drawn.answer, finishReason: drawn.finishReason, outputTokens: drawn.outputTokens });
    await deps.store.recordSample(runId, {
      taskId, sampleIndex: index, model: drawn.modelId, temperature: drawn.temperature, promptVariant: drawn.promptVariant, text: drawn.text,
      code: checked.parsed === null ? null : kind.toJson(checked.parsed), inputTokens: drawn.inputTokens,
      outputTokens: drawn.outputTokens, latencyMs: drawn.latencyMs, finishReason: drawn.finishReason,
      costUsd: drawn.costUsd, createdAt: now(),
    });
    deps.emit({
      type: 'sample-end', runId, at: now(), taskId, sampleIndex: index, temperature: drawn.temperature, promptVariant: drawn.promptVariant,
      outputTokens: drawn.outputTokens, inputTokens: drawn.inputTokens, latencyMs: drawn.latencyMs,
      finishReason: drawn.finishReason,
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
      .map((result) => (result as PromiseFulfilledResult<SampleVerdict<P>>).value)
      .sort((a, b) => a.index - b.index);
    const keys: string[] = [];
    for (const verdict of verdicts) {
      if ('failed' in verdict) {
        failedCalls.failed(verdict.failed);
        failedDraws.set(verdict.index, (failedDraws.get(verdict.index) ?? 0) + 1);
        redo.push(verdict.index);
      } else if (verdict.stop === undefined) {
        failedCalls.answered();
      }
      if (verdict.stop === 'unavailable') { stopReason = 'unavailable'; unavailableError = verdict.error; }
      if (verdict.stop === 'exhausted' && stopReason === undefined) stopReason = 'exhausted';
      if (verdict.classKey === undefined || verdict.proposal === undefined) continue;
      keys.push(verdict.classKey);
      const list = members.get(verdict.classKey) ?? [];
      list.push({ index: verdict.index, proposal: verdict.proposal });
      members.set(verdict.classKey, list);
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
    reason = `${kind.noun} ${status.winner} led the runner-up by ${status.margin} >= k=${k} after ${totals.samples} samples`;
  } else if (stopReason === 'unavailable') {
    outcome = 'model-unavailable';
    reason = unavailableError instanceof Error ? unavailableError.message : 'model unavailable';
  } else if (status.tallies.length > 0) {
    outcome = 'best-partial';
    chosen = vote.bestPartial()?.classKey ?? null;
    reason = `no ${kind.noun} led by k=${k} within ${totals.samples} samples (${budget}); kept the largest class as a best partial result`;
  } else {
    outcome = 'no-consensus';
    reason = `no answer passed red-flagging in ${totals.samples} samples (${budget})`;
  }
  const chosenVotes = chosen === null ? 0 : (status.tallies.find((tally) => tally.classKey === chosen)?.votes ?? 0);
  const runnerUpVotes = status.tallies.find((tally) => tally.classKey !== chosen)?.votes ?? 0;
  const chosenMembers = chosen === null ? [] : (members.get(chosen) ?? []).map((member) => member.proposal);
  const proposal = chosenMembers[0] ?? null;
  if (outcome !== 'model-unavailable' || o.recordUnavailable) {
    await deps.store.recordDecision(runId, {
      taskId, outcome, classKey: chosen, code: proposal === null ? null : kind.toJson(proposal), votes: chosenVotes,
      runnerUpVotes, samples: totals.samples, k, reason, decidedAt: now(),
    });
  }
  deps.emit({ type: 'vote-decided', runId, at: now(), taskId, outcome, classKey: chosen, votes: chosenVotes, runnerUpVotes });
  deps.emit({ type: 'task-end', runId, at: now(), taskId, outcome, samples: totals.samples });
  if (outcome === 'model-unavailable') throw unavailableError;

  return {
    taskId, outcome, proposal, members: chosenMembers, classKey: chosen, votes: chosenVotes, runnerUpVotes, k,
    samples: totals.samples, failedCalls: failedCalls.count, failedCallsByCause: failedCalls.byCause, retries: totals.retries,
    redFlagged: totals.redFlagged, redFlagsByRule,
    classes: status.tallies.map((tally) => ({
      ...tally,
      representative: members.get(tally.classKey)?.[0]?.index ?? -1,
    })),
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
