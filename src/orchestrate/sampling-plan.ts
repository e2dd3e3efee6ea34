/**
 * @module orchestrate/sampling-plan
 * How many samples the next round draws. The first round draws k in parallel (MAKER Algorithm 2 starts with k
 * votes); later rounds draw just enough samples that the leading class could reach the k margin.
 */

/** Vote state the plan reads. */
export interface RoundPlanInput {
  readonly k: number;
  readonly status: { readonly leaderVotes: number; readonly runnerUpVotes: number; readonly totalVotes: number };
  /** Samples already started for this task. */
  readonly started: number;
  readonly maxSamples: number;
  /** Most samples in flight at once. */
  readonly parallelism: number;
}

/**
 * Size of the next round: `k - (leader - runnerUp)` votes are still needed at best, clamped to
 * `[1, parallelism]` and to the remaining budget. Returns 0 when the budget is spent.
 */
export function planNextRound(input: RoundPlanInput): number {
  const remaining = input.maxSamples - input.started;
  if (remaining <= 0) return 0;
  const margin = input.status.leaderVotes - input.status.runnerUpVotes;
  const needed = input.status.totalVotes === 0 ? input.k : Math.max(1, input.k - margin);
  return Math.max(1, Math.min(needed, input.parallelism, remaining));
}
