/**
 * @module orchestrate/project-build/build-budget
 * Per-run budgets of a build (tokens, cost, wall time over every session of the run). The tracker wraps the model
 * as middleware: it adds each call's usage and, when a budget is reached, aborts the build's signal with a
 * {@link BudgetExceededError}, which stops the build cleanly as `paused`.
 */
import { wrapLanguageModel, type LanguageModel } from '../../llm/language-model.js';
import type { RunRecord } from '../../store/run-store.js';
import type { BuildBudgets } from './build-request.js';
import { BudgetExceededError } from './build-errors.js';

/** Usage spent before this session (from the store). */
export interface SpentSoFar {
  readonly tokens: number;
  readonly costUsd: number;
  readonly wallMs: number;
}

/** Tracks a run's spending against its budgets. */
export class BuildBudgetTracker {
  readonly #budgets: BuildBudgets;
  readonly #controller: AbortController;
  readonly #sessionStart: number;
  readonly #now: () => number;
  #tokens: number;
  #costUsd: number;
  readonly #wallBefore: number;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param options.controller aborted with a BudgetExceededError when a budget is reached.
   */
  constructor(options: { budgets: BuildBudgets; spent: SpentSoFar; controller: AbortController; now?: () => number }) {
    this.#budgets = options.budgets;
    this.#controller = options.controller;
    this.#now = options.now ?? Date.now;
    this.#sessionStart = this.#now();
    this.#tokens = options.spent.tokens;
    this.#costUsd = options.spent.costUsd;
    this.#wallBefore = options.spent.wallMs;
    const { maxWallMs } = options.budgets;
    if (maxWallMs !== undefined) {
      const left = Math.max(0, maxWallMs - this.#wallBefore);
      this.#timer = setTimeout(() => this.#stop({ budget: 'maxWallMs', limit: maxWallMs, used: this.wallMs }), left);
      this.#timer.unref();
    }
  }

  /** Tokens spent over the whole run so far. */
  get tokens(): number { return this.#tokens; }
  /** Cost over the whole run so far, in USD. */
  get costUsd(): number { return this.#costUsd; }
  /** Wall time over every session so far, in ms. */
  get wallMs(): number { return this.#wallBefore + (this.#now() - this.#sessionStart); }

  /** Adds one call's usage and stops the build when a budget is reached. */
  add(usage: { readonly inputTokens: number; readonly outputTokens: number; readonly costUsd?: number | undefined }): void {
    this.#tokens += usage.inputTokens + usage.outputTokens;
    this.#costUsd += usage.costUsd ?? 0;
    this.check();
  }

  /** Stops the build when any budget is already reached (call before starting new work). */
  check(): void {
    const { maxTokens, maxCostUsd, maxWallMs } = this.#budgets;
    if (maxTokens !== undefined && this.#tokens >= maxTokens) this.#stop({ budget: 'maxTokens', limit: maxTokens, used: this.#tokens });
    else if (maxCostUsd !== undefined && this.#costUsd >= maxCostUsd) this.#stop({ budget: 'maxCostUsd', limit: maxCostUsd, used: this.#costUsd });
    else if (maxWallMs !== undefined && this.wallMs >= maxWallMs) this.#stop({ budget: 'maxWallMs', limit: maxWallMs, used: this.wallMs });
  }

  /** Wraps `model` so that every answered call is counted. */
  wrap(model: LanguageModel): LanguageModel {
    return wrapLanguageModel(model, {
      name: 'build-budget',
      wrapGenerate: async (options, next) => {
        const result = await next(options);
        this.add({ ...result.usage, costUsd: result.costUsd });
        return result;
      },
    });
  }

  /** Clears the wall-clock timer. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #stop(options: { budget: string; limit: number; used: number }): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(new BudgetExceededError(options));
  }
}

/**
 * Wall time spent by the sessions of a build so far, in ms: per session, from its `session-start` checkpoint to the
 * last checkpoint before the next session (a killed session counts up to its last checkpoint).
 */
export function runWallMs(run: Pick<RunRecord, 'checkpoints'>): number {
  let total = 0;
  let start: number | undefined;
  let last: number | undefined;
  for (const checkpoint of run.checkpoints) {
    if (checkpoint.kind === 'session-start') {
      if (start !== undefined && last !== undefined) total += last - start;
      start = checkpoint.createdAt;
    }
    last = checkpoint.createdAt;
  }
  if (start !== undefined && last !== undefined) total += last - start;
  return total;
}
