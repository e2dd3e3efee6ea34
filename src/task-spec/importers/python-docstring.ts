/**
 * @module task-spec/importers/python-docstring
 * Reads a function's docstring (as written, escapes not processed) and cleans its indentation like
 * `inspect.cleandoc`.
 */

/**
 * The raw text of the docstring that starts the body at `bodyStart` (a triple- or single-quoted string, optionally
 * `r`/`u`-prefixed, before any other statement); undefined when the body does not start with one.
 */
export function readDocstring(source: string, bodyStart: number): string | undefined {
  const head = /^[ \t]*(?:#[^\n]*)?(?:\n[ \t]*(?:#[^\n]*)?)*[ \t]*[rRuU]?("""|'''|"|')/.exec(source.slice(bodyStart));
  if (head === null) return undefined;
  const closer = head[1] ?? '"""';
  const start = bodyStart + head[0].length;
  let i = start;
  while (i < source.length && !source.startsWith(closer, i)) i += source[i] === '\\' ? 2 : 1;
  return i >= source.length ? undefined : source.slice(start, i);
}

/**
 * Cleans docstring indentation like Python's `inspect.cleandoc`: tabs expanded, the first line's leading
 * whitespace removed, the common indentation of the other lines removed, leading and trailing blank lines dropped.
 * Trailing whitespace of each line is removed too.
 */
export function cleanDocstring(raw: string): string[] {
  const lines = raw.replaceAll('\t', '        ').split('\n').map((line) => line.trimEnd());
  const indents = lines
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.length - line.trimStart().length);
  const margin = indents.length === 0 ? 0 : Math.min(...indents);
  const cleaned = lines.map((line, index) => (index === 0 ? line.trimStart() : line.slice(margin)));
  while (cleaned.length > 0 && cleaned[0]?.trim() === '') cleaned.shift();
  while (cleaned.length > 0 && cleaned[cleaned.length - 1]?.trim() === '') cleaned.pop();
  return cleaned;
}
