/**
 * @module llm/middleware/usage-tracker
 * Accumulates calls, failures, tokens, latency and cost per model, and prices calls from a price table.
 */
import { z } from 'zod';
import type { TokenUsage } from '../language-model.js';
import { parseOptions } from '../../errors/parse-options.js';

/** Price of one model in USD per 1,000,000 tokens. */
export interface ModelPrice {
  readonly inputUsdPerMillionTokens: number;
  readonly outputUsdPerMillionTokens: number;
}

/** Price table keyed by model id (exact match). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

const PriceTableSchema = z.record(
  z.string(),
  z
    .object({
      inputUsdPerMillionTokens: z.number().min(0, 'a price >= 0 (USD per 1M tokens)'),
      outputUsdPerMillionTokens: z.number().min(0, 'a price >= 0 (USD per 1M tokens)'),
    })
    .strict(),
);

/** Totals of one model. */
export interface ModelUsage {
  /** Calls recorded (successes + failures). */
  readonly calls: number;
  readonly failures: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Sum of call wall-clock latencies in ms. */
  readonly latencyMs: number;
  /** Sum of known call costs in USD; undefined while no call of this model had a price. */
  readonly costUsd: number | undefined;
  /** Successful calls whose cost was unknown (no price for the model). */
  readonly unpricedCalls: number;
}

const EMPTY: ModelUsage = {
  calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, latencyMs: 0, costUsd: undefined, unpricedCalls: 0,
};

/**
 * Per-model usage totals. One tracker may be shared by several model stacks (keyed by model id).
 *
 * Costs come only from the price table: a model without an entry gets `costUsd: undefined`, never a guess.
 */
export class UsageTracker {
  private readonly prices: PriceTable;
  private readonly totals = new Map<string, ModelUsage>();

  /** @throws InvalidArgumentError (`invalid_argument`) for a malformed price table (e.g. a negative price). */
  constructor(options: { prices?: PriceTable } = {}) {
    this.prices = parseOptions(PriceTableSchema, options.prices ?? {}, 'options.prices');
  }

  /** Cost in USD of `usage` on `modelId`, or undefined when the model has no price. */
  priceOf(modelId: string, usage: TokenUsage): number | undefined {
    const price = this.prices[modelId];
    if (price === undefined) return undefined;
    return (usage.inputTokens * price.inputUsdPerMillionTokens + usage.outputTokens * price.outputUsdPerMillionTokens) / 1e6;
  }

  /** Records one successful call. */
  recordSuccess(modelId: string, usage: TokenUsage, latencyMs: number, costUsd: number | undefined): void {
    const current = this.totals.get(modelId) ?? EMPTY;
    this.totals.set(modelId, {
      ...current,
      calls: current.calls + 1,
      inputTokens: current.inputTokens + usage.inputTokens,
      outputTokens: current.outputTokens + usage.outputTokens,
      latencyMs: current.latencyMs + latencyMs,
      costUsd: costUsd === undefined ? current.costUsd : (current.costUsd ?? 0) + costUsd,
      unpricedCalls: current.unpricedCalls + (costUsd === undefined ? 1 : 0),
    });
  }

  /** Records one failed call. */
  recordFailure(modelId: string, latencyMs: number): void {
    const current = this.totals.get(modelId) ?? EMPTY;
    this.totals.set(modelId, {
      ...current,
      calls: current.calls + 1,
      failures: current.failures + 1,
      latencyMs: current.latencyMs + latencyMs,
    });
  }

  /** Totals of one model (all zero when it made no calls). */
  usageOf(modelId: string): ModelUsage {
    return this.totals.get(modelId) ?? EMPTY;
  }

  /** Totals of every model that made calls, keyed by model id. */
  snapshot(): Readonly<Record<string, ModelUsage>> {
    return Object.fromEntries(this.totals);
  }
}
