/**
 * @module orchestrate/prompting/assemble-candidate
 * Turns a model's raw output into candidate source code: the stub plus the continuation, or the fenced code block of
 * a chat answer. Assembly only puts the pieces together as the prompt framed them; it never repairs the model's
 * code (MAKER §3.3: red-flag, do not repair).
 */
import type { CompletionStyle } from '../../llm/language-model.js';
import { renderStub } from '../../spec/render-stub.js';
import type { TaskSpec } from '../../spec/task-spec.js';

/** An assembled candidate, or nulls when the output holds no code. */
export interface AssembledCandidate {
  /** Complete source to verify and run, or null when no code was found. */
  readonly code: string | null;
  /** The part written by the model. */
  readonly generatedCode: string | null;
}

const FENCE = /```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;

/**
 * Assembles the candidate for one sample.
 *
 * - continuation: `stub + text` (the provider has already cut `text` at the stop sequences, as a live API does).
 * - chat: the first fenced block that mentions the entry point (else the first block; else the whole answer when it
 *   has no fence and mentions the entry point - a fence-less answer that never names the function, such as a
 *   refusal, is prose, not code, so red-flagging sees it as prose). For Python, the stub's import lines are
 *   prepended when the block lacks them, because the prompt showed them as given context (e.g. HumanEval's
 *   `from typing import List`).
 */
export function assembleCandidate(spec: TaskSpec, style: CompletionStyle, text: string): AssembledCandidate {
  if (style === 'continuation') {
    if (text.trim() === '') return { code: null, generatedCode: null };
    return { code: renderStub(spec) + text, generatedCode: text };
  }
  const blocks = [...text.matchAll(FENCE)].map((match) => match[2] ?? '');
  const block =
    blocks.find((candidate) => candidate.includes(spec.signature.entryPoint)) ??
    blocks[0] ??
    (text.includes('```') || !text.includes(spec.signature.entryPoint) ? '' : text);
  if (block.trim() === '') return { code: null, generatedCode: null };
  const code = spec.language === 'python' ? withStubImports(spec, block) : block;
  return { code: code.endsWith('\n') ? code : `${code}\n`, generatedCode: block };
}

/** Prepends the stub's top-level import lines that `code` does not already contain. */
function withStubImports(spec: TaskSpec, code: string): string {
  const imports = renderStub(spec)
    .split('\n')
    .filter((line) => /^(from\s+\S+\s+import\s+|import\s+)/.test(line))
    .filter((line) => !code.includes(line.trim()));
  return imports.length > 0 ? `${imports.join('\n')}\n${code}` : code;
}
