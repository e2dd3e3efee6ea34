/**
 * @module bench/selection/tracking-model
 * Wraps the CodeT {@link ReplayLanguageModel} and remembers, for every engine sample (task id, sample index), which
 * recorded sample (its index in the CodeT file) was served - so the chosen candidate can be scored by its label.
 */
import type { GenerateOptions, GenerateResult, LanguageModel } from '../../src/llm/language-model.js';
import type { ReplayLanguageModel } from '../../src/llm/providers/replay/replay-language-model.js';
import { seededShuffle } from '../../src/llm/seeded-shuffle.js';

/** LanguageModel wrapper recording `taskId -> sampleIndex -> recorded index`. */
export class TrackingModel implements LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities: LanguageModel['capabilities'];
  readonly served = new Map<string, Map<number, number>>();

  /** @param raw task id -> the recorded raw samples in file order (to compute and check the served index). */
  constructor(
    private readonly inner: ReplayLanguageModel,
    private readonly raw: ReadonlyMap<string, readonly string[]>,
    private readonly seed: number,
  ) {
    this.provider = inner.provider;
    this.modelId = inner.modelId;
    this.capabilities = inner.capabilities;
  }

  generate(options: GenerateOptions): Promise<GenerateResult> {
    const taskId = options.metadata?.['taskId'] ?? '';
    const sampleIndex = Number(options.metadata?.['sampleIndex'] ?? NaN);
    const samples = this.raw.get(taskId) ?? [];
    // The replay model serves seededShuffle(samples, seed, taskId) in order; the position is fixed synchronously here.
    const position = samples.length - this.inner.remaining(taskId);
    const order = seededShuffle(samples.map((_, index) => index), this.seed, taskId);
    const recorded = order[position];
    const pending = this.inner.generate(options);
    return pending.then((result) => {
      if (recorded === undefined || !(samples[recorded] ?? '').startsWith(result.text)) {
        throw new Error(`tracking: ${taskId} sample ${sampleIndex} does not match recorded sample ${String(recorded)}`);
      }
      let perTask = this.served.get(taskId);
      if (perTask === undefined) this.served.set(taskId, (perTask = new Map()));
      perTask.set(sampleIndex, recorded);
      return result;
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
