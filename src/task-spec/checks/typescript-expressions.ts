/**
 * @module task-spec/checks/typescript-expressions
 * TypeScript spec expressions parsed and type-checked against the signature: each expression becomes the body of a
 * function whose parameters are the inputs with their declared types (and `result` with the output type where the
 * expression sees it), and must be a single expression of type `boolean`. `result.lenght > 0` on a `string[]`
 * output is then `postconditions.0: ... (Property 'lenght' does not exist on type 'string[]'. Did you mean
 * 'length'?)` before any sample is drawn, not five correct candidates failing "at contracts". Expressions on the
 * fast path (`simple-expression.ts`) need no compiler.
 */
import { ts } from '../typescript-api.js';
import type { SpecIssue } from '../spec-validation-error.js';
import type { TaskSpec } from '../task-spec.js';
import { RESULT_NAME } from './identifiers.js';
import { scopeWords, specExpressions, type SpecExpression } from './expressions.js';
import { specIssue } from './issue.js';
import { simpleExpressionType, simpleTypeOf, type SimpleType } from './simple-expression.js';
import { parseTypeScript, typeScriptDiagnostics } from './typescript-program.js';

/** The declared types that are valid (`null` for one reported as invalid: it is typed `any` here). */
export interface ValidTypes {
  readonly inputs: readonly (string | null)[];
  readonly output: string | null;
}

/** Names in scope of `expression` with fast-path types (only the parameters and `result` of a primitive type). */
function simpleScope(spec: TaskSpec, types: ValidTypes, expression: SpecExpression): Map<string, SimpleType> {
  const names = new Map<string, SimpleType>();
  spec.signature.inputs.forEach((parameter, index) => {
    const type = simpleTypeOf(types.inputs[index]);
    if (type !== undefined) names.set(parameter.name, type);
  });
  const output = simpleTypeOf(types.output);
  if (expression.result === 'output' && output !== undefined) names.set(RESULT_NAME, output);
  return names;
}

function scopeNames(spec: TaskSpec, expression: SpecExpression): string[] {
  const names = spec.signature.inputs.map((p) => p.name);
  return expression.result === 'none' ? names : [...names, RESULT_NAME];
}

/** Whether `source` is one expression: `(\n<source>\n);` parses as a single parenthesised expression statement. */
function isSingleExpression(source: string): boolean {
  const text = `(\n${source}\n);`;
  const tree = parseTypeScript(text);
  const [statement] = tree.statements;
  return tree.statements.length === 1 && statement !== undefined && ts.isExpressionStatement(statement) &&
    ts.isParenthesizedExpression(statement.expression) && statement.expression.end === text.length - 1;
}

/** A hint for the common mistakes behind "Cannot find name". */
function hintFor(spec: TaskSpec, expression: SpecExpression, message: string): string {
  const missing = /^Cannot find name '([^']+)'/.exec(message)?.[1];
  if (missing === RESULT_NAME && expression.result === 'none') return '; a precondition sees only the inputs, not result';
  if (missing === spec.signature.entryPoint) {
    return `; the function under test cannot be called from a spec expression (the judge evaluates expressions apart from the candidate)`;
  }
  return '';
}

/**
 * Issues of the TypeScript expressions of `spec` (preconditions, invariants, postconditions, property expressions).
 * The compiler is loaded only when an expression is not on the fast path.
 */
export function checkTypeScriptExpressions(spec: TaskSpec, source: string, types: ValidTypes): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const pending: SpecExpression[] = [];
  for (const expression of specExpressions(spec)) {
    if (simpleExpressionType(expression.source, simpleScope(spec, types, expression)) === 'boolean') continue;
    pending.push(expression);
  }
  if (pending.length === 0) return issues;
  const expected = (expression: SpecExpression): string =>
    `a boolean TypeScript expression over ${scopeWords(scopeNames(spec, expression))}`;
  const parameters = spec.signature.inputs.map((parameter, index) => `${parameter.name}: ${types.inputs[index] === null ? 'any' : `(${parameter.type})`}`);
  const output = types.output === null ? 'any' : `(${spec.signature.output.type})`;
  let code = 'export {};\n';
  const ranges: { readonly expression: SpecExpression; readonly start: number; readonly end: number }[] = [];
  for (const [index, expression] of pending.entries()) {
    let singleExpression: boolean;
    try {
      singleExpression = isSingleExpression(expression.source);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      issues.push(specIssue(source, expression.path, expression.source, `${expected(expression)} (it is nested too deeply to parse)`));
      continue;
    }
    if (!singleExpression) {
      issues.push(specIssue(source, expression.path, expression.source, `${expected(expression)} (found more than one expression, or unbalanced parentheses)`));
      continue;
    }
    const result = expression.result === 'none' ? [] : [`${RESULT_NAME}: ${expression.result === 'output' ? output : `${output} | undefined`}`];
    const start = code.length;
    code += `function __zerr_expression_${index}(${[...parameters, ...result].join(', ')}): void {\n  const __zerr_value: boolean = (\n${expression.source}\n  );\n  void __zerr_value;\n}\n`;
    ranges.push({ expression, start, end: code.length });
  }
  if (ranges.length === 0) return issues;
  let diagnostics;
  try {
    diagnostics = typeScriptDiagnostics(code);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    for (const { expression } of ranges) issues.push(specIssue(source, expression.path, expression.source, `${expected(expression)} (too deeply nested to check)`));
    return issues;
  }
  for (const { expression, start, end } of ranges) {
    const first = diagnostics.find((d) => d.start >= start && d.start < end);
    if (first === undefined) continue;
    const message = first.code === 2322 && /to type 'boolean'/.test(first.message)
      ? `${first.message.replace(/\.$/, '')}: the expression must be true or false`
      : first.message.replace(/\.$/, '');
    issues.push(specIssue(source, expression.path, expression.source, `${expected(expression)} (${message}${hintFor(spec, expression, first.message)})`));
  }
  return issues;
}
