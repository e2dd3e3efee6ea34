/**
 * @module task-spec/checks/identifiers
 * Which names a spec may give its parameters and entry point in each target language: identifiers of the language
 * that are not reserved words (`delete`, `class`, `lambda`), and never `result`, which every expression binds to the
 * return value.
 */
import type { Language } from '../task-spec.js';

/** ECMAScript reserved words, strict-mode reserved words, and the names strict mode forbids as bindings. */
const TYPESCRIPT_RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with',
  'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static', 'yield', 'await',
  'arguments', 'eval', 'undefined', 'NaN', 'Infinity',
]);

/** Python keywords (`keyword.kwlist`, Python 3.11) and the constants. */
const PYTHON_RESERVED = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** The name expressions use for the entry point's return value. */
export const RESULT_NAME = 'result';

/**
 * What is wrong with `name` as a parameter or function name in `language`, in words, or undefined when it is fine.
 * `role` is `parameter` (which also may not be `result`), `function`, or `member` (a method's parameter or a field of
 * a class spec, which no spec expression sees: `result` is fine).
 */
export function identifierProblem(language: Language, name: string, role: 'parameter' | 'function' | 'member'): string | undefined {
  const words = language === 'python' ? 'Python' : 'TypeScript';
  if (language === 'python' ? !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) : !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) {
    return `a ${words} identifier`;
  }
  if ((language === 'python' ? PYTHON_RESERVED : TYPESCRIPT_RESERVED).has(name)) {
    return `a ${words} identifier that is not a reserved word ("${name}" is reserved)`;
  }
  if (role === 'parameter' && name === RESULT_NAME) {
    return `a name other than "${RESULT_NAME}" (expressions use it for the return value)`;
  }
  return undefined;
}
