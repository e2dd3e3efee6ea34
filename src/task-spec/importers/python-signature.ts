/**
 * @module task-spec/importers/python-signature
 * Reads a Python function signature (`def f(a: List[int], b=1) -> bool:`) from source text into a
 * {@link Signature}, and finds where the function body starts. Text scanning only; nothing is executed.
 */
import type { Parameter, Signature } from '../task-spec.js';

/** A parsed `def` line: the signature and the offset just after its closing `:`. */
export interface PythonSignatureMatch {
  readonly signature: Signature;
  readonly bodyStart: number;
}

const OPEN = '([{';
const CLOSE = ')]}';

/**
 * Index of the first character of `stops` at bracket depth 0 from `start`, skipping string literals; -1 if none.
 * A closing bracket that would go below depth 0 also stops the scan (its index is returned).
 */
export function scanTopLevel(text: string, start: number, stops: string): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const closer = triple ? ch.repeat(3) : ch;
      let j = i + closer.length;
      while (j < text.length && !text.startsWith(closer, j)) j += text[j] === '\\' ? 2 : 1;
      i = j + closer.length - 1;
      continue;
    }
    if (depth === 0 && stops.includes(ch)) return i;
    if (OPEN.includes(ch)) depth++;
    else if (CLOSE.includes(ch)) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Splits `text` at commas of bracket depth 0 (strings respected). */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let start = 0;
  for (;;) {
    const at = scanTopLevel(text, start, separator);
    if (at === -1 || text[at] !== separator) {
      parts.push(text.slice(start));
      return parts;
    }
    parts.push(text.slice(start, at));
    start = at + 1;
  }
}

const squash = (text: string): string => text.trim().replace(/\s+/g, ' ');

function parseParameter(text: string): Parameter | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '/' || trimmed === '*') return undefined;
  const [head = '', ...defaultParts] = splitTopLevel(trimmed, '=');
  const [rawName = '', ...annotationParts] = splitTopLevel(head, ':');
  const star = /^\*{0,2}/.exec(rawName.trim())?.[0] ?? '';
  const name = rawName.trim().slice(star.length).trim();
  const annotation = squash(annotationParts.join(':'));
  const defaultValue = squash(defaultParts.join('='));
  const descriptions = [
    star === '' ? undefined : `${star === '*' ? 'variadic positional' : 'variadic keyword'} parameter (${star}${name})`,
    defaultValue === '' ? undefined : `default: ${defaultValue}`,
  ].filter((d): d is string => d !== undefined);
  return {
    name,
    type: annotation === '' ? 'Any' : annotation,
    ...(descriptions.length === 0 ? {} : { description: descriptions.join('; ') }),
  };
}

/**
 * Finds `def <entryPoint>(...)` (preferring a top-level one) in `source` and parses its parameters and return
 * annotation. A missing annotation gives type `Any`; a default value is kept in the parameter's description as
 * `default: <text>`; `*args`/`**kwargs` are kept with a description saying so. Returns undefined when no such `def`.
 */
export function parsePythonSignature(source: string, entryPoint: string): PythonSignatureMatch | undefined {
  const escaped = entryPoint.replace(/[$]/g, '\\$');
  const matches = [...source.matchAll(new RegExp(`^([ \\t]*)(?:async[ \\t]+)?def[ \\t]+${escaped}[ \\t]*\\(`, 'gm'))];
  const found = matches.find((m) => m[1] === '') ?? matches[0];
  if (found === undefined) return undefined;
  const open = found.index + found[0].length;
  const close = scanTopLevel(source, open, ')');
  if (close === -1 || source[close] !== ')') return undefined;
  const inputs = splitTopLevel(source.slice(open, close))
    .map(parseParameter)
    .filter((p): p is Parameter => p !== undefined);
  const colon = scanTopLevel(source, close + 1, ':');
  if (colon === -1 || source[colon] !== ':') return undefined;
  const between = source.slice(close + 1, colon).trim();
  const returnType = between.startsWith('->') ? squash(between.slice(2)) : '';
  return {
    signature: { entryPoint, inputs, output: { type: returnType === '' ? 'Any' : returnType } },
    bodyStart: colon + 1,
  };
}
