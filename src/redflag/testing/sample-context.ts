/**
 * @module redflag/testing/sample-context
 * TEST SUPPORT ONLY: builds {@link RedFlagContext}s for rule tests, and reads real recorded samples (CodeT's
 * HumanEval x CodeGen-Mono-16B samples in `/work/shared/recorded/`).
 */
import { readFileSync } from 'node:fs';
import type { FinishReason } from '../../llm/language-model.js';
import { TaskSpecSchema, type Language, type TaskSpec } from '../../task-spec/task-spec.js';
import type { RedFlagContext } from '../red-flag-rule.js';

/** A minimal valid spec. */
export function specFor(language: Language, entryPoint = 'solve', maxOutputTokens = 512): TaskSpec {
  return TaskSpecSchema.parse({
    id: 'test-task',
    name: 'test task',
    description: 'A task for tests.',
    language,
    signature: { entryPoint, inputs: [{ name: 'x', type: language === 'python' ? 'int' : 'number' }], output: { type: language === 'python' ? 'int' : 'number' } },
    limits: { maxOutputTokens },
  });
}

/**
 * A context. By default the answer is the code itself (code = generatedCode = text); pass `stub` for a
 * continuation (code = stub + text), or `code`/`generatedCode` explicitly for chat answers.
 */
export function contextFor(options: {
  readonly language: Language;
  readonly text: string;
  readonly entryPoint?: string;
  readonly stub?: string;
  readonly code?: string | null;
  readonly generatedCode?: string | null;
  readonly finishReason?: FinishReason;
  readonly outputTokens?: number;
  readonly maxOutputTokens?: number;
}): RedFlagContext {
  const generatedCode = options.generatedCode === undefined ? options.text : options.generatedCode;
  const code = options.code === undefined ? (generatedCode === null ? null : `${options.stub ?? ''}${generatedCode}`) : options.code;
  return {
    spec: specFor(options.language, options.entryPoint, options.maxOutputTokens),
    text: options.text,
    finishReason: options.finishReason ?? 'stop',
    outputTokens: options.outputTokens ?? 50,
    code,
    generatedCode,
  };
}

const LABELED = '/work/shared/recorded/codet-humaneval-codegen16b/labeled_solutions.jsonl';

/** One recorded CodeT problem: prompt (the stub), entry point, completions and their hidden-test results. */
export interface RecordedProblem {
  readonly task_id: string;
  readonly entry_point: string;
  readonly prompt: string;
  readonly completions: readonly string[];
  readonly result: readonly string[];
}

/** Reads one problem of the recorded CodeT samples by task id (e.g. `HumanEval/2`). */
export function recordedProblem(taskId: string): RecordedProblem {
  for (const line of readFileSync(LABELED, 'utf8').split('\n')) {
    if (!line.includes(`"${taskId}"`)) continue;
    const problem = JSON.parse(line) as RecordedProblem;
    if (problem.task_id === taskId) return problem;
  }
  throw new Error(`no recorded problem ${taskId}`);
}

/** The context of recorded completion `index` of `problem`, as a continuation of its prompt. */
export function recordedContext(problem: RecordedProblem, index: number): RedFlagContext {
  const completion = problem.completions[index];
  if (completion === undefined) throw new Error(`no completion ${index}`);
  return contextFor({ language: 'python', text: completion, stub: problem.prompt, entryPoint: problem.entry_point });
}
