/**
 * @module task-spec/type-ref
 * A language-neutral model of the parameter and return types written in a {@link TaskSpec} signature, and
 * `parseTypeRef`, which reads TypeScript type syntax (common forms with `simple-typescript-type.ts`, the rest with
 * the TypeScript parser) and Python annotation syntax (with a small recursive-descent parser) into it. Input generation and output checks work on this model only.
 */
import type TS from 'typescript';
import { ts } from './typescript-api.js';
import type { Language } from './task-spec.js';
import { parseSimpleTypeScriptType } from './simple-typescript-type.js';
import { ANY, UNDEFINED, unionOf, type TypeRef, type TypeRefField } from './type-ref-model.js';

export { ANY, unionOf, type TypeRef, type TypeRefField } from './type-ref-model.js';

const NULL: TypeRef = { kind: 'null' };

/**
 * Parses a type written in `language`'s own syntax.
 *
 * TypeScript: `number`, `string`, `boolean`, `T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>`, `[A, B]`,
 * `Record<K, V>`, `Map<K, V>`, `Set<T>`, `bigint`, `Date`, `{ a: number; b?: string }`, `{ [k: string]: V }`,
 * `A | B`, `null`, `undefined`, `void`, `any`, `unknown`, parenthesised types; literal types map to their base type
 * (`'a'` -> string).
 * Python: `int`, `float`, `str`, `bool`, `bytes`, `None`, `Any`, `object`, `List[T]`/`list[T]` (also `Sequence`,
 * `Iterable`...), `Set[T]`/`set`, `FrozenSet[T]`, `Tuple[A, B]`, `Tuple[T, ...]`, `Dict[K, V]`/`dict[K, V]` (also
 * `Mapping`), `Optional[T]`,
 * `Union[A, B]`, `A | B`, `typing.`-qualified names, quoted forward references, bare `list`/`dict`/`tuple`.
 *
 * Never throws: anything it does not understand (unknown names, syntax errors, `Callable`, generics of user
 * classes) becomes `any`, so callers fall back to generic JSON values rather than failing the task.
 */
export function parseTypeRef(language: Language, typeString: string): TypeRef {
  try {
    return language === 'typescript' ? parseTypeScriptType(typeString) : parsePythonAnnotation(typeString);
  } catch {
    return ANY;
  }
}

/** The declared types of `spec`'s inputs, in signature order (see {@link parseTypeRef}). */
export function signatureInputTypes(spec: { readonly language: Language; readonly signature: { readonly inputs: readonly { readonly type: string }[] } }): TypeRef[] {
  return spec.signature.inputs.map((input) => parseTypeRef(spec.language, input.type));
}

// ---------------------------------------------------------------- TypeScript

const PREFIX = 'type __T = ';

function parseTypeScriptType(typeString: string): TypeRef {
  // The common forms without the compiler (see simple-typescript-type.ts); the compiler for the rest.
  return parseSimpleTypeScriptType(typeString.trim()) ?? parseTypeScriptTypeWithCompiler(typeString);
}

/**
 * A TypeScript type read with the compiler's parser alone (what `parseSimpleTypeScriptType` must agree with on
 * every type it accepts). Anything it does not understand, and syntax errors, give `any`. Loads TypeScript.
 */
export function parseTypeScriptTypeWithCompiler(typeString: string): TypeRef {
  const text = typeString.trim();
  const source = ts.createSourceFile('type-ref.ts', `${PREFIX}${text};`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const [statement] = source.statements;
  if (source.statements.length !== 1 || !statement || !ts.isTypeAliasDeclaration(statement)) return ANY;
  if (statement.type.end !== PREFIX.length + text.length || hasSyntaxErrors(`${PREFIX}${text};`)) return ANY;
  return fromTypeNode(statement.type);
}

/** Syntax errors of `source` through the public API (`transpileModule` reports the parser's diagnostics). */
function hasSyntaxErrors(source: string): boolean {
  const output = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { noResolve: true } });
  return (output.diagnostics ?? []).length > 0;
}

