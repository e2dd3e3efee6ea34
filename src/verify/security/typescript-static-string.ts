/**
 * @module verify/security/typescript-static-string
 * Constant folding of property keys and module names for the TypeScript deny list: what a key expression evaluates
 * to when it is built only from literals (`'constr' + 'uctor'`, `` `ev${'al'}` ``, `String.fromCharCode(101, 118)`,
 * `['l', 'ave'].reverse().join('')`, `atob('ZXZhbA==')`, a `const` bound once to such an expression). A key that
 * folds is judged by its value, so spelling a denied name in pieces hides nothing; a key that does not fold is
 * "computed" and judged by its receiver.
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';

/** A folded value: a string, a number or an array of strings. */
type Folded = string | number | readonly string[];

/** Folding depth cap (keys nest a handful of calls; anything deeper is treated as computed). */
const MAX_DEPTH = 24;

/** `(x)`, `x as T`, `<T>x`, `x!`, `x satisfies T` -> `x`. */
export function unwrapExpression(node: TS.Expression): TS.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isTypeAssertionExpression(current) ||
    ts.isNonNullExpression(current) || ts.isSatisfiesExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/**
 * `const` names of the file bound exactly once, to their initializers (no scope analysis: a name declared twice,
 * anywhere, is left out and so never folds).
 */
export function collectConstInitializers(file: TS.SourceFile): ReadonlyMap<string, TS.Expression> {
  const bound = new Map<string, TS.Expression>();
  const repeated = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      const name = node.name.text;
      const isConst = ts.isVariableDeclarationList(node.parent) && (node.parent.flags & ts.NodeFlags.Const) !== 0;
      if (bound.has(name) || repeated.has(name) || !isConst || node.initializer === undefined) {
        bound.delete(name);
        repeated.add(name);
      } else bound.set(name, node.initializer);
    } else if ((ts.isParameter(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined && ts.isIdentifier(node.name)) {
      bound.delete(node.name.text);
      repeated.add(node.name.text);
    }
    node.forEachChild(visit);
  };
  visit(file);
  return bound;
}

/** A folding context: the file's once-bound consts. */
export interface FoldContext {
  readonly consts: ReadonlyMap<string, TS.Expression>;
}

/** The string `expr` always evaluates to, or undefined when it is not built from literals only. */
export function staticString(expr: TS.Expression, context: FoldContext): string | undefined {
  const value = fold(expr, context, 0);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function fold(node: TS.Expression, context: FoldContext, depth: number): Folded | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const next = (expr: TS.Expression): Folded | undefined => fold(expr, context, depth + 1);
  const expr = unwrapExpression(node);
  if (ts.isStringLiteralLike(expr)) return expr.text;
  if (ts.isNumericLiteral(expr)) return Number(expr.text);
  if (ts.isIdentifier(expr)) {
    const init = context.consts.get(expr.text);
    return init === undefined ? undefined : next(init);
  }
  if (ts.isTemplateExpression(expr)) {
    let text = expr.head.text;
    for (const span of expr.templateSpans) {
      const part = next(span.expression);
      if (part === undefined) return undefined;
      text += (Array.isArray(part) ? part.join(',') : String(part)) + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = next(expr.left);
    const right = next(expr.right);
    if (left === undefined || right === undefined) return undefined;
    if (typeof left === 'number' && typeof right === 'number') return left + right;
    return (Array.isArray(left) ? left.join(',') : String(left)) + (Array.isArray(right) ? right.join(',') : String(right));
  }
  if (ts.isArrayLiteralExpression(expr)) {
    const items: string[] = [];
    for (const element of expr.elements) {
      const item = next(element);
      if (item === undefined || Array.isArray(item)) return undefined;
      items.push(String(item));
    }
    return items;
  }
  if (ts.isCallExpression(expr)) return foldCall(expr, next);
  return undefined;
}

/** Literal arguments of a call, or undefined when one does not fold. */
function foldArguments(call: TS.CallExpression, next: (expr: TS.Expression) => Folded | undefined): Folded[] | undefined {
  const values: Folded[] = [];
  for (const argument of call.arguments) {
    const value = next(argument);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

function foldCall(call: TS.CallExpression, next: (expr: TS.Expression) => Folded | undefined): Folded | undefined {
  const callee = unwrapExpression(call.expression);
  const args = foldArguments(call, next);
  if (args === undefined) return undefined;
  const strings = args.map((a) => (Array.isArray(a) ? a.join(',') : String(a)));
  if (ts.isIdentifier(callee)) {
    const only = strings[0] ?? '';
    switch (callee.text) {
      case 'String': return only;
      case 'atob': return Buffer.from(only, 'base64').toString('latin1');
      case 'decodeURIComponent':
      case 'decodeURI':
      case 'unescape':
        try { return decodeURIComponent(only); } catch { return undefined; }
      default: return undefined;
    }
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiverNode = unwrapExpression(callee.expression);
  if (ts.isIdentifier(receiverNode) && receiverNode.text === 'String' && (method === 'fromCharCode' || method === 'fromCodePoint')) {
    if (!args.every((a) => typeof a === 'number')) return undefined;
    try { return String.fromCodePoint(...(args as number[])); } catch { return undefined; }
  }
  const receiver = next(callee.expression);
  if (receiver === undefined) return undefined;
  const numbers = args.map((a) => (typeof a === 'number' ? a : undefined));
  if (Array.isArray(receiver)) {
    if (method === 'join') return receiver.join(strings[0] ?? ',');
    if (method === 'reverse') return [...receiver].reverse();
    if (method === 'concat') return [...receiver, ...args.flatMap((a) => (Array.isArray(a) ? a : [String(a)]))];
    if (method === 'toString') return receiver.join(',');
    return undefined;
  }
  const text = String(receiver);
  switch (method) {
    case 'toString': case 'valueOf': case 'trim': return method === 'trim' ? text.trim() : text;
    case 'toLowerCase': return text.toLowerCase();
    case 'toUpperCase': return text.toUpperCase();
    case 'concat': return text + strings.join('');
    case 'split': return strings[0] === undefined ? [text] : text.split(strings[0]);
    case 'repeat': return numbers[0] === undefined || numbers[0] < 0 || numbers[0] > 64 ? undefined : text.repeat(numbers[0]);
    case 'slice': return text.slice(numbers[0], numbers[1]);
    case 'substring': return text.substring(numbers[0] ?? 0, numbers[1]);
    case 'replace': return strings.length === 2 ? text.replace(strings[0] ?? '', strings[1] ?? '') : undefined;
    case 'replaceAll': return strings.length === 2 ? text.split(strings[0] ?? '').join(strings[1] ?? '') : undefined;
    case 'charAt': return text.charAt(numbers[0] ?? 0);
    default: return undefined;
  }
}
