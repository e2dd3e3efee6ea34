/**
 * @module decompose/archetypes/reviewer
 * The reviewer archetype: reviews verified code for what tests do not check (readability, naming, needless
 * complexity, unsafe constructs) and accepts or rejects it with reasons.
 */
import { defineArchetype } from './archetype.js';
import { VerdictSchema } from './output-schemas.js';
import { JSON_CHECKS } from './red-flag-checks.js';

/** Placeholders: `language`, `fence`, `description`, `code`. */
export const reviewer = defineArchetype({
  name: 'reviewer',
  description: 'Reviews verified code for clarity, naming, complexity and unsafe constructs (accept or reject, with reasons).',
  promptTemplate: {
    system:
      'You are a code reviewer. The {{language}} code below already passes its tests; review what tests do not ' +
      'check: clarity, naming, needless complexity, unsafe or non-deterministic constructs. Answer with exactly one ' +
      'JSON object and nothing else: {"verdict": "accept" | "reject", "reasons": [...]}. Reject only for a concrete ' +
      'problem, named in a reason.',
    user: 'Purpose:\n{{description}}\n\nCode:\n```{{fence}}\n{{code}}```',
    variants: {
      direct: '',
      'maintainer': 'Review as the person who will maintain this code for years.',
    },
    completion: { cue: 'The JSON answer:\n{', prefix: '{' },
  },
  outputSchema: VerdictSchema,
  redFlagProfile: { maxOutputTokens: 512, format: 'json', checks: JSON_CHECKS },
  diversityProfile: { temperatures: [0, 0.5, 0.9], promptVariants: ['direct', 'maintainer'] },
});
