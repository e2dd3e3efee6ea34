/**
 * @module decompose/archetypes/specifier
 * The specifier archetype: writes the formal contract of one function (signature, pre/postconditions, test cases,
 * properties; seed implementation guide §1.1) so that verification has something precise to check.
 */
import { defineArchetype } from './archetype.js';
import { SpecifiedContractSchema } from './output-schemas.js';
import { JSON_CHECKS } from './red-flag-checks.js';

/** Placeholders: `language`, `name`, `description`, `signature` (the proposed signature as text). */
export const specifier = defineArchetype({
  name: 'specifier',
  description: 'Writes the formal contract of one function: signature, pre/postconditions, test cases and properties.',
  promptTemplate: {
    system:
      'You are the specifier. Write the formal contract of one {{language}} function. Answer with exactly one JSON ' +
      'object and nothing else, with "signature" ({"entryPoint", "inputs": [{"name", "type"}], "output": {"type"}}), ' +
      '"preconditions" and "postconditions" (boolean {{language}} expressions over the inputs and `result`), ' +
      '"testCases" ([{"inputs": [...], "expected": ...}]) and "properties" ([{"name", "expression"}]).',
    user: 'Function: {{name}}\nProposed signature: {{signature}}\n\n{{description}}',
    variants: {
      direct: '',
      'edge-cases': 'Cover the edge cases in the test cases: empty inputs, zero, negative numbers, duplicates.',
      'properties-first': 'Start from the properties every result must have; then choose test cases that would catch a violation.',
    },
    completion: { cue: 'The JSON answer:\n{', prefix: '{' },
  },
  outputSchema: SpecifiedContractSchema,
  redFlagProfile: { maxOutputTokens: 1024, format: 'json', checks: JSON_CHECKS },
  diversityProfile: { temperatures: [0, 0.3, 0.6, 0.9], promptVariants: ['direct', 'edge-cases', 'properties-first'] },
});
