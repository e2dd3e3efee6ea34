/**
 * @module bench/hanoi/solve-hanoi
 * Solves Towers of Hanoi the MAKER way (Meyerson et al. 2025, arXiv 2511.09030, Algorithm 1-3) with the engine's
 * pieces: maximal decomposition (one move per step; the microagent sees only the current state and the previous
 * move), red-flagging through a {@link RedFlagger}, and a {@link FirstToAheadByKVote} per step fed in rounds by the
 * engine's {@link planNextRound} (k samples in parallel first, then the shortfall). The decided answer's
 * `next_state` becomes the next step's state, so a wrong decision propagates exactly as it would in MAKER.
 */
import {
  FirstToAheadByKVote,
  planNextRound,
  type AdaptiveMarginOptions,
  type LanguageModel,
  type RedFlagger,
  type TaskSpec,
  type VoteStatus,
} from '../../src/index.js';
import type { DecisionLog } from './decision-log.js';
import { microagentPrompt } from './simulated-microagent.js';
import { parseHanoiAnswer, type HanoiAnswer } from './strict-answer-rule.js';
import { formatMove, formatState, initialState, isSolved, optimalLength, optimalMove, strategyMove, type Move } from './towers.js';

/** Options of {@link solveHanoi}. */
export interface SolveHanoiOptions {
  readonly disks: number;
  readonly k: number;
  readonly model: LanguageModel;
  readonly flagger: RedFlagger;
  /** Spec the red-flag rules see (its `limits.maxOutputTokens` is the token cap). */
  readonly spec: TaskSpec;
  readonly log?: DecisionLog;
  /** Steps between checkpoints. */
  readonly checkpointEvery: number;
  /** Sample budget of one step; past it the largest class is taken (`best-partial`). Default 200. */
  readonly maxSamplesPerStep?: number;
  /** Sampling temperature passed to the model. Default 0.1 (MAKER's first sample is at 0, later ones at 0.1). */
  readonly temperature?: number;
  /** Adaptive k (vote/adaptive-margin.ts); absent: plain first-to-ahead-by-k. */
  readonly adaptive?: AdaptiveMarginOptions;
  /**
   * Which prompt variant (`metadata.variant`) each sample uses: `none` - variant 0 always (MAKER's one prompt);
   * `every-sample` - sample i uses variant i mod variants (the engine's round-robin); `contested` - variant 0 until
   * the step is contested, then round-robin. Default `none`.
   */
  readonly decorrelation?: 'none' | 'every-sample' | 'contested';
  /** Number of prompt variants. Default 1. */
  readonly variants?: number;
}

/** Result of {@link solveHanoi}. */
export interface SolveHanoiResult {
  readonly steps: number;
  /** Model calls, red-flagged ones included. */
  readonly calls: number;
  readonly validVotes: number;
  readonly redFlagged: number;
  /** Steps whose decided move differs from the correct move for the state that step was given. */
  readonly wrongDecisions: number;
  /** Steps whose decided move differs from move number `step` of the optimal solution. */
  readonly offOptimal: number;
  /** First step whose decided move is off the optimal solution, or null. */
  readonly firstOffOptimal: number | null;
  /** Steps decided by the largest class after the budget ran out. */
  readonly bestPartial: number;
  readonly solved: boolean;
  readonly finalState: string;
  /** Model calls per step -> number of steps. */
  readonly samplesHistogram: ReadonlyMap<number, number>;
  /** Steps whose vote was contested (a second class got a valid vote). */
  readonly contestedSteps: number;
  /** Model calls spent on contested steps. */
  readonly contestedCalls: number;
  /** Wrong decisions on steps that were never contested (every valid vote for the one wrong class). */
  readonly unanimousWrong: number;
  readonly wallMs: number;
}

