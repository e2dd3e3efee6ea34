/**
 * @module decompose/archetypes/specifier
 * The specifier archetype: turns a task in plain words into the formal contract of one function (signature,
 * pre/postconditions, test cases, properties; seed implementation guide §1.1) so that verification has something
 * precise to check. Its answers are voted on by signature (`specify-task.ts`).
 */
import { defineArchetype } from './archetype.js';
import { SpecifiedContractSchema } from './output-schemas.js';
import { SPECIFIER_CHECKS } from './red-flag-checks.js';
import type { TemplateVariables } from './render-prompt.js';

/** Placeholders: `language`, `typeExamples`, `task`, `signatureClause`. */
export const specifier = defineArchetype({
  name: 'specifier',
  description: 'Turns a task in plain words into the formal contract of one function: signature, pre/postconditions, test cases and properties.',
  promptTemplate: {
    system:
      'You are the specifier. Turn the task into the formal contract of one {{language}} function, so that any ' +
      'implementation can be checked against it. Answer with exactly one JSON object and nothing else, with ' +
      '"signature" ({"entryPoint": the function\'s name, a {{language}} identifier; "inputs": [{"name", "type"}]; ' +
      '"output": {"type"}}, types in {{language}} syntax such as {{typeExamples}}), "preconditions" and ' +
      '"postconditions" (boolean {{language}} expressions over the inputs and `result`; [] when none), "testCases" ' +
      '(at least three: [{"inputs": [positional arguments as JSON values], "expected": the exact JSON result}]; work ' +
      'each expected value out carefully, a wrong one rejects every correct implementation) and "properties" ' +
      '([{"name", "expression"}] that hold for every input; [] when none).',
    user: 'Task:\n{{task}}{{signatureClause}}',
    variants: {
      direct: '',
      'edge-cases': 'Cover the edge cases in the test cases: empty inputs, zero, negative numbers, duplicates.',
      'properties-first': 'Start from the properties every result must have; then choose test cases that would catch a violation.',
    },
    completion: { cue: 'The JSON answer:\n{', prefix: '{' },
  },
  outputSchema: SpecifiedContractSchema,
  redFlagProfile: { maxOutputTokens: 2048, format: 'json', checks: SPECIFIER_CHECKS },
  diversityProfile: { temperatures: [0, 0.3, 0.6, 0.9], promptVariants: ['direct', 'edge-cases', 'properties-first'] },
});

/** What {@link specifierVariables} builds the placeholders from. */
export interface SpecifierPromptInput {
  /** The task in the user's words. */
  readonly task: string;
  readonly language: 'typescript' | 'python';
  /** The function's name when the user fixed it; absent: the specifier names it. */
  readonly entryPoint?: string | undefined;
}

/** The specifier's template variables; the signature clause is empty unless the entry point is fixed. */
export function specifierVariables(input: SpecifierPromptInput): TemplateVariables {
  return {
    task: input.task,
    language: input.language === 'python' ? 'Python' : 'TypeScript',
    typeExamples: input.language === 'python' ? '`int`, `List[str]`, `Dict[str, int]`, `Optional[float]`' : '`number`, `string[]`, `Record<string, number>`, `boolean`',
    signatureClause: input.entryPoint === undefined ? '' : `\n\nThe function must be named \`${input.entryPoint}\`.`,
  };
}
