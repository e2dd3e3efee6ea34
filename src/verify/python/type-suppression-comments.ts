/**
 * @module verify/python/type-suppression-comments
 * Python comments that turn pyright off or down for the candidate's file: `# type: ignore` (PEP 484),
 * `# pyright: ignore[...]`, and `# pyright: basic` / `# pyright: reportReturnType=false` and kin, which override the
 * engine's `pyrightconfig.json` for that file. A candidate carrying one would pass the Python `types` layer with its
 * errors hidden; the layer fails it instead (hostile fixtures `test/fixtures/hostile/types/ty04`-`ty05`). pyright
 * is also run with `enableTypeIgnoreComments: false`.
 */

/** A suppression comment: the directive as written (trimmed) and the 1-based line. */
export interface PythonSuppressionComment {
  readonly directive: string;
  readonly line: number;
}

/** `type: ignore` or `pyright:` at the start of a comment's text, or after another `#` in it (pyright's rules). */
const DIRECTIVE = /(?:^|#)\s*(type:\s*ignore\b|pyright:)/;

/**
 * The first comment of `code` that holds a pyright or PEP 484 suppression directive, or undefined. A small lexer
 * skips string literals (single and triple quoted, any prefix; a backslash takes the next character with it), so a
 * `#` inside a string is not a comment. Linear in the length of `code`.
 */
export function findPythonSuppressionComment(code: string): PythonSuppressionComment | undefined {
  let line = 1;
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (c === '#') {
      const end = code.indexOf('\n', i);
      const text = code.slice(i + 1, end < 0 ? code.length : end);
      const match = DIRECTIVE.exec(text);
      if (match) return { directive: match[1]?.trim() ?? '', line };
      i = end < 0 ? code.length : end;
    } else if (c === '"' || c === "'") {
      // A string literal (its prefix letters, if any, were passed over as ordinary text). For tokenizing, a backslash
      // takes the next character with it in every kind of string, raw ones included (r"\"" is one string).
      const quote = code.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length;
      while (i < code.length && !code.startsWith(quote, i)) {
        if (code[i] === '\n') {
          if (quote.length === 1) break; // an unterminated one-line string ends with its line (a syntax error anyway)
          line += 1;
        }
        if (code[i] === '\\') {
          if (code[i + 1] === '\n') line += 1;
          i += 2;
        } else {
          i += 1;
        }
      }
      if (code.startsWith(quote, i)) i += quote.length;
    } else {
      i += 1;
    }
  }
  return undefined;
}
