/**
 * @module orchestrate/sampling-plan
 * How many samples the next round draws. The first round draws k in parallel (MAKER Algorithm 2 starts with k
 * votes); later rounds draw just enough samples that the leading class could reach the margin it needs (k, or the
 * adaptive margin of a contested step).
 */

/** Vote state the plan reads. */
export interface RoundPlanInput {
  readonly k: number;
  readonly status: {
    readonly leaderVotes: number;
    readonly runnerUpVotes: number;
    readonly totalVotes: number;
    /** The margin the vote needs now (adaptive k); `k` when absent. May be `Infinity`. */
    readonly requiredMargin?: number;
  };
  /** Samples already started for this task. */
  readonly started: number;
  readonly maxSamples: number;
  /** Most samples in flight at once. */
  readonly parallelism: number;
}

/**
 * Size of the next round: `required - (leader - runnerUp)` votes are still needed at best (`required` is the
 * status's `requiredMargin`, else `k`), clamped to `[1, parallelism]` and to the remaining budget. Returns 0 when
 * the budget is spent.
 */
export function planNextRound(input: RoundPlanInput): number {
  const remaining = input.maxSamples - input.started;
  if (remaining <= 0) return 0;
  const margin = input.status.leaderVotes - input.status.runnerUpVotes;
  const required = input.status.requiredMargin ?? input.k;
  const needed = input.status.totalVotes === 0 ? input.k : Math.max(1, required - margin);
  return Math.max(1, Math.min(needed, input.parallelism, remaining));
}
