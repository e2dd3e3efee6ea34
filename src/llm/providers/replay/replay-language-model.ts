/**
 * @module llm/providers/replay/replay-language-model
 * A {@link LanguageModel} that serves recorded real model outputs (e.g. CodeT's CodeGen-16B HumanEval samples)
 * instead of calling a model, so the engine can be evaluated offline on real, unedited samples.
 */
import { z } from 'zod';
import type {
  GenerateOptions,
  GenerateResult,
  LanguageModel,
  ModelCapabilities,
} from '../../language-model.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { ModelUnavailableError, ReplayExhaustedError } from '../../model-errors.js';
import { validateGenerateOptions } from '../../generate-options-schema.js';
import { parseOptions } from '../../../errors/parse-options.js';
import { promptOf } from '../../render-messages.js';
import { applyStopSequences } from '../../stop-sequences.js';
import { estimateTokenCount, truncateToEstimatedTokens } from '../../token-estimate.js';
import { loadCodeT } from './load-codet.js';
import { loadClassEvalSamples, type ClassEvalModel } from './load-classeval.js';
import { loadReplayJsonl } from './load-replay-jsonl.js';
import type { ReplayStyle, ReplayTask } from './replay-task.js';
import { seededShuffle } from '../../seeded-shuffle.js';
import { basename } from 'node:path';

/** Options of {@link ReplayLanguageModel}. */
export interface ReplayLanguageModelOptions {
  /** Recorded tasks, or an in-memory map `taskId -> completions` (then `style` applies to all). */
  readonly tasks: readonly ReplayTask[] | ReadonlyMap<string, readonly string[]>;
  /** Style of a map's completions. Default `continuation`. Ignored for `ReplayTask[]`. */
  readonly style?: ReplayStyle;
  /** Seed of the per-task serving order (combined with the task id). Integer, default 0. */
  readonly seed?: number;
  /** Reported model id. Default `replay`. */
  readonly modelId?: string;
}

const SeedSchema = z.object({ seed: z.number().int('an integer').default(0) }).loose();

/**
 * Serves each task's recorded completions once each, in a pseudo-random order fixed by `seed` and the task id
 * (seeded Fisher-Yates, see `seeded-shuffle.ts`): the same seed replays the same sequence on every run.
 * Keyed on `options.metadata.taskId`, and on `options.metadata.sampleIndex` when present (sample i gets position i
 * of the order, whatever the call order and in whichever process: a resumed solve gets the same answers);
 * calls without a sample index take the next position of a per-task cursor.
 *
 * Per call, like a real API: the text is cut at the first of `options.stop` (finishReason `stop`), then at
 * `maxOutputTokens` *estimated* tokens (finishReason `length`); otherwise finishReason is `other`, because the
 * recording does not say why the model stopped. Token counts are estimates by {@link estimateTokenCount}
 * (word pieces + punctuation marks; there is no tokenizer for the recorded model). `latencyMs` is the real time
 * of serving (microseconds), not the recorded model's latency. Temperature and seed of the call are ignored
 * (`honoursTemperature: false`); `jsonSchema` is not supported.
 */
export class ReplayLanguageModel implements LanguageModel {
  readonly provider = 'replay';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  private readonly seed: number;
  private readonly tasks = new Map<string, readonly string[]>();
  private readonly orders = new Map<string, readonly string[]>();
  /** Per task: the cursor of the next unkeyed call, and every position of the seeded order served so far. */
  private readonly cursors = new Map<string, number>();
  private readonly served = new Map<string, Set<number>>();
  private closed = false;

  /**
   * @throws InvalidArgumentError (`invalid_argument`) for a non-integer `seed`, a duplicate task id, or tasks of
   *   mixed styles (one model has one completion style).
   */
  constructor(options: ReplayLanguageModelOptions) {
    this.seed = parseOptions(SeedSchema, options, 'options').seed;
    this.modelId = options.modelId ?? 'replay';
    const list: ReplayTask[] =
      options.tasks instanceof Map
        ? [...options.tasks].map(([taskId, completions]) => ({
            taskId,
            completions,
            style: options.style ?? 'continuation',
          }))
        : [...(options.tasks as readonly ReplayTask[])];
    const styles = new Set(list.map((task) => task.style));
    if (styles.size > 1) {
      throw new InvalidArgumentError({ parameter: 'options.tasks', value: [...styles], expected: 'one style for all tasks' });
    }
    for (const task of list) {
      if (this.tasks.has(task.taskId)) {
        throw new InvalidArgumentError({ parameter: 'options.tasks', value: task.taskId, expected: 'unique task ids' });
      }
      this.tasks.set(task.taskId, task.completions);
    }
    const style = list[0]?.style ?? options.style ?? 'continuation';
    this.capabilities = {
      completionStyle: style === 'full-code' ? 'chat' : 'continuation',
      jsonSchema: false,
      honoursTemperature: false,
    };
  }

