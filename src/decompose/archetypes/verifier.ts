/**
 * @module decompose/archetypes/verifier
 * The verifier archetype: a model judge that accepts or rejects one candidate against its spec. Advisory only: the
 * engine's verification layers (types, tests, properties, sandbox) decide; a model verdict never overrides them.
 */
import { defineArchetype } from './archetype.js';
import { VerdictSchema } from './output-schemas.js';
import { JSON_CHECKS } from './red-flag-checks.js';

/** Placeholders: `language`, `fence`, `description`, `code`. */
export const verifier = defineArchetype({
  name: 'verifier',
  description: 'Judges whether one candidate implements its specification (accept or reject, with reasons).',
  promptTemplate: {
    system:
      'You are the verifier. Decide whether the {{language}} code implements the specification exactly. Answer with ' +
      'exactly one JSON object and nothing else: {"verdict": "accept" | "reject", "reasons": [...]}; give a reason ' +
      'for every rejection, naming an input on which the code is wrong when you can.',
    user: 'Specification:\n{{description}}\n\nCode:\n```{{fence}}\n{{code}}```',
    variants: {
      direct: '',
      'counterexample-first': 'Look for one input that breaks the code before you judge it.',
    },
    completion: { cue: 'The JSON answer:\n{', prefix: '{' },
  },
  outputSchema: VerdictSchema,
  redFlagProfile: { maxOutputTokens: 512, format: 'json', checks: JSON_CHECKS },
  diversityProfile: { temperatures: [0, 0.5, 0.9], promptVariants: ['direct', 'counterexample-first'] },
});
