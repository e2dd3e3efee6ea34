/**
 * @module task-spec/checks/simple-expression
 * A fast path for the TypeScript expressions most specs write (`low <= high`, `result >= 0 && result <= n`,
 * `s.length > 0` is not one of them): comparisons, arithmetic and logic over parameters declared `number`, `string`
 * or `boolean` and literals. Such an expression is certainly a valid boolean TypeScript expression, and is already
 * JavaScript, so neither the spec check nor the judge needs the TypeScript compiler for it. Anything else (a
 * property access, a call, a type the fast path does not model, a type error) gives `undefined`: ask the compiler,
 * which also writes the error message.
 *
 * Such an expression can also be evaluated without running any of the spec's text as code:
 * {@link compileSimpleExpression} gives its syntax tree an evaluator of ours that applies JavaScript's own operators
 * to primitive values (no calls, no property reads, no loops: time linear in the text). The preflight uses it for
 * preconditions and invariants (`preflight/check-preconditions.ts`, decision 011); verdicts on candidates stay with
 * the judge.
 */

/** The primitive types the fast path models. */
export type SimpleType = 'number' | 'string' | 'boolean';

const SIMPLE_TYPES: ReadonlySet<string> = new Set<SimpleType>(['number', 'string', 'boolean']);

/** The fast-path type a declared TypeScript type names (`number`, ` string `), or undefined for any other type. */
export function simpleTypeOf(declared: string | null | undefined): SimpleType | undefined {
  const trimmed = declared?.trim();
  return trimmed !== undefined && SIMPLE_TYPES.has(trimmed) ? (trimmed as SimpleType) : undefined;
}

const TOKEN = /\s+|((?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_$][\w$]*|'[^'\\\n]*'|"[^"\\\n]*"|===|!==|==|!=|<=|>=|&&|\|\||\+\+|--|\*\*|[()<>!+\-*/%])/y;

/** Tokens of `expression` when every character belongs to the fast path's syntax, else undefined. */
function tokens(expression: string): string[] | undefined {
  const out: string[] = [];
  let position = 0;
  while (position < expression.length) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(expression);
    if (match === null) return undefined;
    if (match[1] !== undefined) out.push(match[1]);
    position = TOKEN.lastIndex;
  }
  return out;
}

/** Words that are not plain names in an expression (operators, statements, TypeScript-only syntax). */
const RESERVED = new Set([
  'as', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'finally', 'for', 'function', 'if', 'implements', 'import', 'in', 'instanceof',
  'interface', 'keyof', 'let', 'new', 'package', 'private', 'protected', 'public', 'return', 'satisfies', 'static',
  'super', 'switch', 'this', 'throw', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
]);

/**
 * Whether `expression` is a well-formed expression of the fast path's syntax (names, number and plain string
 * literals, parentheses, `! + - * / % < <= > >= == != === !== && ||`): TypeScript and JavaScript read such text the
 * same way, so it needs no transpiling. Says nothing about types or whether the names exist.
 */
export function isPlainJavaScriptExpression(expression: string): boolean {
  return parse(expression, () => UNTYPED) !== undefined;
}

class NotSimple extends Error {}