  /**
   * Loads CodeT's recorded HumanEval x CodeGen-Mono-16B samples from `dir` (see `load-codet.ts`); task ids
   * `HumanEval/0` .. `HumanEval/163`, 100 samples each, continuation style.
   * @throws ReplayDataError (`replay_data_invalid`) naming the file (and line) that is missing or malformed.
   */
  static async fromCodeT(options: { dir: string; seed?: number; signal?: AbortSignal }): Promise<ReplayLanguageModel> {
    const tasks = await loadCodeT(options.dir, options.signal);
    return new ReplayLanguageModel({
      tasks,
      modelId: 'codegen-16B-mono@codet-humaneval',
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
  }

  /**
   * Loads the ClassEval authors' recorded samples of `model` from `dir` (see `load-classeval.ts`); task ids
   * `ClassEval_0` .. `ClassEval_99`, 5 samples each, chat style (full code). modelId `<model>@classeval-c5`.
   * @throws ReplayDataError (`replay_data_invalid`) naming the file (and line) that is missing or malformed.
   */
  static async fromClassEval(options: { dir: string; model: ClassEvalModel; seed?: number; signal?: AbortSignal }): Promise<ReplayLanguageModel> {
    const tasks = await loadClassEvalSamples(options.dir, options.model, options.signal);
    return new ReplayLanguageModel({
      tasks,
      modelId: `${options.model}@classeval-c5`,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
  }

  /**
   * Loads the generic format, one `{ taskId, completions, style }` per line. modelId is the file's base name.
   * @throws ReplayDataError (`replay_data_invalid`) naming the file and line.
   */
  static async fromJsonl(
    path: string,
    options: { seed?: number; signal?: AbortSignal } = {},
  ): Promise<ReplayLanguageModel> {
    const tasks = await loadReplayJsonl(path, options.signal);
    return new ReplayLanguageModel({
      tasks,
      modelId: basename(path),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
  }

  /** Task ids with recorded completions, in load order. */
  get taskIds(): readonly string[] {
    return [...this.tasks.keys()];
  }

  /** How many completions of `taskId` are still unserved (0 for an unknown task). */
  remaining(taskId: string): number {
    return (this.tasks.get(taskId)?.length ?? 0) - (this.served.get(taskId)?.size ?? 0);
  }

  /**
   * Serves a recorded completion of `options.metadata.taskId`: with `metadata.sampleIndex` (a decimal integer
   * >= 0, as the solve loop sends it) the completion at that position of the task's seeded order, so that a resumed
   * process asking for sample 5 gets what an uninterrupted run's 6th call got; without it, the next one after a
   * per-task cursor. Keyed serving does not move the cursor.
   * @throws ReplayExhaustedError (`replay_exhausted`) when the task is unknown, all its completions were served
   *   (cursor), or `sampleIndex` >= the number of completions; InvalidArgumentError when `metadata.taskId` is
   *   missing, `metadata.sampleIndex` is not a non-negative integer, or `jsonSchema` is set; ModelUnavailableError
   *   after `close()`; the signal's reason when aborted.
   */
  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const started = performance.now();
    validateGenerateOptions(options);
    options.signal?.throwIfAborted();
    if (this.closed) throw new ModelUnavailableError({ provider: this.provider, message: 'model is closed' });
    const taskId = options.metadata?.['taskId'];
    if (taskId === undefined) {
      throw new InvalidArgumentError({
        parameter: 'options.metadata.taskId',
        value: undefined,
        expected: 'the task id whose recorded completions to serve',
      });
    }
    if (options.jsonSchema !== undefined) {
      throw new InvalidArgumentError({
        parameter: 'options.jsonSchema',
        value: options.jsonSchema,
        expected: 'undefined: the replay provider cannot enforce a JSON Schema',
      });
    }
    const completion = this.serve(taskId, sampleIndexOf(options.metadata?.['sampleIndex']));
    const stopped = applyStopSequences(completion, options.stop);
    const capped =
      options.maxOutputTokens === undefined
        ? { text: stopped.text, truncated: false }
        : truncateToEstimatedTokens(stopped.text, options.maxOutputTokens);
    return {
      text: capped.text,
      usage: { inputTokens: estimateTokenCount(promptOf(options)), outputTokens: estimateTokenCount(capped.text) },
      finishReason: capped.truncated ? 'length' : stopped.stopped ? 'stop' : 'other',
      latencyMs: performance.now() - started,
      modelId: this.modelId,
    };
  }

  /** Marks the model closed (later calls throw `model_unavailable`). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private serve(taskId: string, sampleIndex: number | undefined): string {
    const completions = this.tasks.get(taskId);
    const cursor = this.cursors.get(taskId) ?? 0;
    const position = sampleIndex ?? cursor;
    if (completions === undefined || position >= completions.length) {
      throw new ReplayExhaustedError({ taskId, served: sampleIndex === undefined ? cursor : (completions?.length ?? 0) });
    }
    let order = this.orders.get(taskId);
    if (order === undefined) {
      order = seededShuffle(completions, this.seed, taskId);
      this.orders.set(taskId, order);
    }
    if (sampleIndex === undefined) this.cursors.set(taskId, cursor + 1);
    const served = this.served.get(taskId) ?? new Set<number>();
    served.add(position);
    this.served.set(taskId, served);
    return order[position] as string;
  }
}

/** `metadata.sampleIndex` as a number, or undefined when absent. */
function sampleIndexOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new InvalidArgumentError({
      parameter: 'options.metadata.sampleIndex',
      value,
      expected: 'a non-negative integer in decimal, e.g. "0"',
    });
  }
  return Number(value);
}
