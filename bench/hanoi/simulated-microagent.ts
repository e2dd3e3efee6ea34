/**
 * @module bench/hanoi/simulated-microagent
 * A seeded stand-in for MAKER's microagent (one LLM call that makes one Towers of Hanoi move): a small
 * {@link LanguageModel} (not the engine's MockLanguageModel, which keeps every call's options - millions of them
 * here). It reads the current state and the previous move from the
 * prompt, works out the correct move with the strategy MAKER's prompt states, and then answers:
 *
 * - malformed (share `malformedShare`): the right move in a wrong shape (prose, JSON, missing line, no spaces);
 * - overlong (share `overlongShare`): a rambling answer cut at the token cap (finishReason `length`);
 * - otherwise a well-formed answer that is correct with probability `p` (`pHard` on a hard step), else a different
 *   legal move. Hard steps (share `hardShare`, chosen by a seeded hash of the step number) model correlated errors:
 *   their wrong answer is always the same move, so wrong votes pile up in one class; on ordinary steps a wrong
 *   answer is any other legal move, uniformly.
 *
 * Decorrelation (the engine's prompt variants, or a mix of models): each call names its `metadata.variant`
 * (0 .. variants - 1). With `variantCorrelation` = 1 every variant finds the same steps hard and errs the same way
 * (what the single-variant runs model); with 0, each variant has its own hard steps (share `hardShare` each) and
 * a fixed wrong move of its own on them (variant v takes wrong move v mod the number of wrong moves: a Hanoi state
 * has at most two, so variants 0 and 2 err alike) - what a prompt or model that fails elsewhere buys. In between, a share
 * `variantCorrelation` of the hard steps is shared by all variants. This is a modelling assumption, stated with
 * every figure: real decorrelation lies somewhere on that scale.
 *
 * Every random draw is a hash of (seed, step, sample index), so answers do not depend on call order or concurrency.
 */
import type { GenerateOptions, GenerateResult, LanguageModel, ModelCapabilities } from '../../src/index.js';
import { applyMove, formatAnswer, legalMoves, strategyMove, type Move, type PegState } from './towers.js';

/** Options of {@link createHanoiMicroagent}. */
export interface HanoiMicroagentOptions {
  /** Probability that a well-formed answer on an ordinary step is correct. */
  readonly p: number;
  /** Share of steps that are hard (correlated errors), in [0, 1). */
  readonly hardShare: number;
  /** Probability that a well-formed answer on a hard step is correct. */
  readonly pHard: number;
  /** Share of answers in a wrong shape. */
  readonly malformedShare: number;
  /** Share of answers that run into the token cap. */
  readonly overlongShare: number;
  /** Token cap the overlong answers hit. */
  readonly maxOutputTokens: number;
  readonly seed: number;
  /** Prompt variants calls may name in `metadata.variant`. Default 1. */
  readonly variants?: number;
  /** Share of hard steps that are hard for every variant, in [0, 1]. Default 1 (fully correlated). */
  readonly variantCorrelation?: number;
}

/** What the microagent needs in its prompt: the state and the previous move, one per line, in the paper's format. */
export function microagentPrompt(disks: number, state: string, previousMove: string | null): string {
  return `${INSTRUCTIONS(disks)}\nprevious_move = ${previousMove ?? 'None'}\ncurrent_state = ${state}\n`;
}

const INSTRUCTIONS = (disks: number): string =>
  `Towers of Hanoi, ${disks} disks, pegs 0..2, goal: all disks on peg 2. Each peg lists disks bottom to top. ` +
  'Strategy: if the previous move did not move disk 1, move disk 1 one peg clockwise (0->1->2->0 for an even number ' +
  'of disks, 0->2->1->0 for an odd number); otherwise make the only legal move that does not involve disk 1. ' +
  'Answer with exactly two lines: "move = [disk, from, to]" and "next_state = [[...], [...], [...]]".';

/** Whether `step` is a hard step under `seed` for every variant (with `correlation` = 1, the default: for all). */
export function isHardStep(seed: number, step: number, hardShare: number, correlation = 1): boolean {
  return uniform(seed, step, 0x7fffffff) < hardShare * correlation;
}

/** Whether `step` is hard for variant `variant` alone (never with `correlation` = 1). */
export function isHardStepForVariant(seed: number, step: number, variant: number, hardShare: number, correlation: number): boolean {
  return uniform(seed ^ Math.imul(variant + 1, 0x3c6ef372), step, 0x7ffffffe) < hardShare * (1 - correlation);
}

/**
 * The simulated microagent. Calls must carry `metadata.taskId` = `step-<n>` and `metadata.sampleIndex`.
 * @throws Error from a call whose prompt has no parsable state (the harness is broken, not the model).
 */
