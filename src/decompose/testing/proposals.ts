/**
 * @module decompose/testing/proposals
 * TEST SUPPORT ONLY: decomposition proposals for the decompose tests - one base plan (a small calculator), copies
 * of it that differ only in naming, order, descriptions, tests and estimates (same structural signature), and
 * structurally different or broken ones.
 */
import type { GenerateOptions } from '../../llm/language-model.js';
import type { MockResponse } from '../../llm/providers/mock/mock-language-model.js';
import type { DecompositionProposal, SubtaskProposal } from '../decomposition-proposal.js';

/** The base plan: `calculate` calls `tokenize` and `evaluateTokens`. */
export function baseProposal(): DecompositionProposal {
  return {
    subtasks: [
      subtask('tokenize', 'tokenize', [{ name: 'text', type: 'string' }], 'string[]', []),
      subtask('evaluate', 'evaluateTokens', [{ name: 'tokens', type: 'string[]' }], 'number', []),
      subtask('calculate', 'calculate', [{ name: 'text', type: 'string' }], 'number', ['tokenize', 'evaluate']),
    ],
  };
}

/** One subtask with a generic description, one test case and small estimates. */
export function subtask(
  id: string,
  entryPoint: string,
  inputs: readonly { readonly name: string; readonly type: string }[],
  output: string,
  dependencies: readonly string[],
): SubtaskProposal {
  return {
    id,
    name: `The ${id} step`,
    description: `Implements ${entryPoint}.`,
    signature: { entryPoint, inputs: inputs.map((input) => ({ ...input })), output: { type: output } },
    dependencies: [...dependencies],
    testCases: [{ inputs: ['1+2'], expected: 3, expectThrows: false }],
    estimatedLines: 10,
    estimatedComplexity: 3,
  };
}

/**
 * `proposal` with every naming detail changed by `variant` (ids, names, descriptions, parameter names, test cases,
 * estimates, whitespace in types) and its subtasks reversed: structurally the same plan.
 */
export function renamed(proposal: DecompositionProposal, variant: number): DecompositionProposal {
  const idOf = (id: string): string => `v${variant}-${id}`;
  return {
    subtasks: [...proposal.subtasks].reverse().map((item) => ({
      ...item,
      id: idOf(item.id),
      name: `${item.name} (take ${variant})`,
      description: `Variant ${variant}: ${item.description}`,
      signature: {
        ...item.signature,
        inputs: item.signature.inputs.map((input, index) => ({ name: `arg${variant}_${index}`, type: ` ${input.type} ` })),
      },
      dependencies: [...item.dependencies].reverse().map(idOf),
      testCases: [],
      estimatedLines: item.estimatedLines + variant,
      estimatedComplexity: item.estimatedComplexity + 1,
    })),
  };
}

/** A structurally different plan: `evaluateTokens` returns `number | null`. */
export function differentProposal(): DecompositionProposal {
  const base = baseProposal();
  return {
    subtasks: base.subtasks.map((item) => item.id === 'evaluate' ? { ...item, signature: { ...item.signature, output: { type: 'number | null' } } } : item),
  };
}

/** The base plan with `tokenize` depending on `calculate`: a cycle `calculate -> tokenize -> calculate`. */
export function cyclicProposal(): DecompositionProposal {
  const base = baseProposal();
  return { subtasks: base.subtasks.map((item) => item.id === 'tokenize' ? { ...item, dependencies: ['calculate'] } : item) };
}

/** JSON text of a proposal, as a model would answer. */
export function answer(proposal: DecompositionProposal): string {
  return JSON.stringify(proposal, null, 2);
}

/**
 * A MockLanguageModel response function that answers by the sample index in `options.metadata` (so answers do not
 * depend on call interleaving); a missing entry throws.
 */
export function bySampleIndex(answers: Readonly<Record<number, MockResponse>> | readonly MockResponse[]): (options: Omit<GenerateOptions, 'signal'>) => MockResponse {
  return (options) => {
    const index = Number(options.metadata?.['sampleIndex']);
    const response = (answers as Record<number, MockResponse | undefined>)[index];
    if (response === undefined) throw new Error(`no scripted answer for sample ${String(options.metadata?.['sampleIndex'])}`);
    return response;
  };
}
