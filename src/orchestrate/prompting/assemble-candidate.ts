/**
 * @module orchestrate/prompting/assemble-candidate
 * Turns a model's raw output into candidate source code: the stub plus the continuation, or the fenced code block of
 * a chat answer, after the spec's verified `contextCode` when it has one. Assembly only puts the pieces together as
 * the prompt framed them; it never repairs the model's code (MAKER §3.3: red-flag, do not repair).
 */
import type { CompletionStyle } from '../../llm/language-model.js';
import { pythonImportLines, renderStub } from '../../task-spec/render-stub.js';
import { contextPrefix, type TaskSpec } from '../../task-spec/task-spec.js';

/** An assembled candidate, or nulls when the output holds no code. */
export interface AssembledCandidate {
  /** Complete source to verify and run (starting with the spec's `contextCode`, if any), or null when no code was found. */
  readonly code: string | null;
  /** The part written by the model (never includes the context). */
  readonly generatedCode: string | null;
}

const FENCE = /```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;

/**
 * Assembles the candidate for one sample.
 *
 * - continuation: `stub + text` (the provider has already cut `text` at the stop sequences, as a live API does).
 * - continuation of a class spec: `class Name` (the end of the prompt, `classContinuationHead`) + `text`, after the
 *   stub's imports; of a module spec: `text` after the stub's imports.
 * - chat: the first fenced block that mentions the entry point (else the first block; else the whole answer when it
 *   has no fence and mentions the entry point, from its first line of code on - a fence-less answer that never names
 *   the function, such as a refusal, is prose, not code, so red-flagging sees it as prose). For Python, the stub's import lines are
 *   prepended when the block lacks them, because the prompt showed them as given context (e.g. HumanEval's
 *   `from typing import List`).
 *
 * With `spec.contextCode` (verified code of the task's dependencies, seed guide: execute with retrieved context),
 * `code` is `contextPrefix(spec)` followed by the above for both styles: `contextCode`, a newline when it does not
 * end in one, then the rest. `generatedCode` is unchanged. {@link ownCode} takes the prefix off again.
 */
export function assembleCandidate(spec: TaskSpec, style: CompletionStyle, text: string): AssembledCandidate {
  const context = contextPrefix(spec);
  if (style === 'continuation') {
    if (text.trim() === '') return { code: null, generatedCode: null };
    if (spec.taskType === 'class') {
      // The prompt ended with the skeleton and `class Name` (classContinuationHead): the class is the head + the text.
      const written = `class ${spec.signature.entryPoint}${text}`;
      return { code: context + (spec.language === 'python' ? withStubImports(spec, written) : written), generatedCode: text };
    }
    if (spec.taskType === 'module') {
      // The prompt ended with the skeleton and a comment (moduleContinuationHead): the module is the text.
      return { code: context + (spec.language === 'python' ? withStubImports(spec, text) : text), generatedCode: text };
    }
    return { code: context + renderStub(spec) + text, generatedCode: text };
  }
  const blocks = [...text.matchAll(FENCE)].map((match) => match[2] ?? '');
  // A module is named by its first function (its own name is only a label).
  const name = spec.taskType === 'module' ? (spec.methods[0]?.name ?? spec.signature.entryPoint) : spec.signature.entryPoint;
  const block =
    blocks.find((candidate) => candidate.includes(name)) ??
    blocks[0] ??
    (text.includes('```') || !text.includes(name) ? '' : fromFirstCodeLine(spec, text));
  if (block.trim() === '') return { code: null, generatedCode: null };
  const code = spec.language === 'python' ? withStubImports(spec, block) : block;
  return { code: context + (code.endsWith('\n') ? code : `${code}\n`), generatedCode: block };
}

/**
 * The candidate's own code: `code` without the `contextCode` prefix that {@link assembleCandidate} put in front
 * (exactly `contextPrefix(spec)`). Returns `code` unchanged when the spec has no context or `code` does not start
 * with it.
 */
export function ownCode(spec: Pick<TaskSpec, 'contextCode'>, code: string): string {
  const context = contextPrefix(spec);
  return context !== '' && code.startsWith(context) ? code.slice(context.length) : code;
}

const CODE_START = {
  python: /^(?:from\s|import\s|class\s|def\s|async\s+def\s|@)/,
  typescript: /^(?:import\s|export\s|class\s|abstract\s+class\s|function\s|async\s+function\s|const\s|let\s|var\s|interface\s|type\s|declare\s)/,
} as const;

/**
 * A fence-less answer from its first line that starts a declaration at column 0 (`import`, `class`, `def`, ...):
 * lines of prose before the code ("Please complete the class X in the following code.") are not part of it. The
 * whole text when no line starts one.
 */
function fromFirstCodeLine(spec: Pick<TaskSpec, 'language'>, text: string): string {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => CODE_START[spec.language].test(line));
  return first <= 0 ? text : lines.slice(first).join('\n');
}

/** Prepends the stub's top-level import lines that `code` does not already contain. */
function withStubImports(spec: TaskSpec, code: string): string {
  const imports = pythonImportLines(renderStub(spec)).filter((line) => !code.includes(line.trim()));
  return imports.length > 0 ? `${imports.join('\n')}\n${code}` : code;
}