const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['===', '!==', '==', '!='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

function binaryType(operator: string, leftTyped: Typed, rightTyped: Typed): ParsedType {
  const left = leftTyped.type;
  const right = rightTyped.type;
  if (left === UNTYPED || right === UNTYPED) return UNTYPED;
  if (operator === '||' || operator === '&&') {
    // A literal operand is "always truthy/falsy": an error in TypeScript 5.6+.
    if (left === 'boolean' && right === 'boolean' && !leftTyped.literal && !rightTyped.literal) return 'boolean';
  } else if (BINARY_LEVELS[2]?.includes(operator)) {
    if (left === right && !(leftTyped.literal && rightTyped.literal)) return 'boolean';
  } else if (BINARY_LEVELS[3]?.includes(operator)) {
    if (left === right && left !== 'boolean') return 'boolean';
  } else if (operator === '+') {
    if (left === 'number' && right === 'number') return 'number';
    if ((left === 'string' || right === 'string') && left !== 'boolean' && right !== 'boolean') return 'string';
  } else if (left === 'number' && right === 'number') {
    return 'number';
  }
  throw new NotSimple();
}

/**
 * The type of `expression` when it is in the fast path's language and type-checks there, with `names` giving the
 * types of the names in scope; undefined otherwise (not an error: the compiler decides). Never throws.
 */
export function simpleExpressionType(expression: string, names: ReadonlyMap<string, SimpleType>): SimpleType | undefined {
  const type = parse(expression, (name) => names.get(name))?.type;
  return type === UNTYPED ? undefined : type;
}

/** The type of every name when only the syntax is checked. */
const UNTYPED = 'untyped';
type ParsedType = SimpleType | typeof UNTYPED;

/** A binary operator of the fast path. */
type BinaryOperator = '||' | '&&' | '===' | '!==' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** A node of a fast-path expression's syntax tree. */
type SimpleNode =
  | { readonly kind: 'literal'; readonly value: number | string | boolean }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'unary'; readonly operator: '!' | '-' | '+'; readonly operand: SimpleNode }
  | { readonly kind: 'binary'; readonly operator: BinaryOperator; readonly left: SimpleNode; readonly right: SimpleNode };

/** A node with its type, and whether it is a literal's own type (`1 === 2` is an error in TypeScript: the types do not overlap). */
interface Typed {
  readonly type: ParsedType;
  readonly literal: boolean;
  readonly node: SimpleNode;
}

