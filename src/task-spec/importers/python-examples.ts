/**
 * @module task-spec/importers/python-examples
 * Turns the examples in a HumanEval docstring into visible test cases:
 *
 * - doctest examples: `>>> f(args)` followed by the printed value (until a blank line or the next `>>>`), or
 *   `>>> f(args) == value` (with no output or `True`);
 * - inline examples on their own line: `f(args) == value`, `f(args) => value`, `==>`, `->`, `➞`, `# =>`, with an
 *   optional leading `*`, `-`, `for ` or `assert `.
 *
 * Only plain calls of the entry point with literal arguments and a literal expected value count; every other
 * example (nested calls, names as arguments, printed text, arithmetic in the expected value) is skipped and
 * counted. The `>>>` lines and their output are removed from the description (runs of blank lines left behind collapse to
 * one); inline examples stay in it.
 */
import { parsePythonCallPrefix, parsePythonLiteral } from '../python-literal.js';
import type { TestCase } from '../task-spec.js';

/** Visible test cases read from a docstring, the description without doctest lines, and the skipped count. */
export interface PythonExamples {
  readonly testCases: TestCase[];
  /** Docstring lines with the `>>>` examples and their output removed. */
  readonly descriptionLines: string[];
  /** Examples that were recognised as examples but are not a literal call of the entry point with a literal result. */
  readonly skipped: number;
}

const ARROW = /^(?:==>|=>|==|➞|->|#\s*=>)\s*/;
const INLINE_PREFIX = /^(?:[*-]\s*|for\s+|assert\s+)?/;

function testCase(
  entryPoint: string,
  callText: string,
  expectedText: string | undefined,
  line: string,
): TestCase | undefined {
  const call = parsePythonCallPrefix(callText);
  if (!call.ok || call.value.callee !== entryPoint) return undefined;
  const rest = callText.slice(call.end).trim();
  let expected: string | undefined;
  if (rest === '') expected = expectedText;
  else {
    const arrow = ARROW.exec(rest);
    if (arrow === null || (expectedText !== undefined && expectedText !== 'True')) return undefined;
    expected = rest.slice(arrow[0].length);
  }
  if (expected === undefined || expected.trim() === '') return undefined;
  const value = parsePythonLiteral(expected);
  if (!value.ok) return undefined;
  return { inputs: call.value.args, expected: value.value, expectThrows: false, description: line.trim() };
}

/** Extracts the examples of `entryPoint` from cleaned docstring lines (see the module comment for the forms). */
export function extractPythonExamples(lines: readonly string[], entryPoint: string): PythonExamples {
  const testCases: TestCase[] = [];
  const descriptionLines: string[] = [];
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed.startsWith('>>>')) {
      const output: string[] = [];
      while (i + 1 < lines.length && lines[i + 1]?.trim() !== '' && !lines[i + 1]?.trim().startsWith('>>>')) {
        output.push(lines[i + 1]?.trim() ?? '');
        i++;
      }
      const found = testCase(entryPoint, trimmed.slice(3).trim(), output.length === 0 ? undefined : output.join('\n'), line);
      if (found === undefined) skipped++;
      else testCases.push(found);
      continue;
    }
    const previous = descriptionLines[descriptionLines.length - 1];
    if (trimmed !== '' || (previous !== undefined && previous.trim() !== '')) descriptionLines.push(line);
    const inline = trimmed.replace(INLINE_PREFIX, '');
    if (!inline.startsWith(`${entryPoint}(`)) continue;
    const call = parsePythonCallPrefix(inline);
    const claimsResult = call.ok ? ARROW.test(inline.slice(call.end).trim()) : /==>|=>|==|➞|->/.test(inline);
    if (!claimsResult) continue;
    const found = testCase(entryPoint, inline, undefined, line);
    if (found === undefined) skipped++;
    else testCases.push(found);
  }
  while (descriptionLines.length > 0 && descriptionLines[descriptionLines.length - 1]?.trim() === '') {
    descriptionLines.pop();
  }
  return { testCases, descriptionLines, skipped };
}
