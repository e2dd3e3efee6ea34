/**
 * @module orchestrate/prompting/prompt-variants
 * Prompt variants and the temperature schedule used to diversify samples (MAKER §3.3: independent, decorrelated
 * samples make voting effective; the seed guide §1.2: diversify by temperature, prompt and model).
 */

/** Names of the chat prompt variants. Continuation-style models always see the stub itself. */
export const PROMPT_VARIANTS = ['direct', 'edge-cases', 'spec-first'] as const;
/** One of {@link PROMPT_VARIANTS}, or `stub` for continuation-style prompting. */
export type PromptVariant = (typeof PROMPT_VARIANTS)[number] | 'stub';

/**
 * Temperature for sample `index` of a task: the first sample at 0 (the model's most likely answer), the rest spread
 * over `[minTemperature, maxTemperature]` in a repeating ladder so that every round mixes cool and hot samples.
 *
 * @param index 0-based sample index.
 * @param options.maxTemperature default 1.0; options.minTemperature default 0.3.
 */
export function temperatureForSample(index: number, options: { minTemperature?: number; maxTemperature?: number } = {}): number {
  if (index === 0) return 0;
  const low = options.minTemperature ?? 0.3;
  const high = options.maxTemperature ?? 1.0;
  const steps = 4;
  const position = (index - 1) % (steps + 1);
  return Math.round((low + ((high - low) * position) / steps) * 100) / 100;
}

/** Chat prompt variant for sample `index` (round-robin). */
export function promptVariantForSample(index: number): (typeof PROMPT_VARIANTS)[number] {
  return PROMPT_VARIANTS[index % PROMPT_VARIANTS.length] ?? 'direct';
}
