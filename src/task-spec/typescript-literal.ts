/**
 * @module task-spec/typescript-literal
 * Evaluates TypeScript/JavaScript literal expressions to JSON values by walking the TypeScript parser's AST; nothing
 * is executed. Used to read MultiPL-E `// >>> f(args)` / `// expected` examples.
 *
 * Accepted: numbers (with unary `+`/`-`; hex/octal/binary/separators; big literals keep JavaScript's rounding, as
 * the test program itself would), strings, template literals without substitutions, `true`/`false`/`null`,
 * `undefined` (-> null), arrays (tuples), object literals with identifier/string/number keys, parentheses and
 * type assertions (`x as T`, `x satisfies T`, `<T>x`). Anything else (identifiers, spreads, holes, computed keys,
 * operators, `NaN`/`Infinity`, bigint) is reported as a failure.
 */
import type TS from 'typescript';
import { ts } from './typescript-api.js';
import type { CallResult, JsonValue, LiteralFailure, LiteralResult } from './literal-result.js';

class LiteralError extends Error {
  constructor(
    message: string,
    readonly node: TS.Node,
  ) {
    super(message);
  }
}

/** Length of the wrapper text put in front of the source; offsets are reported relative to the source. */
const PREFIX = '(';

function unwrap(node: TS.Expression): TS.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isTypeAssertionExpression(current) ||
    ts.isNonNullExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function propertyKey(name: TS.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  throw new LiteralError('computed or private keys are not supported', name);
}

function evaluate(node: TS.Expression, depth: number): JsonValue {
  if (depth > 200) throw new LiteralError('nested too deeply', node);
  const expression = unwrap(node);
  if (ts.isNumericLiteral(expression)) return Number(expression.text);
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
  if (expression.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (expression.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (expression.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isIdentifier(expression) && expression.text === 'undefined') return null;
  if (ts.isPrefixUnaryExpression(expression)) {
    const { operator } = expression;
    if (operator === ts.SyntaxKind.MinusToken || operator === ts.SyntaxKind.PlusToken) {
      const operand = evaluate(expression.operand, depth + 1);
      if (typeof operand !== 'number') throw new LiteralError('unary +/- applies to numbers only', expression);
      return operator === ts.SyntaxKind.MinusToken ? (operand === 0 ? 0 : -operand) : operand;
    }
  }
  if (ts.isArrayLiteralExpression(expression)) {
    return expression.elements.map((element) => {
      if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) {
        throw new LiteralError('spreads and holes are not supported', element);
      }
      return evaluate(element, depth + 1);
    });
  }
  if (ts.isObjectLiteralExpression(expression)) {
    const object: Record<string, JsonValue> = {};
    for (const property of expression.properties) {
      if (!ts.isPropertyAssignment(property)) throw new LiteralError('only `key: value` properties are supported', property);
      const value = evaluate(property.initializer, depth + 1);
      Object.defineProperty(object, propertyKey(property.name), { value, enumerable: true, writable: true, configurable: true });
    }
    return object;
  }
  throw new LiteralError(`${ts.SyntaxKind[expression.kind]} is not a literal`, expression);
}

function calleeName(node: TS.Expression): string {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) return `${calleeName(node.expression)}.${node.name.text}`;
  throw new LiteralError('the callee must be a (dotted) name', node);
}

/** Parses `source` as one parenthesised expression; reports syntax errors and trailing text as failures. */
function parseExpression(source: string): { expression: TS.Expression; sourceFile: TS.SourceFile } | LiteralFailure {
  const text = `${PREFIX}${source}\n)`;
  const sourceFile = ts.createSourceFile('literal.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (first !== undefined) {
    return {
      ok: false,
      error: ts.flattenDiagnosticMessageText(first.messageText, ' '),
      offset: Math.max(0, (first.start ?? 0) - PREFIX.length),
    };
  }
  const [statement, extra] = sourceFile.statements;
  if (statement === undefined || extra !== undefined || !ts.isExpressionStatement(statement)) {
    return { ok: false, error: 'expected a single expression', offset: 0 };
  }
  const wrapped = statement.expression;
  if (!ts.isParenthesizedExpression(wrapped) || wrapped.end !== text.length) {
    return { ok: false, error: 'expected a single expression', offset: 0 };
  }
  return { expression: wrapped.expression, sourceFile };
}

function failure(error: unknown, sourceFile: TS.SourceFile): LiteralFailure {
  if (error instanceof LiteralError) {
    return { ok: false, error: error.message, offset: Math.max(0, error.node.getStart(sourceFile) - PREFIX.length) };
  }
  if (error instanceof RangeError) return { ok: false, error: 'nested too deeply', offset: 0 };
  throw error;
}

/** Evaluates a TypeScript literal expression (`[[1, -2], {a: "x"}, \`t\`, undefined]`). Never throws. */
export function parseTypeScriptLiteral(source: string): LiteralResult {
  const parsed = parseExpression(source);
  if ('ok' in parsed) return parsed;
  try {
    return { ok: true, value: evaluate(parsed.expression, 0) };
  } catch (error) {
    return failure(error, parsed.sourceFile);
  }
}

/** Reads a call `f(arg, ...)` (or `a.b.f(...)`) whose arguments are TypeScript literals. Never throws. */
export function parseTypeScriptCall(source: string): CallResult {
  const parsed = parseExpression(source);
  if ('ok' in parsed) return parsed;
  try {
    const call = unwrap(parsed.expression);
    if (!ts.isCallExpression(call)) throw new LiteralError('expected a call expression', call);
    if (call.typeArguments !== undefined) throw new LiteralError('type arguments are not supported', call);
    if (call.questionDotToken !== undefined) throw new LiteralError('optional calls are not supported', call);
    const args = call.arguments.map((arg) => {
      if (ts.isSpreadElement(arg)) throw new LiteralError('spread arguments are not supported', arg);
      return evaluate(arg, 1);
    });
    return { ok: true, value: { callee: calleeName(call.expression), args } };
  } catch (error) {
    return failure(error, parsed.sourceFile);
  }
}
