/**
 * @module redflag/rules/wrong-format
 * Red flag: the code does not define the entry point as a function. Judged from tokens, so a name inside a
 * comment or string never counts (MAKER §3.3: an answer in the wrong format is discarded, not repaired).
 */
import type { Language } from '../../task-spec/task-spec.js';
import type { CodeToken, CodeTokenizer, RedFlagRule } from '../red-flag-rule.js';

/** Name of the rule in counts and records. */
export const WRONG_FORMAT = 'wrong-format';

const isPunct = (token: CodeToken | undefined, text: string): boolean => token?.kind === 'punctuation' && token.text === text;
const isWord = (token: CodeToken | undefined, text: string): boolean =>
  (token?.kind === 'keyword' || token?.kind === 'identifier') && token.text === text;
const OPENERS = new Set(['(', '[', '{', '<']);
const CLOSERS = new Set([')', ']', '}', '>']);

/** Python: `def name(` (also after `async`). */
function definesInPython(tokens: readonly CodeToken[], name: string): boolean {
  return tokens.some((token, i) => isWord(token, 'def') && isWord(tokens[i + 1], name) && isPunct(tokens[i + 2], '('));
}

/**
 * From `start` (just after `=`), whether the initializer is a function: `function`, `async function`, or an
 * arrow function (`=>` reached at bracket depth 0 before `;`, `,` or the next declaration).
 */
function isFunctionInitializer(tokens: readonly CodeToken[], start: number): boolean {
  let i = isWord(tokens[start], 'async') ? start + 1 : start;
  if (isWord(tokens[i], 'function')) return true;
  let depth = 0;
  for (; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token === undefined || token.kind === 'comment') continue;
    if (token.kind === 'punctuation' && OPENERS.has(token.text)) depth += 1;
    else if (token.kind === 'punctuation' && CLOSERS.has(token.text)) depth -= 1;
    else if (depth === 0 && isPunct(token, '=>')) return true;
    else if (depth <= 0 && (isPunct(token, ';') || isPunct(token, ',') || isWord(token, 'const') || isWord(token, 'let') || isWord(token, 'function'))) return false;
    if (depth < 0) return false;
  }
  return false;
}

/** TypeScript: `function name(`/`function name<`, `function* name(`, or `const|let|var name[: T] = <function>`. */
function definesInTypeScript(tokens: readonly CodeToken[], name: string): boolean {
  return tokens.some((token, i) => {
    if (isWord(token, 'function')) {
      const at = isPunct(tokens[i + 1], '*') ? i + 2 : i + 1;
      return isWord(tokens[at], name) && (isPunct(tokens[at + 1], '(') || isPunct(tokens[at + 1], '<'));
    }
    if ((isWord(token, 'const') || isWord(token, 'let') || isWord(token, 'var')) && isWord(tokens[i + 1], name)) {
      let at = i + 2;
      if (isPunct(tokens[at], ':')) {
        // Skip the type annotation up to the `=` at depth 0.
        let depth = 0;
        for (; at < tokens.length && !(depth === 0 && isPunct(tokens[at], '=')); at += 1) {
          const t = tokens[at];
          if (t?.kind === 'punctuation' && OPENERS.has(t.text)) depth += 1;
          if (t?.kind === 'punctuation' && CLOSERS.has(t.text)) depth -= 1;
        }
      }
      return isPunct(tokens[at], '=') && isFunctionInitializer(tokens, at + 1);
    }
    return false;
  });
}

/** Whether `tokens` define `name` as a function in `language`. */
export function definesFunction(language: Language, tokens: readonly CodeToken[], name: string): boolean {
  const code = tokens.filter((token) => token.kind !== 'comment');
  return language === 'python' ? definesInPython(code, name) : definesInTypeScript(code, name);
}

/**
 * The methods of `methodNames` that `tokens` do not define, in a class named `className`: `class Name` must appear
 * (`class Name:`/`class Name(` in Python, `class Name {`/`<`/`extends`/`implements` in TypeScript), and each method as
 * `def name(` (Python) or `name(`/`name<`/`name = <function>` at the start of a member, after `async`/`static`/`*`/
 * `public`/`private` modifiers or a `get`/`set` accessor (TypeScript). Undefined when the class itself is missing.
 */
export function missingClassMembers(language: Language, tokens: readonly CodeToken[], className: string, methodNames: readonly string[]): string[] | undefined {
  const code = tokens.filter((token) => token.kind !== 'comment');
  const hasClass = code.some((token, i) => isWord(token, 'class') && isWord(code[i + 1], className) &&
    (language === 'python' ? isPunct(code[i + 2], ':') || isPunct(code[i + 2], '(')
      : isPunct(code[i + 2], '{') || isPunct(code[i + 2], '<') || isWord(code[i + 2], 'extends') || isWord(code[i + 2], 'implements')));
  if (!hasClass) return undefined;
  const memberStart = (i: number): boolean =>
    isPunct(code[i - 1], '{') || isPunct(code[i - 1], '}') || isPunct(code[i - 1], ';') || isPunct(code[i - 1], '*') ||
    ['async', 'static', 'public', 'private', 'protected', 'get', 'set', 'override', 'readonly'].some((word) => isWord(code[i - 1], word));
  return methodNames.filter((name) => !(language === 'python'
    ? definesInPython(code, name)
    : code.some((token, i) => isWord(token, name) && memberStart(i) &&
      // `name(`, `name<T>(`, or a property holding a function: `name = (x) => ...`
      (isPunct(code[i + 1], '(') || isPunct(code[i + 1], '<') || (isPunct(code[i + 1], '=') && isFunctionInitializer(code, i + 2))))));
}

/**
 * Hits when `context.code` does not define `spec.signature.entryPoint` as a function (for a class spec: as a class
 * with every method of `spec.methods`, {@link missingClassMembers}; for a module spec: every function of
 * `spec.methods`): `def name(` in Python;
 * `function name(`, `const/let/var name = function ...` or `const/let/var name = (...) =>` in TypeScript.
 * No hit when code is null (`no-code` covers it) or it does not tokenize (`unbalanced-delimiters` covers it).
 */
export function wrongFormatRule(options: { readonly tokenizer: CodeTokenizer }): RedFlagRule {
  return {
    name: WRONG_FORMAT,
    description: 'The code does not define the entry point as a function (a class spec: the class with every method).',
    async check({ code, spec, signal }) {
      if (code === null) return undefined;
      const result = await options.tokenizer.tokenize(spec.language, code, signal);
      if (!result.ok) return undefined;
      const name = spec.signature.entryPoint;
      if (spec.taskType === 'module') {
        const missing = spec.methods.map((method) => method.name).filter((fn) => !definesFunction(spec.language, result.tokens, fn));
        if (missing.length === 0) return undefined;
        return { rule: WRONG_FORMAT, reason: `the module ${name} lacks the function${missing.length === 1 ? '' : 's'} ${missing.join(', ')}` };
      }
      if (spec.taskType === 'class') {
        const missing = missingClassMembers(spec.language, result.tokens, name, spec.methods.map((method) => method.name));
        if (missing === undefined) return { rule: WRONG_FORMAT, reason: `the code does not define the class ${name}` };
        if (missing.length === 0) return undefined;
        return { rule: WRONG_FORMAT, reason: `the class ${name} lacks the method${missing.length === 1 ? '' : 's'} ${missing.join(', ')}` };
      }
      if (definesFunction(spec.language, result.tokens, name)) return undefined;
      return { rule: WRONG_FORMAT, reason: `the code does not define the function ${name}` };
    },
  };
}
