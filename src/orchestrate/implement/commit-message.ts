/**
 * @module orchestrate/implement/commit-message
 * The message of the commit `zerr implement` makes: what was implemented, the vote that chose it and the checks it
 * passed, so that the history says why this code is there.
 */
import type { SolveTaskResult } from '../solve-task.js';
import type { PreparedImplement } from './prepare-implement.js';

/**
 * `zerr implement <symbol> in <path>` and a body naming the vote (class, votes against the runner-up, k, samples,
 * every class's votes), the checks (the repository's test files) and the run, e.g.
 *
 * ```
 * zerr implement slugify in src/strings.ts
 *
 * Chosen by first-to-ahead-by-k: class 3f2a9c01d4e5b6a7 led 3-0 at k=3 after 5 samples
 * (red-flagged 0, failed verification 2: repo-tests 1, project-types 1).
 * ...
 * ```
 */
export function implementCommitMessage(options: { readonly prepared: PreparedImplement; readonly result: SolveTaskResult; readonly runId: string; readonly model: string }): string {
  const { prepared, result } = options;
  const failed = Object.entries(result.failedByLayer).map(([layer, count]) => `${layer} ${count}`).join(', ');
  const classes = [...result.classes].sort((a, b) => b.votes - a.votes).map((c) => `${c.classKey}=${c.votes}`).join(', ');
  const tests = prepared.target.testFiles.length === 0 ? 'no test file of the function was found' : prepared.target.testFiles.join(', ');
  return [
    `zerr implement ${prepared.target.symbol.name} in ${prepared.target.path}`,
    '',
    `Chosen by first-to-ahead-by-k: class ${result.classKey ?? '?'} led ${result.votes}-${result.runnerUpVotes} at k=${result.k} after ${result.samples} samples`,
    `(red-flagged ${result.redFlagged}, failed verification ${result.failedVerification}${failed === '' ? '' : `: ${failed}`}, verified ${result.verified}).`,
    `Votes per class: ${classes || 'none'}.`,
    `Spec: ${prepared.spec.testCases.length} test case${prepared.spec.testCases.length === 1 ? '' : 's'} (${prepared.docExamples} from the doc comment); repository tests: ${tests}.`,
    `Checks: the engine's layers, then the project's type check and the repository's tests with the code in place.`,
    `Run ${options.runId}, model ${options.model}.`,
    '',
  ].join('\n');
}
