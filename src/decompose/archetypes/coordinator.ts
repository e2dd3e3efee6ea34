/**
 * @module decompose/archetypes/coordinator
 * The coordinator archetype: proposes the next action for each open node of the decomposition tree (decompose,
 * solve, integrate, escalate, wait). Advisory: the build orchestrator's own rules (atomicity, the DAG's ready set,
 * budgets) decide; a proposal that breaks them is ignored.
 */
import { defineArchetype } from './archetype.js';
import { CoordinationSchema } from './output-schemas.js';
import { JSON_CHECKS } from './red-flag-checks.js';

/** Placeholders: `requirements`, `nodes` (one line per open node: id, state, size estimates, dependencies). */
export const coordinator = defineArchetype({
  name: 'coordinator',
  description: 'Proposes the next action for each open node of the decomposition tree.',
  promptTemplate: {
    system:
      'You coordinate a software build that decomposes requirements into small verified functions. For each open ' +
      'node, choose one action: "decompose" (too large for one function), "solve" (small enough), "integrate" (all ' +
      'children verified), "escalate" (needs a person) or "wait" (dependencies not done). Answer with exactly one ' +
      'JSON object and nothing else: {"actions": [{"nodeId", "action", "reason"}]}.',
    user: 'Requirements:\n{{requirements}}\n\nOpen nodes:\n{{nodes}}',
    variants: { direct: '' },
    completion: { cue: 'The JSON answer:\n{', prefix: '{' },
  },
  outputSchema: CoordinationSchema,
  redFlagProfile: { maxOutputTokens: 1024, format: 'json', checks: JSON_CHECKS },
  diversityProfile: { temperatures: [0, 0.5], promptVariants: ['direct'] },
});
