/**
 * @module decompose
 * Public entry of decomposition (seed implementation guide §3, hierarchical decomposition and atomicity; MAKER,
 * Meyerson et al. 2025, arXiv 2511.09030, §3.1 maximal decomposition): agent archetypes as data, decomposition
 * proposals and their red flags, structural signatures for voting, the task DAG, atomicity, subtask-to-spec
 * conversion, and `decomposeNode`, which decomposes one node by first-to-ahead-by-k voting.
 */
export {
  ARCHETYPE_NAMES,
  defineArchetype,
  type Archetype,
  type ArchetypeDefinition,
  type ArchetypeName,
  type DiversityProfile,
  type OutputFormat,
  type PromptTemplate,
  type RedFlagProfile,
} from './archetypes/archetype.js';
export { renderPrompt, renderTemplate, type RenderedPrompt, type TemplateVariables } from './archetypes/render-prompt.js';
export { promptVariantForSample, temperatureForSample } from './archetypes/diversity.js';
export { ARCHETYPES } from './archetypes/registry.js';
export { decomposerVariables, type DecomposerPromptInput } from './archetypes/decomposer.js';
export { SPECIALISTS, specialistFor, withSpecialist, type SpecialistName, type SpecialistProfile } from './archetypes/specialists.js';
export { CODE_CHECKS, JSON_CHECKS, PROPOSAL_CHECKS } from './archetypes/red-flag-checks.js';
export {
  CodeOutputSchema,
  CoordinationSchema,
  IntegrationSchema,
  SpecifiedContractSchema,
  VerdictSchema,
  type Coordination,
  type Integration,
  type SpecifiedContract,
  type Verdict,
} from './archetypes/output-schemas.js';
export {
  DecompositionProposalSchema,
  SubtaskProposalSchema,
  type DecompositionProposal,
  type SubtaskProposal,
} from './decomposition-proposal.js';
export { extractJsonObject, type JsonAnswer } from './json-answer.js';
export {
  checkProposal,
  DEFAULT_MAX_SUBTASKS,
  PROPOSAL_RED_FLAG_RULES,
  type ProposalCheck,
  type ProposalCheckContext,
  type ProposalRedFlagRule,
} from './proposal-red-flags.js';
export { canonicalProposalJson, parseProposalJson } from './canonical-proposal.js';
export { normaliseType, structuralSignature, type StructuralSignature } from './structural-signature.js';
export { TaskGraph, type TaskNode } from './task-graph.js';
export { DependencyCycleError } from './dependency-cycle-error.js';
export { UnknownDependencyError } from './unknown-dependency-error.js';
export { isAtomic, type AtomicityLimits } from './atomicity.js';
export { subtaskToSpec, type SubtaskToSpecOptions } from './subtask-to-spec.js';
export type { DecomposeEvent, DecomposeOutcome } from './decompose-events.js';
export {
  decomposeNode,
  type DecomposeNodeDependencies,
  type DecomposeNodeOptions,
  type DecomposeNodeResult,
  type ProposalClassTally,
} from './decompose-node.js';
