/**
 * @module vote
 * Public entry of voting: first-to-ahead-by-k over equivalence classes (MAKER Algorithm 2), the k_min scaling
 * law, adaptive k (a margin that grows on contested steps), expected cost and run estimates (MAKER §3.2, Appendix B), and execution-based equivalence classes (semantic signatures
 * over generated inputs, as in CodeT and MBR-exec).
 */
export { FirstToAheadByKVote, type ClassTally, type VoteStatus } from './first-to-ahead-by-k.js';
export { VoteDecidedError } from './vote-decided-error.js';
export {
  perStepErrorTarget,
  requiredMargin,
  parseAdaptiveMargin,
  stoppingRuleOutcome,
  wilsonLowerBound,
  DEFAULT_ADAPTIVE_CONFIDENCE,
  type AdaptiveMargin,
  type AdaptiveMarginOptions,
  type StoppingRuleOutcome,
} from './adaptive-margin.js';
export {
  kMin,
  perStepSuccess,
  fullTaskSuccess,
  expectedVotesPerStep,
  expectedCost,
  type ExpectedCost,
  type ExpectedCostOptions,
} from './k-min.js';
export { estimateRun, type EstimateRunOptions, type RunEstimate } from './estimate-run.js';
export { generateInputs, arbitraryFor, edgeValueFor } from './generate-inputs.js';
export { semanticSignature, canonicalValue, type SemanticSignature } from './semantic-signature.js';
