/**
 * @module decompose/archetypes/decomposer
 * The decomposer archetype: splits requirements (or one too-large node) into a proposal of small typed functions
 * (and classes, where operations share state) with dependencies (seed implementation guide §3, hierarchical decomposition; MAKER, Meyerson et al. 2025, arXiv
 * 2511.09030, §3.1, maximal decomposition). Its answers are voted on by structural signature.
 */
import { DecompositionProposalSchema } from '../decomposition-proposal.js';
import { defineArchetype } from './archetype.js';
import { PROPOSAL_CHECKS } from './red-flag-checks.js';
import type { TemplateVariables } from './render-prompt.js';

/** Placeholders: `language`, `maxLines`, `maxComplexity`, `maxSubtasks`, `requirements`, `parentClause`, `reservedClause`. */
export const decomposer = defineArchetype({
  name: 'decomposer',
  description: 'Splits requirements or an oversized task into the smallest typed functions and their dependencies.',
  promptTemplate: {
    system:
      'You are the decomposer of a software build. Split the work into the smallest useful {{language}} functions ' +
      '(maximal decomposition): each subtask is one pure function with a typed signature that can be written in at ' +
      'most {{maxLines}} non-blank lines with cyclomatic complexity at most {{maxComplexity}}; estimate both honestly, ' +
      'larger subtasks are decomposed again.\n' +
      'Answer with exactly one JSON object and nothing else: {"subtasks": [...]} with at most {{maxSubtasks}} subtasks. ' +
      'Each subtask has "id" (kebab-case, unique), "name", "description", "signature" ({"entryPoint": an identifier, ' +
      '"inputs": [{"name", "type"}], "output": {"type"}}, types in {{language}} syntax), "dependencies" (ids of the ' +
      'sibling subtasks whose functions it calls; no cycles), "testCases" ([{"inputs": [...], "expected": ...}]), ' +
      '"estimatedLines" and "estimatedComplexity" (positive integers). Entry points must be unique.\n' +
      'Where several operations share state, a subtask may be one class instead: "taskType": "class", "signature" names ' +
      'the class ("entryPoint") and its constructor\'s "inputs" (output type: the class name), "methods" ([{"name", ' +
      '"inputs", "output"}], without self/this), "fields" it exposes ([{"name", "type"}], may be empty) and, instead of ' +
      'testCases, "sequences" ([{"construct": [constructor arguments], "steps": [{"call": method, "args": [...], ' +
      '"expected": ...}]}]); estimate the lines of the whole class.\n' +
      'When the requirements ask for an HTTP (REST) service, add "service": {"initialState": the state as JSON, "routes": ' +
      '[{"method", "path" (e.g. "/todos/{id}"), "handler": a subtask id}], "scenario": [{"method", "path", "body"?, ' +
      '"status", "response"?}] (requests in order against one fresh server)}; each handler is a function subtask ' +
      '(state, request) -> response, where request is {"params", "query", "body"} and response is {"status", "body", ' +
      '"state"} ("state": the new state); the server around the handlers is written for you.',
    user: 'Requirements:\n{{requirements}}{{parentClause}}{{reservedClause}}',
    variants: {
      direct: '',
      'interfaces-first': 'Start from the data that flows between the functions: fix every signature before you describe the subtask.',
      'tests-first': 'Give every subtask at least two test cases that pin its behaviour, one of them an edge case.',
    },
    completion: { cue: 'The JSON answer:\n{', prefix: '{' },
  },
  outputSchema: DecompositionProposalSchema,
  redFlagProfile: { maxOutputTokens: 4096, format: 'json', checks: PROPOSAL_CHECKS },
  diversityProfile: { temperatures: [0, 0.4, 0.6, 0.8, 1.0], promptVariants: ['direct', 'interfaces-first', 'tests-first'] },
});

/** What {@link decomposerVariables} builds the placeholders from. */
export interface DecomposerPromptInput {
  readonly requirements: string;
  readonly language: 'typescript' | 'python';
  readonly limits: { readonly maxLines: number; readonly maxComplexity: number };
  readonly maxSubtasks: number;
  readonly parentEntryPoint?: string | undefined;
  readonly reservedEntryPoints?: readonly string[] | undefined;
}

/** The decomposer's template variables; the parent and reserved-name clauses are empty when they do not apply. */
export function decomposerVariables(input: DecomposerPromptInput): TemplateVariables {
  const reserved = [...new Set(input.reservedEntryPoints ?? [])].filter((name) => name !== input.parentEntryPoint).sort();
  return {
    requirements: input.requirements,
    language: input.language === 'python' ? 'Python' : 'TypeScript',
    maxLines: input.limits.maxLines,
    maxComplexity: input.limits.maxComplexity,
    maxSubtasks: input.maxSubtasks,
    parentClause: input.parentEntryPoint === undefined
      ? ''
      : `\n\nExactly one subtask must have the entry point \`${input.parentEntryPoint}\`: it implements the whole unit above by calling the other subtasks.`,
    reservedClause: reserved.length === 0
      ? ''
      : `\n\nThese entry points are already used elsewhere in the project; do not use them: ${reserved.map((name) => `\`${name}\``).join(', ')}.`,
  };
}
