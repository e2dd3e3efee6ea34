/**
 * @module task-spec/message-pattern
 * The message pattern of an expected exception (`testCases[].throws.message`): a regular expression in RE2 syntax,
 * matched in linear time by re2js (a port of Go's RE2) - the candidate writes the message it is matched against, so
 * a backtracking engine could be made to take exponential time on a pattern such as `^(a|aa)+$`. RE2 has no
 * lookaround and no backreferences. re2js is loaded on first use (about 20 ms), synchronously, as spec checks are.
 */
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

let re2: typeof RE2JSClass | undefined;

function engine(): typeof RE2JSClass {
  re2 ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS;
  return re2;
}

/** Why `pattern` is not an RE2 regular expression (`missing closing ): ...`), or undefined when it compiles. */
export function messagePatternProblem(pattern: string): string | undefined {
  try {
    engine().compile(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Whether `pattern` (RE2 syntax) matches somewhere in `text`, in time linear in both; false when it does not compile. */
export function messageMatches(pattern: string, text: string): boolean {
  try {
    return engine().compile(pattern).matcher(text).find();
  } catch {
    return false;
  }
}
