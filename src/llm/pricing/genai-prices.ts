/**
 * @module llm/pricing/genai-prices
 * Model prices from `@pydantic/genai-prices` (Pydantic's maintained price table of LLM APIs, bundled data, no
 * network at run time): the model's provider and id in, a {@link ModelPricing} out, or undefined when the table
 * has no price for it (a local server's model, a fine-tune, an unknown id) - never a guess.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// Type only: the package (its 0.8 MB table) loads on first use.
import type { calcPrice as CalcPriceFunction } from '@pydantic/genai-prices';
import type { ModelPricing } from '../model-pricing.js';

/** The package the prices come from. */
export const PRICE_PACKAGE = '@pydantic/genai-prices';

/** Which model to price. */
export interface PriceLookup {
  /** The model id as the provider names it, e.g. `gpt-4.1-mini`, `claude-sonnet-4-5`. */
  readonly modelId: string;
  /**
   * The price table's provider id (`openai`, `anthropic`, `google`, ...) when the model is served by that provider's
   * own API; leave it out for other endpoints and give `apiUrl`.
   */
  readonly providerId?: string;
  /**
   * The endpoint the model is called at, matched against the table's provider URL patterns (e.g. a Groq or
   * Together URL). A URL no provider matches (a local server) has no price.
   */
  readonly apiUrl?: string;
}

type CalcPrice = typeof CalcPriceFunction;

/**
 * Looks the model up in `@pydantic/genai-prices` (loaded on first use: its 0.8 MB table is not parsed by commands
 * that price nothing). `costOf` prices each call with the package's `calcPrice` (tiers applied); the base
 * `inputUsdPerMTok` / `outputUsdPerMTok` are the price of 1,000 tokens scaled up. `source` names the package version,
 * the table's provider and model entry.
 * @returns undefined when the table holds no price for the model at that provider / endpoint.
 */
export async function lookupPackagePricing(lookup: PriceLookup): Promise<ModelPricing | undefined> {
  const { calcPrice } = await import('@pydantic/genai-prices');
  const options = {
    ...(lookup.providerId === undefined ? {} : { providerId: lookup.providerId }),
    ...(lookup.apiUrl === undefined ? {} : { providerApiUrl: lookup.apiUrl }),
  };
  if (options.providerId === undefined && options.providerApiUrl === undefined) return undefined;
  const probe = calcPrice({ input_tokens: 1000, output_tokens: 1000 }, lookup.modelId, options);
  if (probe === null) return undefined;
  const version = await packageVersion();
  return {
    inputUsdPerMTok: probe.input_price * 1000,
    outputUsdPerMTok: probe.output_price * 1000,
    source: `${PRICE_PACKAGE} ${version}: ${probe.provider.id} ${probe.model.id}`,
    costOf: (usage) => priceOf(calcPrice, lookup.modelId, options, usage.inputTokens, usage.outputTokens),
  };
}

function priceOf(calcPrice: CalcPrice, modelId: string, options: Parameters<CalcPrice>[2], inputTokens: number, outputTokens: number): number {
  return calcPrice({ input_tokens: inputTokens, output_tokens: outputTokens }, modelId, options)?.total_price ?? 0;
}

/** The installed package's version (its package.json is not exported, so it is read beside the entry point). */
async function packageVersion(): Promise<string> {
  try {
    const text = await readFile(fileURLToPath(new URL('../package.json', import.meta.resolve(PRICE_PACKAGE))), 'utf8');
    return String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
