/**
 * @module task-spec/simple-typescript-type
 * A small parser for the TypeScript types specs usually declare (`number`, `string[]`, `[number, string][]`,
 * `Record<string, number>`, `{ [key: string]: number }`, `number | undefined`), so that validating a spec, generating
 * inputs and judging do not load the 9 MB TypeScript compiler for them (about 0.4 s on a 2-core machine). It answers
 * only when it is sure: anything it does not know (a user type, a named or optional tuple member, an intersection,
 * a conditional type, a syntax error) gives `undefined`, and the caller asks the compiler. For what it accepts it
 * returns exactly the {@link TypeRef} that `parseTypeRef` builds from the compiler's syntax tree.
 */
import { ANY, UNDEFINED, unionOf, type TypeRef, type TypeRefField } from './type-ref-model.js';

const NULL: TypeRef = { kind: 'null' };

/** Keyword and lib types without type arguments. */
const PLAIN: Readonly<Record<string, TypeRef>> = {
  number: { kind: 'number' },
  string: { kind: 'string' },
  boolean: { kind: 'boolean' },
  undefined: UNDEFINED,
  void: UNDEFINED,
  null: NULL,
  any: ANY,
  unknown: ANY,
  object: ANY,
  never: ANY,
  symbol: ANY,
  bigint: { kind: 'bigint' },
  Date: { kind: 'date' },
  RegExp: ANY,
};

/** Generic lib types and their number of type arguments. */
const GENERIC_ARITY: Readonly<Record<string, number>> = {
  Array: 1, ReadonlyArray: 1, Set: 1, ReadonlySet: 1, Partial: 1, Readonly: 1, Required: 1,
  Record: 2, Map: 2, ReadonlyMap: 2,
};

/** Thrown inside the parser for "not sure": the caller falls back to the compiler. */
class NotSimple extends Error {}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s+|([A-Za-z_$][\w$]*|(?:0|[1-9]\d*)(?:\.\d+)?|'[^'\\\n]*'|"[^"\\\n]*"|[[\]{}()<>,;:?|-])/y;
  let position = 0;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) throw new NotSimple();
    if (match[1] !== undefined) tokens.push(match[1]);
    position = pattern.lastIndex;
  }
  return tokens;
}

/**
 * The {@link TypeRef} of `text` when it is one of the common TypeScript type forms this parser knows for certain
 * to be valid, else `undefined` (ask the compiler). Never throws.
 */
export function parseSimpleTypeScriptType(text: string): TypeRef | undefined {
  let tokens: string[];
  try {
    tokens = tokenize(text);
  } catch {
    return undefined;
  }
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (): string => {
    const token = tokens[position];
    if (token === undefined) throw new NotSimple();
    position += 1;
    return token;
  };
  const expect = (token: string): void => {
    if (take() !== token) throw new NotSimple();
  };

  const parseUnion = (): TypeRef => {
    const members = [parsePostfix()];
    while (peek() === '|') {
      position += 1;
      members.push(parsePostfix());
    }
    return members.length === 1 && members[0] ? members[0] : unionOf(members);
  };
  const parsePostfix = (): TypeRef => {
    let type = parsePrimary();
    while (peek() === '[' && tokens[position + 1] === ']') {
      position += 2;
      type = { kind: 'array', element: type };
    }
    return type;
  };
  const parsePrimary = (): TypeRef => {
    const token = take();
    if (token === 'readonly') {
      const start = position;
      const operand = parsePostfix();
      // `readonly` is valid only on an array type or a tuple literal.
      const isTuple = tokens[start] === '[' && tokens[position - 1] === ']' && operand.kind === 'tuple';
      if (operand.kind !== 'array' && !isTuple) throw new NotSimple();
      return operand;
    }
    if (token === '(') {
      const inner = parseUnion();
      expect(')');
      return inner;
    }
    if (token === '[') return parseTuple();
    if (token === '{') return parseTypeLiteral();
    if (token === '-') {
      if (!/^\d/.test(peek() ?? '')) throw new NotSimple();
      position += 1;
      return { kind: 'number' };
    }
    if (/^\d/.test(token)) return { kind: 'number' };
    if (/^['"]/.test(token)) return { kind: 'string' };
    if (token === 'true' || token === 'false') return { kind: 'boolean' };
    if (!/^[A-Za-z_$]/.test(token)) throw new NotSimple();
    if (Object.hasOwn(PLAIN, token)) {
      if (peek() === '<') throw new NotSimple();
      return PLAIN[token] as TypeRef;
    }
    const arity = Object.hasOwn(GENERIC_ARITY, token) ? GENERIC_ARITY[token] : undefined;
    if (arity === undefined || peek() !== '<') throw new NotSimple();
    position += 1;
    const args = [parseUnion()];
    while (peek() === ',') {
      position += 1;
      args.push(parseUnion());
    }
    expect('>');
    if (args.length !== arity) throw new NotSimple();
    const [first, second] = args;
    if ((token === 'Array' || token === 'ReadonlyArray') && first) return { kind: 'array', element: first };
    if (token === 'Record') {
      // Record's key must satisfy `string | number | symbol`: leave anything else to the compiler.
      if (!first || (first.kind !== 'string' && first.kind !== 'number')) throw new NotSimple();
      return { kind: 'record', key: first, value: second ?? ANY };
    }
    if ((token === 'Map' || token === 'ReadonlyMap') && first && second) return { kind: 'record', key: first, value: second, container: 'map' };
    if ((token === 'Set' || token === 'ReadonlySet') && first) return { kind: 'array', element: first, container: 'set' };
    return ANY;
  };
  const parseTuple = (): TypeRef => {
    const elements: TypeRef[] = [];
    if (peek() === ']') {
      position += 1;
      return { kind: 'tuple', elements };
    }
    for (;;) {
      elements.push(parseUnion());
      const next = take();
      if (next === ']') return { kind: 'tuple', elements };
      if (next !== ',' || peek() === ']') throw new NotSimple();
    }
  };
  const parseTypeLiteral = (): TypeRef => {
    if (peek() === '[') {
      // `{ [key: string]: V }`, the only member.
      position += 1;
      if (!/^[A-Za-z_$]/.test(take())) throw new NotSimple();
      expect(':');
      const keyName = take();
      const key = keyName === 'string' ? { kind: 'string' as const } : keyName === 'number' ? { kind: 'number' as const } : undefined;
      if (key === undefined) throw new NotSimple();
      expect(']');
      expect(':');
      const value = parseUnion();
      if (peek() === ';' || peek() === ',') position += 1;
      expect('}');
      return { kind: 'record', key, value };
    }
    const fields: TypeRefField[] = [];
    const seen = new Set<string>();
    while (peek() !== '}') {
      const name = take();
      if (!/^[A-Za-z_$]/.test(name) || seen.has(name)) throw new NotSimple();
      seen.add(name);
      const optional = peek() === '?';
      if (optional) position += 1;
      expect(':');
      fields.push({ name, type: parseUnion(), optional });
      if (peek() === ';' || peek() === ',') position += 1;
      else if (peek() !== '}') throw new NotSimple();
    }
    position += 1;
    return { kind: 'object', fields };
  };

  try {
    const type = parseUnion();
    return position === tokens.length && tokens.length > 0 ? type : undefined;
  } catch (error) {
    if (error instanceof NotSimple || error instanceof RangeError) return undefined; // RangeError: nested too deeply
    throw error;
  }
}
