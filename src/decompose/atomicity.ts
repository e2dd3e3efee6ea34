/**
 * @module decompose/atomicity
 * When to stop decomposing (seed implementation guide §3, atomicity; MAKER, Meyerson et al. 2025, arXiv 2511.09030,
 * §3.1, maximal decomposition): a subtask is atomic when the decomposer's own estimates fit the limits a single
 * sample must meet; otherwise it is decomposed again.
 */
import type { SubtaskProposal } from './decomposition-proposal.js';

/** Size limits of an atomic task: non-blank lines and cyclomatic complexity (as in `TaskSpec.limits`). */
export interface AtomicityLimits {
  readonly maxLines: number;
  readonly maxComplexity: number;
}

/** True when `estimatedLines <= maxLines` and `estimatedComplexity <= maxComplexity`. */
export function isAtomic(subtask: Pick<SubtaskProposal, 'estimatedLines' | 'estimatedComplexity'>, limits: AtomicityLimits): boolean {
  return subtask.estimatedLines <= limits.maxLines && subtask.estimatedComplexity <= limits.maxComplexity;
}
