/**
 * @module task-spec/checks/type-names
 * Whether a type written in a spec signature is a valid type of its language, with "did you mean" for a misspelt
 * name (`numbr` -> `number`, `Lsit[int]` -> `List`). TypeScript: the common forms are recognised without the
 * compiler (`simple-typescript-type.ts`); anything else is checked by the compiler against the ES2022 lib. Python:
 * a parser of annotation syntax over the names of `typing`, `collections.abc` and the builtins.
 */
import { closeName } from '../closest-names.js';
import { parseSimpleTypeScriptType } from '../simple-typescript-type.js';
import type { Language } from '../task-spec.js';
import { parseTypeScript, typeScriptDiagnostics } from './typescript-program.js';

/** TypeScript type names offered as "did you mean" (keywords are not symbols, so the compiler never offers them). */
const TYPESCRIPT_TYPE_NAMES = [
  'number', 'string', 'boolean', 'bigint', 'null', 'undefined', 'void', 'any', 'unknown', 'object', 'never', 'symbol',
  'Array', 'ReadonlyArray', 'Record', 'Map', 'ReadonlyMap', 'Set', 'ReadonlySet', 'Date', 'RegExp', 'Partial',
  'Readonly', 'Required',
];

/** Prefix of the alias the compiler checks a TypeScript type in. */
const ALIAS = 'type __zerr_T =\n';

/**
 * What is wrong with `text` as a type of `language`, in words (`unknown type name "numbr" (did you mean "number"?)`,
 * `a TypeScript syntax error: '>' expected`), or undefined when it is valid.
 */
export function typeProblem(language: Language, text: string): string | undefined {
  return language === 'typescript' ? typeScriptTypeProblem(text) : pythonTypeProblem(text);
}

function typeScriptTypeProblem(text: string): string | undefined {
  if (parseSimpleTypeScriptType(text) !== undefined) return undefined;
  const code = `${ALIAS}${text}\n;\n`;
  const tree = parseTypeScript(code);
  const [statement] = tree.statements;
  if (tree.statements.length !== 1 || statement === undefined || statement.end !== code.length - 1) {
    return 'a single TypeScript type (found more than a type)';
  }
  const [first] = typeScriptDiagnostics(code);
  if (first === undefined) return undefined;
  const missing = /^Cannot find name '([^']+)'/.exec(first.message)?.[1];
  if (missing !== undefined) {
    const hint = closeName(missing, TYPESCRIPT_TYPE_NAMES);
    return `unknown type name "${missing}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`;
  }
  return `a valid TypeScript type (${first.message})`;
}

// ---------------------------------------------------------------- Python

/** Names without type arguments, or whose arguments are optional. */
const PYTHON_PLAIN = new Set([
  'int', 'float', 'str', 'bool', 'None', 'NoneType', 'Any', 'object', 'complex', 'bytes', 'bytearray',
  'Hashable', 'Sized', 'AnyStr',
]);
/** Generic names and how many type arguments they take (`-1`: one or more). */
const PYTHON_GENERIC: Readonly<Record<string, number>> = {
  List: 1, list: 1, Sequence: 1, MutableSequence: 1, Iterable: 1, Iterator: 1, Collection: 1, Set: 1, set: 1,
  AbstractSet: 1, MutableSet: 1, FrozenSet: 1, frozenset: 1, Deque: 1, deque: 1, Type: 1, type: 1, Optional: 1,
  Reversible: 1, Container: 1,
  Dict: 2, dict: 2, Mapping: 2, MutableMapping: 2, DefaultDict: 2, defaultdict: 2, OrderedDict: 2, Counter: 1,
  ChainMap: 2, Generator: 3,
  Union: -1, Tuple: -1, tuple: -1, Callable: 2, Literal: -1,
};
const PYTHON_NAMES = [...PYTHON_PLAIN, ...Object.keys(PYTHON_GENERIC)];
/** Names that need type arguments. */
const PYTHON_NEEDS_ARGUMENTS = new Set(['Optional', 'Union', 'Literal']);

class PythonTypeError extends Error {}

