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
 * Hits when `context.code` does not define `spec.signature.entryPoint` as a function: `def name(` in Python;
 * `function name(`, `const/let/var name = function ...` or `const/let/var name = (...) =>` in TypeScript.
 * No hit when code is null (`no-code` covers it) or it does not tokenize (`unbalanced-delimiters` covers it).
 */
export function wrongFormatRule(options: { readonly tokenizer: CodeTokenizer }): RedFlagRule {
  return {
    name: WRONG_FORMAT,
    description: 'The code does not define the entry point as a function.',
    async check({ code, spec, signal }) {
      if (code === null) return undefined;
      const result = await options.tokenizer.tokenize(spec.language, code, signal);
      if (!result.ok) return undefined;
      const name = spec.signature.entryPoint;
      if (definesFunction(spec.language, result.tokens, name)) return undefined;
      return { rule: WRONG_FORMAT, reason: `the code does not define the function ${name}` };
    },
  };
}
