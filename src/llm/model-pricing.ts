/**
 * @module llm/model-pricing
 * What one model's calls cost: the {@link ModelPricing} contract the usage middleware prices calls with, and the
 * flat per-million-token pricing that user overrides (`?inputUsdPerMTok=..&outputUsdPerMTok=..`) and tests use.
 * Looked-up prices live in `pricing/`.
 */
import { z } from 'zod';
import type { TokenUsage } from './language-model.js';
import { parseOptions } from '../errors/parse-options.js';

/** How a model's calls are priced. */
export interface ModelPricing {
  /** USD per 1,000,000 input (prompt) tokens, at the base tier. */
  readonly inputUsdPerMTok: number;
  /** USD per 1,000,000 output (completion) tokens, at the base tier. */
  readonly outputUsdPerMTok: number;
  /** Where the price comes from, for reports: e.g. `@pydantic/genai-prices 0.1.8: openai gpt-4.1-mini`, `model URI`. */
  readonly source: string;
  /** Cost in USD of one call's usage (tiered prices applied where the source has tiers). */
  costOf(usage: TokenUsage): number;
}

const FlatPricingSchema = z
  .object({
    inputUsdPerMTok: z.number().finite().min(0, 'a price >= 0 (USD per 1M input tokens)'),
    outputUsdPerMTok: z.number().finite().min(0, 'a price >= 0 (USD per 1M output tokens)'),
    source: z.string().min(1).default('given'),
  })
  .strict();

/**
 * Flat pricing: `(inputTokens * inputUsdPerMTok + outputTokens * outputUsdPerMTok) / 1e6` USD per call.
 * @param options.source where the prices come from. Default `given`.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `pricing.<field>`) for a negative or non-finite price.
 */
export function flatPricing(options: { inputUsdPerMTok: number; outputUsdPerMTok: number; source?: string }): ModelPricing {
  const { inputUsdPerMTok, outputUsdPerMTok, source } = parseOptions(FlatPricingSchema, options, 'pricing');
  return {
    inputUsdPerMTok,
    outputUsdPerMTok,
    source,
    costOf: (usage) => (usage.inputTokens * inputUsdPerMTok + usage.outputTokens * outputUsdPerMTok) / 1e6,
  };
}
