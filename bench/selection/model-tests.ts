/**
 * @module bench/selection/model-tests
 * CodeT's model-written tests (Chen et al. 2022, arXiv 2207.10397, §3): each recorded test sample is the model's
 * continuation after `assert `. We cut it into assert statements (at most 5 per sample, as CodeT's
 * `test_case_limit`), deduplicate them per problem, and - where the statement is `f(literals) == literal`
 * (or `f(...)`, `not f(...)`, `f(...) is True/False/None`) - also read it as a test case for the engine.
 */
import { parsePythonCallPrefix, parsePythonLiteral } from '../../src/task-spec/python-literal.js';
import type { TestCase } from '../../src/task-spec/task-spec.js';

/** Assert statements of at most `limit` per sample, deduplicated, in first-seen order, with their counts. */
export function extractAsserts(samples: readonly string[], limit = 5): { statement: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const parts = `assert ${sample}`.split(/\n[ \t]*(?=assert\b)/);
    let taken = 0;
    for (const part of parts) {
      if (taken >= limit) break;
      if (!part.startsWith('assert')) continue;
      // The expression runs until a blank line or a line starting at column 0 (the model moved on).
      const lines = part.slice('assert'.length).split('\n');
      const kept: string[] = [lines[0] ?? ''];
      for (const line of lines.slice(1)) {
        if (line.trim() === '' || !/^\s/.test(line)) break;
        kept.push(line);
      }
      const expression = kept.map((line) => line.trim()).join(' ').trim();
      if (expression === '') continue;
      const statement = `assert ${expression}`;
      counts.set(statement, (counts.get(statement) ?? 0) + 1);
      taken += 1;
    }
  }
  return [...counts].map(([statement, count]) => ({ statement, count }));
}

function literalPrefix(text: string): { ok: true; value: unknown } | { ok: false } {
  const whole = parsePythonLiteral(text);
  if (whole.ok) return whole;
  // Drop an assert message: `== 3, 'msg'` - try each top-level comma from the right.
  for (let i = text.lastIndexOf(','); i > 0; i = text.lastIndexOf(',', i - 1)) {
    const head = parsePythonLiteral(text.slice(0, i));
    if (head.ok) return head;
  }
  return { ok: false };
}

/** Reads `assert <statement>` as a test case of `entryPoint`, or undefined when it is not a literal call check. */
export function parseAssert(statement: string, entryPoint: string): TestCase | undefined {
  let expression = statement.replace(/^assert\s+/, '').trim();
  let negated = false;
  if (expression.startsWith('not ')) { negated = true; expression = expression.slice(4).trim(); }
  const call = parsePythonCallPrefix(expression);
  if (!call.ok || call.value.callee !== entryPoint) return undefined;
  const rest = expression.slice(call.end).trim();
  const make = (expected: unknown): TestCase => ({ inputs: [...call.value.args], expected, expectThrows: false, description: statement });
  if (rest === '' || rest.startsWith(',')) return make(!negated);
  if (negated) return undefined;
  const is = /^is\s+(True|False|None)\b/.exec(rest);
  if (is !== null) return make(is[1] === 'True' ? true : is[1] === 'False' ? false : null);
  if (!rest.startsWith('==')) return undefined;
  const value = literalPrefix(rest.slice(2).trim());
  return value.ok ? make(value.value) : undefined;
}

/** Parsed test cases of one problem, most frequently written first, deduplicated by (inputs, expected), capped. */
export function modelTestCases(asserts: readonly { statement: string; count: number }[], entryPoint: string, cap = 64): TestCase[] {
  const byKey = new Map<string, { test: TestCase; count: number }>();
  for (const { statement, count } of asserts) {
    const test = parseAssert(statement, entryPoint);
    if (test === undefined) continue;
    const key = JSON.stringify([test.inputs, test.expected]);
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { test, count });
    else seen.count += count;
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count).slice(0, cap).map((entry) => entry.test);
}
