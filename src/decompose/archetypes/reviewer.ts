/**
 * @module decompose/archetypes/reviewer
 * The reviewer archetype: reviews the representative of a verified equivalence class against its spec, for what
 * tests do not check (does it do what the task says beyond the tested cases, readability, naming, needless
 * complexity, unsafe constructs), and accepts or rejects it with reasons. Its verdicts are voted on
 * (`review-class.ts`); a rejection can only take a class out of the vote, never put one in.
 */
import { defineArchetype } from './archetype.js';
import { VerdictSchema } from './output-schemas.js';
import { JSON_CHECKS } from './red-flag-checks.js';

/** Placeholders: `language`, `fence`, `description`, `signature`, `code`. */
export const reviewer = defineArchetype({
  name: 'reviewer',
  description: 'Reviews verified code against its spec for what tests do not check: intent, clarity, naming, complexity, unsafe constructs (accept or reject, with reasons).',
  promptTemplate: {
    system:
      'You are a code reviewer. The {{language}} code below already passes its tests; review what tests do not ' +
      'check: whether it does what the task says on inputs the tests do not try, clarity, naming, needless ' +
      'complexity, unsafe or non-deterministic constructs. Answer with exactly one JSON object and nothing else: ' +
      '{"verdict": "accept" | "reject", "reasons": [...]}. Reject only for a concrete problem, named in a reason.',
    user: 'Task:\n{{description}}\n\nSignature: {{signature}}\n\nCode:\n```{{fence}}\n{{code}}```',
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