function fromTypeNode(node: TS.TypeNode): TypeRef {
  switch (node.kind) {
    case ts.SyntaxKind.NumberKeyword:
      return { kind: 'number' };
    case ts.SyntaxKind.StringKeyword:
      return { kind: 'string' };
    case ts.SyntaxKind.BooleanKeyword:
      return { kind: 'boolean' };
    case ts.SyntaxKind.BigIntKeyword:
      return { kind: 'bigint' };
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.VoidKeyword:
      return UNDEFINED;
    case ts.SyntaxKind.NullKeyword:
      return NULL;
    default:
      break;
  }
  if (ts.isParenthesizedTypeNode(node)) return fromTypeNode(node.type);
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) return fromTypeNode(node.type);
  if (ts.isArrayTypeNode(node)) return { kind: 'array', element: fromTypeNode(node.elementType) };
  if (ts.isTupleTypeNode(node)) return fromTuple(node);
  if (ts.isUnionTypeNode(node)) return unionOf(node.types.map(fromTypeNode));
  if (ts.isLiteralTypeNode(node)) return fromLiteral(node.literal);
  if (ts.isTypeLiteralNode(node)) return fromTypeLiteral(node);
  if (ts.isTypeReferenceNode(node)) return fromTypeReference(node);
  return ANY;
}

function fromLiteral(literal: TS.LiteralTypeNode['literal']): TypeRef {
  if (literal.kind === ts.SyntaxKind.NullKeyword) return NULL;
  if (literal.kind === ts.SyntaxKind.TrueKeyword || literal.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'boolean' };
  if (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) return { kind: 'string' };
  if (ts.isNumericLiteral(literal) || ts.isPrefixUnaryExpression(literal)) return { kind: 'number' };
  return ANY;
}

function fromTuple(node: TS.TupleTypeNode): TypeRef {
  const elements: TypeRef[] = [];
  for (const element of node.elements) {
    const inner = ts.isNamedTupleMember(element) ? element : undefined;
    if (inner?.dotDotDotToken || ts.isRestTypeNode(element)) return ANY;
    const typeNode = inner ? inner.type : element;
    const optional = inner?.questionToken !== undefined || ts.isOptionalTypeNode(typeNode);
    const type = fromTypeNode(ts.isOptionalTypeNode(typeNode) ? typeNode.type : typeNode);
    elements.push(optional ? unionOf([type, UNDEFINED]) : type);
  }
  return { kind: 'tuple', elements };
}

function fromTypeLiteral(node: TS.TypeLiteralNode): TypeRef {
  const fields: TypeRefField[] = [];
  for (const member of node.members) {
    if (ts.isIndexSignatureDeclaration(member) && node.members.length === 1) {
      const key = member.parameters[0]?.type;
      return { kind: 'record', key: key ? fromTypeNode(key) : { kind: 'string' }, value: fromTypeNode(member.type) };
    }
    if (!ts.isPropertySignature(member) || !member.type) return ANY;
    const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
    if (name === undefined) return ANY;
    fields.push({ name, type: fromTypeNode(member.type), optional: member.questionToken !== undefined });
  }
  return { kind: 'object', fields };
}

function fromTypeReference(node: TS.TypeReferenceNode): TypeRef {
  const name = ts.isIdentifier(node.typeName) ? node.typeName.text : '';
  const args = (node.typeArguments ?? []).map(fromTypeNode);
  if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1 && args[0]) return { kind: 'array', element: args[0] };
  if (name === 'Record' && args.length === 2 && args[0] && args[1]) return { kind: 'record', key: args[0], value: args[1] };
  if ((name === 'Map' || name === 'ReadonlyMap') && args.length === 2 && args[0] && args[1]) {
    return { kind: 'record', key: args[0], value: args[1], container: 'map' };
  }
  if ((name === 'Set' || name === 'ReadonlySet') && args.length === 1 && args[0]) return { kind: 'array', element: args[0], container: 'set' };
  if (name === 'Date' && args.length === 0) return { kind: 'date' };
  // An async function's result is compared once awaited (the harness awaits it).
  if ((name === 'Promise' || name === 'PromiseLike') && args.length === 1 && args[0]) return args[0];
  return ANY;
}

// ---------------------------------------------------------------- Python