/** Tokens of an annotation: dotted names, numbers, quoted strings, `[ ] , |`, `...`. */
function pythonTokens(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s+|(\.\.\.|[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*|-?\d+(?:\.\d+)?|'[^'\n]*'|"[^"\n]*"|[[\],|])/y;
  let position = 0;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) throw new PythonTypeError(`a Python type annotation (unexpected "${text.slice(position, position + 10)}")`);
    if (match[1] !== undefined) tokens.push(match[1]);
    position = pattern.lastIndex;
  }
  return tokens;
}

function pythonTypeProblem(text: string): string | undefined {
  try {
    checkPythonAnnotation(text, 0);
    return undefined;
  } catch (error) {
    if (error instanceof PythonTypeError) return error.message;
    throw error;
  }
}

function checkPythonAnnotation(text: string, nesting: number): void {
  if (nesting > 8) throw new PythonTypeError('a Python type annotation (forward references nested too deeply)');
  const tokens = pythonTokens(text);
  if (tokens.length === 0) throw new PythonTypeError('a Python type annotation (found nothing)');
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const syntax = (what: string): never => {
    throw new PythonTypeError(`a valid Python type annotation (${what})`);
  };
  const parseUnion = (): void => {
    parseAtom();
    while (peek() === '|') {
      position += 1;
      parseAtom();
    }
  };
  /** One argument of a subscript: a type, `...`, a `[...]` list (Callable), or a literal (Literal). */
  const parseArgument = (owner: string): void => {
    const token = peek();
    if (token === '...') {
      position += 1;
      return;
    }
    if (token === '[' && owner === 'Callable') {
      position += 1;
      while (peek() !== ']') {
        parseUnion();
        if (peek() === ',') position += 1;
        else if (peek() !== ']') syntax(`expected "," or "]" after a Callable parameter type, found ${peek() ?? 'the end'}`);
      }
      position += 1;
      return;
    }
    if (owner === 'Literal') {
      if (token !== undefined && (/^(['"]|-?\d)/.test(token) || ['True', 'False', 'None'].includes(token))) {
        position += 1;
        return;
      }
      syntax(`Literal takes literal values, found ${token ?? 'the end'}`);
    }
    parseUnion();
  };
  const parseAtom = (): void => {
    const token = peek();
    if (token === undefined) syntax('expected a type, found the end');
    position += 1;
    const text = token as string;
    if (/^['"]/.test(text)) {
      checkPythonAnnotation(text.slice(1, -1), nesting + 1);
      return;
    }
    if (!/^[A-Za-z_]/.test(text)) syntax(`expected a type name, found "${text}"`);
    const name = text.replace(/^(typing|collections\.abc|collections|builtins)\./, '');
    const known = PYTHON_PLAIN.has(name) || Object.hasOwn(PYTHON_GENERIC, name);
    if (!known) {
      const hint = closeName(name, PYTHON_NAMES);
      throw new PythonTypeError(`a Python type name from typing or the builtins: unknown type name "${text}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`);
    }
    if (peek() !== '[') {
      if (PYTHON_NEEDS_ARGUMENTS.has(name)) syntax(`${name} needs type arguments, e.g. ${name}[int]`);
      return;
    }
    if (PYTHON_PLAIN.has(name)) syntax(`${name} takes no type arguments`);
    position += 1;
    let count = 0;
    while (peek() !== ']') {
      if (peek() === undefined) syntax(`expected "]" to close ${name}[`);
      parseArgument(name);
      count += 1;
      if (peek() === ',') position += 1;
      else if (peek() !== ']') syntax(`expected "," or "]" in ${name}[...], found ${peek() ?? 'the end'}`);
    }
    position += 1;
    const arity = PYTHON_GENERIC[name] ?? 0;
    if (count === 0) syntax(`${name}[] needs at least one type argument`);
    if (arity > 0 && count !== arity) syntax(`${name} takes ${arity} type argument${arity === 1 ? '' : 's'}, found ${count}`);
  };
  parseUnion();
  if (position !== tokens.length) syntax(`unexpected "${tokens[position] ?? ''}" after the type`);
}
