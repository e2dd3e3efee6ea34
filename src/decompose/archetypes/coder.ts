/**
 * @module decompose/archetypes/coder
 * The coder archetype: implements one atomic function from its spec (MAKER, Meyerson et al. 2025, arXiv
 * 2511.09030, §3.1: one focused step per call). Its answers are red-flagged with the standard code rules and voted on
 * by execution-based semantic signature.
 */
import { defineArchetype } from './archetype.js';
import { CodeOutputSchema } from './output-schemas.js';
import { CODE_CHECKS } from './red-flag-checks.js';

/** Placeholders: `language`, `fence` (`typescript` | `python`), `entryPoint`, `description`, `stub`. */
export const coder = defineArchetype({
  name: 'coder',
  description: 'Implements one atomic function from its specification.',
  promptTemplate: {
    system:
      'You write one correct, self-contained {{language}} function. Answer with exactly one fenced code block ' +
      '(```{{fence}}) containing the complete function `{{entryPoint}}` and any imports or helpers it needs. ' +
      'No explanations, no tests, no example usage.',
    user: 'Task: {{description}}\n\nComplete this code:\n```{{fence}}\n{{stub}}```',
    variants: {
      direct: '',
      'edge-cases': 'Handle edge cases (empty inputs, zero, negative numbers, duplicates) correctly.',
      'spec-first': 'Read the signature and the contract first; make every precondition and postcondition hold.',
    },
    completion: { cue: '```{{fence}}\n{{stub}}', prefix: '{{stub}}' },
  },
  outputSchema: CodeOutputSchema,
  redFlagProfile: { maxOutputTokens: 512, format: 'code', checks: CODE_CHECKS },
  diversityProfile: { temperatures: [0, 0.3, 0.48, 0.65, 0.83, 1.0], promptVariants: ['direct', 'edge-cases', 'spec-first'] },
});