function literalValue(token: string): number | string | boolean {
  if (token === 'true' || token === 'false') return token === 'true';
  // A number token is JavaScript's own literal syntax; a string token has no escapes (see TOKEN).
  return /^['"]/.test(token) ? token.slice(1, -1) : Number(token);
}

function parse(expression: string, typeOf: (name: string) => ParsedType | undefined): Typed | undefined {
  const list = tokens(expression);
  if (list === undefined || list.length === 0) return undefined;
  let position = 0;
  const parseLevel = (level: number): Typed => {
    if (level === BINARY_LEVELS.length) return parseUnary();
    let left = parseLevel(level + 1);
    for (;;) {
      const operator = list[position];
      if (operator === undefined || !BINARY_LEVELS[level]?.includes(operator)) return left;
      position += 1;
      const right = parseLevel(level + 1);
      left = {
        type: binaryType(operator, left, right), literal: false,
        node: { kind: 'binary', operator: operator as BinaryOperator, left: left.node, right: right.node },
      };
    }
  };
  const parseUnary = (): Typed => {
    const token = list[position];
    if (token === '!') {
      position += 1;
      const operand = parseUnary();
      if (operand.literal) throw new NotSimple(); // `!1.5` is "always falsy": an error in TypeScript 5.6+
      return { type: operand.type === UNTYPED ? UNTYPED : 'boolean', literal: false, node: { kind: 'unary', operator: '!', operand: operand.node } };
    }
    if (token === '-' || token === '+') {
      position += 1;
      const operand = parseUnary();
      const node: SimpleNode = { kind: 'unary', operator: token, operand: operand.node };
      if (operand.type === UNTYPED) return { type: UNTYPED, literal: false, node };
      if (operand.type !== 'number') throw new NotSimple();
      return { type: 'number', literal: operand.literal, node }; // `-0` is still a literal type
    }
    return parsePrimary();
  };
  const parsePrimary = (): Typed => {
    const token = list[position];
    position += 1;
    if (token === undefined) throw new NotSimple();
    if (token === '(') {
      const inner = parseLevel(0);
      if (list[position] !== ')') throw new NotSimple();
      position += 1;
      return inner;
    }
    if (/^\d/.test(token)) return { type: 'number', literal: true, node: { kind: 'literal', value: literalValue(token) } };
    if (/^['"]/.test(token)) return { type: 'string', literal: true, node: { kind: 'literal', value: literalValue(token) } };
    if (token === 'true' || token === 'false') return { type: 'boolean', literal: true, node: { kind: 'literal', value: literalValue(token) } };
    if (!/^[A-Za-z_$]/.test(token) || RESERVED.has(token)) throw new NotSimple();
    const type = typeOf(token);
    if (type === undefined) throw new NotSimple();
    return { type, literal: false, node: { kind: 'name', name: token } };
  };
  try {
    const typed = parseLevel(0);
    return position === list.length ? typed : undefined;
  } catch (error) {
    if (error instanceof NotSimple || error instanceof RangeError) return undefined; // RangeError: nested too deeply
    throw error;
  }
}

/** Raised by a {@link SimpleExpression}'s `evaluate` when a name is unbound or holds a value that is not of its declared type. */
export class SimpleEvaluationError extends Error {
  override readonly name = 'SimpleEvaluationError';
}

/** A fast-path expression ready to evaluate (see {@link compileSimpleExpression}). */
export interface SimpleExpression {
  /** The expression's type. */
  readonly type: SimpleType;
  /**
   * The expression's value over `scope` (a value per name), with JavaScript's semantics: `evaluate` of `low <= high`
   * is what `low <= high` gives in JavaScript for the same values (including NaN, -0 and Infinity). Never runs the
   * text as code; time linear in its length.
   * @throws SimpleEvaluationError when a name the expression reads is missing from `scope` or its value is not of
   *   the name's declared type (`typeof` is not `number`, `string` or `boolean` as declared).
   * @throws RangeError when the expression is nested beyond the stack (only for text nested thousands deep).
   */
  evaluate(scope: ReadonlyMap<string, unknown>): number | string | boolean;
}

function evaluateBinary(operator: BinaryOperator, left: number | string | boolean, right: () => number | string | boolean): number | string | boolean {
  // Operand types were checked by binaryType (and each name's value by its declared type): the casts only satisfy
  // TypeScript's operator rules; at run time each operator is JavaScript's on the actual primitive values.
  if (operator === '||') return left || right();
  if (operator === '&&') return left && right();
  const r = right();
  const a = left as number;
  const b = r as number;
  switch (operator) {
    case '===': return a === b;
    case '!==': return a !== b;
    case '==': return a == b;
    case '!=': return a != b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
  }
}

function evaluateNode(node: SimpleNode, scope: ReadonlyMap<string, unknown>, types: ReadonlyMap<string, SimpleType>): number | string | boolean {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'name': {
      const value = scope.get(node.name);
      const declared = types.get(node.name);
      if (!scope.has(node.name)) throw new SimpleEvaluationError(`${node.name} is not bound`);
      if (typeof value !== declared) throw new SimpleEvaluationError(`${node.name} is declared ${String(declared)} but holds a ${typeof value}`);
      return value as number | string | boolean;
    }
    case 'unary': {
      const operand = evaluateNode(node.operand, scope, types);
      return node.operator === '!' ? !operand : node.operator === '-' ? -(operand as number) : +(operand as number);
    }
    case 'binary':
      return evaluateBinary(node.operator, evaluateNode(node.left, scope, types), () => evaluateNode(node.right, scope, types));
  }
}

/**
 * `expression` as a {@link SimpleExpression} when it is in the fast path's language and type-checks there with
 * `names` giving the types of the names in scope (the same condition as {@link simpleExpressionType}); undefined
 * otherwise. Never throws.
 */
export function compileSimpleExpression(expression: string, names: ReadonlyMap<string, SimpleType>): SimpleExpression | undefined {
  const typed = parse(expression, (name) => names.get(name));
  if (typed === undefined || typed.type === UNTYPED) return undefined;
  const { node, type } = typed;
  return { type, evaluate: (scope) => evaluateNode(node, scope, names) };
}