export function createHanoiMicroagent(options: HanoiMicroagentOptions): SimulatedHanoiMicroagent {
  const ramble = ' Let me think again about which disk is on top of which peg.'.repeat(Math.ceil(options.maxOutputTokens / 12));
  // Every sample of a step shares one prompt: the reading of the prompt is kept for the last one.
  let lastPrompt = '';
  let lastStep: StepAnswers | undefined;
  const readPrompt = (prompt: string): StepAnswers => {
    if (prompt === lastPrompt && lastStep !== undefined) return lastStep;
    const state = JSON.parse(lineValue(prompt, 'current_state = ')) as number[][];
    const previousText = lineValue(prompt, 'previous_move = ');
    const previous = previousText === 'None' ? null : (JSON.parse(previousText) as Move);
    const correct = strategyMove(state, previous);
    if (correct === null) throw new Error(`no strategy move from state ${JSON.stringify(state)}`);
    const wrong = legalMoves(state).filter((m) => m[0] !== correct[0] || m[1] !== correct[1] || m[2] !== correct[2]);
    const answer = (move: Move): { move: Move; text: string } => ({ move, text: formatAnswer(move, applyMove(state, move)) });
    lastPrompt = prompt;
    lastStep = { state, correct: answer(correct), wrong: wrong.map(answer), inputTokens: Math.ceil(prompt.length / 4) };
    return lastStep;
  };
  const correlation = options.variantCorrelation ?? 1;
  const respond = (prompt: string, step: number, sampleIndex: number, variant: number): Answer => {
    const read = readPrompt(prompt);
    const shared = isHardStep(options.seed, step, options.hardShare, correlation);
    const own = !shared && correlation < 1 && isHardStepForVariant(options.seed, step, variant, options.hardShare, correlation);
    const hard = shared || own;
    const draw = uniform(options.seed, step, sampleIndex);
    const format = uniform(options.seed ^ 0x5bd1e995, step, sampleIndex);
    let chosen = read.correct;
    if (draw >= (hard ? options.pHard : options.p) && read.wrong.length > 0) {
      const pick = shared ? 0 : own ? variant % read.wrong.length : Math.floor(uniform(options.seed ^ 0x27d4eb2f, step, sampleIndex) * read.wrong.length);
      chosen = read.wrong[pick] ?? read.correct;
    }
    const usage = (outputTokens: number): { inputTokens: number; outputTokens: number } => ({ inputTokens: read.inputTokens, outputTokens });
    if (format < options.overlongShare) {
      return { text: `${chosen.text}\n${ramble}`.slice(0, options.maxOutputTokens * 4), finishReason: 'length', usage: usage(options.maxOutputTokens) };
    }
    if (format < options.overlongShare + options.malformedShare) {
      const text = malformed(chosen.move, read.state, chosen.text, Math.floor(format * 1e6) % 4);
      return { text, usage: usage(approximateTokens(text)) };
    }
    return { text: chosen.text, usage: usage(approximateTokens(chosen.text)) };
  };
  return new SimulatedHanoiMicroagent(options, respond);
}

type Answer = Pick<GenerateResult, 'text' | 'usage'> & { readonly finishReason?: GenerateResult['finishReason'] };

/** The simulated microagent; {@link SimulatedHanoiMicroagent.agentMs} is the time spent inside the simulation itself. */
export class SimulatedHanoiMicroagent implements LanguageModel {
  readonly provider = 'simulated';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities = { completionStyle: 'chat', jsonSchema: false, honoursTemperature: true };
  #agentMs = 0;
  #calls = 0;

  readonly #variants: number;

  constructor(options: HanoiMicroagentOptions, private readonly respond: (prompt: string, step: number, sampleIndex: number, variant: number) => Answer) {
    this.modelId = `simulated-hanoi-microagent(p=${options.p}, hard=${options.hardShare}@${options.pHard}, seed=${options.seed})`;
    this.#variants = options.variants ?? 1;
  }

  /**
   * @throws Error when the call has no prompt or no `metadata.taskId` = `step-<n>` / `metadata.sampleIndex`, or
   *   names a `metadata.variant` outside 0 .. variants - 1.
   */
  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const started = performance.now();
    options.signal?.throwIfAborted();
    const step = Number((options.metadata?.['taskId'] ?? '').slice('step-'.length));
    const sampleIndex = Number(options.metadata?.['sampleIndex'] ?? Number.NaN);
    const variant = Number(options.metadata?.['variant'] ?? 0);
    if (options.prompt === undefined || !Number.isInteger(step) || !Number.isInteger(sampleIndex)) {
      throw new Error('calls need a prompt and metadata taskId "step-<n>" and sampleIndex');
    }
    if (!Number.isInteger(variant) || variant < 0 || variant >= this.#variants) throw new Error(`metadata.variant ${variant} is not in 0..${this.#variants - 1}`);
    const answer = this.respond(options.prompt, step, sampleIndex, variant);
    const latencyMs = performance.now() - started;
    this.#agentMs += latencyMs;
    this.#calls += 1;
    return { finishReason: 'stop', ...answer, latencyMs, modelId: this.modelId };
  }

  /** Milliseconds spent inside the simulation (reading the prompt, drawing the answer). */
  get agentMs(): number {
    return this.#agentMs;
  }

  get callCount(): number {
    return this.#calls;
  }

  async close(): Promise<void> {}
}

interface StepAnswers {
  readonly state: PegState;
  readonly correct: { readonly move: Move; readonly text: string };
  readonly wrong: readonly { readonly move: Move; readonly text: string }[];
  readonly inputTokens: number;
}

/** Output tokens of a simulated answer: about 3 characters per token (numbers and brackets tokenise densely). */
function approximateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

function malformed(move: Move, state: PegState, answer: string, variant: number): string {
  switch (variant) {
    case 0: return `The next move is to take disk ${move[0]} from peg ${move[1]} to peg ${move[2]}.\n${answer}`;
    case 1: return JSON.stringify({ move, next_state: state });
    case 2: return `move = [${move.join(',')}]`;
    default: return answer.replace('next_state', 'state');
  }
}

function lineValue(prompt: string, key: string): string {
  const start = prompt.indexOf(key);
  if (start < 0) throw new Error(`prompt has no "${key.trim()}" line`);
  const end = prompt.indexOf('\n', start);
  return prompt.slice(start + key.length, end < 0 ? undefined : end);
}

/** A uniform number in [0, 1) from three integers (murmur3-style finaliser). */
export function uniform(seed: number, a: number, b: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(a + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(b + 0x1b873593, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