/** Runs every step of the 2^n - 1 step solution. */
export async function solveHanoi(options: SolveHanoiOptions): Promise<SolveHanoiResult> {
  const started = performance.now();
  const steps = optimalLength(options.disks);
  const maxSamples = options.maxSamplesPerStep ?? 200;
  const cap = options.spec.limits.maxOutputTokens;
  const histogram = new Map<number, number>();
  let state: readonly (readonly number[])[] = initialState(options.disks);
  let previous: Move | null = null;
  let calls = 0, validVotes = 0, redFlagged = 0, wrongDecisions = 0, offOptimal = 0, bestPartial = 0;
  let contestedSteps = 0, contestedCalls = 0, unanimousWrong = 0;
  const variants = options.variants ?? 1;
  const decorrelation = options.decorrelation ?? 'none';
  const variantOf = (sampleIndex: number, contested: boolean): number =>
    decorrelation === 'every-sample' || (decorrelation === 'contested' && contested) ? sampleIndex % variants : 0;
  let firstOffOptimal: number | null = null;
  for (let step = 1; step <= steps; step += 1) {
    const taskId = `step-${step}`;
    const stateText = formatState(state);
    const prompt = microagentPrompt(options.disks, stateText, previous === null ? null : formatMove(previous));
    const vote = new FirstToAheadByKVote({ k: options.k, adaptive: options.adaptive });
    let status: VoteStatus = vote.status();
    let samples = 0;
    while (!status.decided) {
      const size = planNextRound({ k: options.k, status, started: samples, maxSamples, parallelism: options.k });
      if (size === 0) break;
      const indices = Array.from({ length: size }, (_, i) => samples + i);
      samples += size;
      const results = await Promise.all(indices.map((sampleIndex) => options.model.generate({
        prompt, maxOutputTokens: cap, temperature: options.temperature ?? 0.1,
        metadata: { taskId, sampleIndex: String(sampleIndex), variant: String(variantOf(sampleIndex, status.contested)) },
      })));
      const keys: string[] = [];
      for (const result of results) {
        const hits = await options.flagger.check({
          spec: options.spec, text: result.text, finishReason: result.finishReason,
          outputTokens: result.usage.outputTokens, code: null, generatedCode: null,
        });
        if (hits.length === 0) keys.push(result.text);
        else redFlagged += 1;
      }
      validVotes += keys.length;
      status = vote.castBatch(keys);
    }
    calls += samples;
    if (status.contested) {
      contestedSteps += 1;
      contestedCalls += samples;
    }
    histogram.set(samples, (histogram.get(samples) ?? 0) + 1);
    const winnerText = status.winner ?? vote.bestPartial()?.classKey;
    if (status.winner === null) bestPartial += 1;
    if (winnerText === undefined) throw new Error(`step ${step}: no valid sample in ${samples} calls`);
    const answer = parseHanoiAnswer(winnerText, options.disks) as HanoiAnswer;
    const correct = strategyMove(state, previous);
    if (correct === null || !sameMove(answer.move, correct)) {
      wrongDecisions += 1;
      if (!status.contested) unanimousWrong += 1;
    }
    if (!sameMove(answer.move, optimalMove(options.disks, step))) {
      offOptimal += 1;
      firstOffOptimal ??= step;
    }
    await options.log?.recordDecision({
      taskId, outcome: status.winner === null ? 'best-partial' : 'consensus', classKey: formatMove(answer.move), code: winnerText,
      votes: status.leaderVotes, runnerUpVotes: status.runnerUpVotes, samples, k: options.k,
      reason: status.requiredMargin > options.k && status.winner !== null ? `adaptive margin ${status.requiredMargin}` : '', decidedAt: Date.now(),
    });
    state = answer.nextState;
    previous = answer.move;
    if (step % options.checkpointEvery === 0 || step === steps) await options.log?.checkpoint(step, formatState(state), formatMove(previous));
  }
  return {
    steps, calls, validVotes, redFlagged, wrongDecisions, offOptimal, firstOffOptimal, bestPartial,
    solved: isSolved(state, options.disks), finalState: formatState(state), samplesHistogram: histogram,
    contestedSteps, contestedCalls, unanimousWrong,
    wallMs: performance.now() - started,
  };
}

function sameMove(a: Move, b: Move): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}
