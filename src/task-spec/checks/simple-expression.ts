/**
 * @module task-spec/checks/simple-expression
 * A fast path for the TypeScript expressions most specs write (`low <= high`, `result >= 0 && result <= n`,
 * `s.length > 0` is not one of them): comparisons, arithmetic and logic over parameters declared `number`, `string`
 * or `boolean` and literals. Such an expression is certainly a valid boolean TypeScript expression, and is already
 * JavaScript, so neither the spec check nor the judge needs the TypeScript compiler for it. Anything else (a
 * property access, a call, a type the fast path does not model, a type error) gives `undefined`: ask the compiler,
 * which also writes the error message.
 */

/** The primitive types the fast path models. */
export type SimpleType = 'number' | 'string' | 'boolean';

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

/** A type, and whether it is a literal's own type (`1 === 2` is an error in TypeScript: the types do not overlap). */
interface Typed {
  readonly type: ParsedType;
  readonly literal: boolean;
}

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
  const type = parse(expression, (name) => names.get(name));
  return type === UNTYPED ? undefined : type;
}

/** The type of every name when only the syntax is checked. */
const UNTYPED = 'untyped';
type ParsedType = SimpleType | typeof UNTYPED;

function parse(expression: string, typeOf: (name: string) => ParsedType | undefined): ParsedType | undefined {
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
      left = { type: binaryType(operator, left, parseLevel(level + 1)), literal: false };
    }
  };
  const parseUnary = (): Typed => {
    const token = list[position];
    if (token === '!') {
      position += 1;
      const operand = parseUnary();
      if (operand.literal) throw new NotSimple(); // `!1.5` is "always falsy": an error in TypeScript 5.6+
      return { type: operand.type === UNTYPED ? UNTYPED : 'boolean', literal: false };
    }
    if (token === '-' || token === '+') {
      position += 1;
      const operand = parseUnary();
      if (operand.type === UNTYPED) return { type: UNTYPED, literal: false };
      if (operand.type !== 'number') throw new NotSimple();
      return { type: 'number', literal: operand.literal }; // `-0` is still a literal type
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
    if (/^\d/.test(token)) return { type: 'number', literal: true };
    if (/^['"]/.test(token)) return { type: 'string', literal: true };
    if (token === 'true' || token === 'false') return { type: 'boolean', literal: true };
    if (!/^[A-Za-z_$]/.test(token) || RESERVED.has(token)) throw new NotSimple();
    const type = typeOf(token);
    if (type === undefined) throw new NotSimple();
    return { type, literal: false };
  };
  try {
    const { type } = parseLevel(0);
    return position === list.length ? type : undefined;
  } catch (error) {
    if (error instanceof NotSimple || error instanceof RangeError) return undefined; // RangeError: nested too deeply
    throw error;
  }
}