const PY_SCALARS: Readonly<Record<string, TypeRef>> = {
  int: { kind: 'integer' },
  float: { kind: 'float' },
  str: { kind: 'string' },
  bool: { kind: 'boolean' },
  bytes: { kind: 'bytes' },
  bytearray: { kind: 'bytes' },
  None: NULL,
  NoneType: NULL,
  Any: ANY,
  object: ANY,
};
const PY_SEQUENCES = new Set(['List', 'list', 'Sequence', 'MutableSequence', 'Iterable', 'Collection', 'Deque', 'deque']);
/** Python set types: the value is written as a list and reaches the candidate as a `set` or a `frozenset`. */
const PY_SETS: Readonly<Record<string, 'set' | 'frozenset'>> = {
  Set: 'set', set: 'set', AbstractSet: 'set', MutableSet: 'set', FrozenSet: 'frozenset', frozenset: 'frozenset',
};
const PY_MAPPINGS = new Set(['Dict', 'dict', 'Mapping', 'MutableMapping', 'DefaultDict', 'defaultdict', 'OrderedDict']);

/** Tokens of an annotation: dotted names, `[ ] , |`, `...`, quoted strings. */
function pythonTokens(text: string): string[] {
  const tokens = text.match(/\.\.\.|[A-Za-z_][\w.]*|'[^']*'|"[^"]*"|[[\],|]|\S/g) ?? [];
  return tokens;
}

function parsePythonAnnotation(annotation: string): TypeRef {
  const tokens = pythonTokens(annotation.trim());
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const expect = (token: string): void => {
    if (tokens[position] !== token) throw new Error(`expected ${token}`);
    position += 1;
  };
  const parseUnion = (): TypeRef => {
    const members = [parseAtom()];
    while (peek() === '|') {
      position += 1;
      members.push(parseAtom());
    }
    return members.length === 1 && members[0] ? members[0] : unionOf(members);
  };
  /** `[A, B]` after a name; `variadic` marks a trailing `...` (`Tuple[int, ...]`). */
  const parseArguments = (): { readonly args: TypeRef[]; readonly variadic: boolean } | undefined => {
    if (peek() !== '[') return undefined;
    position += 1;
    const args: TypeRef[] = [];
    let variadic = false;
    while (peek() !== ']') {
      if (peek() === '...') {
        position += 1;
        variadic = true;
      } else args.push(parseUnion());
      if (peek() === ',') position += 1;
      else break;
    }
    expect(']');
    return { args, variadic };
  };
  const parseAtom = (): TypeRef => {
    const token = peek();
    if (token === undefined) throw new Error('unexpected end');
    position += 1;
    if (/^['"]/.test(token)) return parsePythonAnnotation(token.slice(1, -1));
    if (!/^[A-Za-z_]/.test(token)) throw new Error(`unexpected ${token}`);
    const name = token.replace(/^(typing|collections\.abc|collections|builtins)\./, '');
    const parsed = parseArguments();
    if (parsed?.variadic) {
      const [element] = parsed.args;
      return (name === 'Tuple' || name === 'tuple') && parsed.args.length === 1 && element ? { kind: 'array', element, container: 'tuple' } : ANY;
    }
    return fromPythonName(name, parsed?.args);
  };
  const result = parseUnion();
  if (position !== tokens.length) return ANY;
  return result;
}

function fromPythonName(name: string, args: readonly TypeRef[] | undefined): TypeRef {
  const scalar = Object.hasOwn(PY_SCALARS, name) ? PY_SCALARS[name] : undefined;
  if (scalar && args === undefined) return scalar;
  const [first, second] = args ?? [];
  if (PY_SEQUENCES.has(name)) return { kind: 'array', element: args === undefined ? ANY : (first ?? ANY) };
  const set = Object.hasOwn(PY_SETS, name) ? PY_SETS[name] : undefined;
  if (set !== undefined) return { kind: 'array', element: args === undefined ? ANY : (first ?? ANY), container: set };
  if (PY_MAPPINGS.has(name)) return { kind: 'record', key: args === undefined ? ANY : (first ?? ANY), value: second ?? ANY };
  if (name === 'Tuple' || name === 'tuple') return args === undefined ? { kind: 'array', element: ANY, container: 'tuple' } : { kind: 'tuple', elements: args };
  if (name === 'Optional' && args?.length === 1 && first) return unionOf([first, NULL]);
  if (name === 'Union' && args && args.length > 0) return unionOf(args);
  // A coroutine's result is compared once awaited (the harness runs it): `Awaitable[T]`, `Coroutine[Y, S, T]` -> T.
  if (name === 'Awaitable' && args?.length === 1 && first) return first;
  if (name === 'Coroutine' && args?.length === 3 && args[2]) return args[2];
  return ANY;
}
