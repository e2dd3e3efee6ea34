/**
 * @module preflight/python-expression-types
 * Optional type check of a Python spec's expressions with pyright (`verify/static/run-pyright.ts`, basic mode):
 * each expression becomes the body of a function whose parameters are the inputs with their declared annotations
 * (and `result` with the output's), so `result.lenght` on a `List[int]` output or `len(n)` on an `int` input is a
 * spec error before any sample. Off by default: pyright takes 1-2 s per run (`zerr spec check --pyright`).
 */
import { runPyright } from '../verify/static/run-pyright.js';
import type { SpecIssue } from '../task-spec/spec-validation-error.js';
import type { TaskSpec } from '../task-spec/task-spec.js';
import { specExpressions } from '../task-spec/checks/expressions.js';
import { JUDGE_MODULES } from '../task-spec/checks/python-expressions.js';
import { specIssue } from '../task-spec/checks/issue.js';

/** The expression lines of the generated file, by expression. */
interface Span { readonly path: string; readonly source: string; readonly first: number; readonly last: number }

/**
 * Issues pyright finds in the Python expressions of `spec` (`[]` for a TypeScript spec or one without expressions),
 * or `not-installed` when pyright cannot be found, or `tool-error` (with pyright's message) when it ran but failed
 * (timeout, out of memory). Throws only the `signal`'s reason.
 */
export async function checkPythonExpressionTypes(
  spec: TaskSpec,
  source: string,
  signal?: AbortSignal,
): Promise<readonly SpecIssue[] | { readonly status: 'not-installed' | 'tool-error'; readonly message?: string }> {
  const expressions = specExpressions(spec);
  if (spec.language !== 'python' || expressions.length === 0) return [];
  const lines = ['from typing import *', `import ${JUDGE_MODULES.join(', ')}`, ''];
  const spans: Span[] = [];
  const parameters = spec.signature.inputs.map((p) => `${p.name}: ${p.type}`);
  for (const [index, expression] of expressions.entries()) {
    const result = expression.result === 'none' ? [] : [`result: ${expression.result === 'output' ? spec.signature.output.type : `Optional[${spec.signature.output.type}]`}`];
    lines.push(`def __zerr_expression_${index}(${[...parameters, ...result].join(', ')}) -> None:`, '    __zerr_value = (');
    const body = expression.source.trim().split('\n');
    spans.push({ path: expression.path, source: expression.source, first: lines.length + 1, last: lines.length + body.length });
    lines.push(...body.map((line) => `        ${line}`), '    )', '');
  }
  const checked = await runPyright({ code: `${lines.join('\n')}\n`, ...(signal ? { signal } : {}) });
  if (checked.status === 'not-installed') return { status: 'not-installed' };
  if (checked.status === 'tool-error') return { status: 'tool-error', message: checked.message };
  const issues: SpecIssue[] = [];
  for (const span of spans) {
    const first = checked.diagnostics.find((d) => d.line >= span.first && d.line <= span.last);
    if (first === undefined) continue;
    issues.push(specIssue(source, span.path, span.source, `a Python expression that type-checks against the signature (pyright: ${first.message.split('\n')[0] ?? first.message})`));
  }
  return issues;
}
