/**
 * @module task-spec/spec-limits
 * What the spec loader accepts before it parses anything: a file size cap, a nesting depth cap checked on the text
 * (brackets outside strings) and on the parsed value, both without recursion, and the YAML alias expansion cap. A
 * "billion laughs" alias bomb, a 100,000-deep JSON array or a 50 MB file is refused with one line, never a stack
 * overflow or an out-of-memory crash.
 */

/** Largest spec file the loader reads, in bytes: 1 MiB (a large spec is a few KB). */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;

/**
 * Deepest nesting of a spec document (objects and arrays, the document itself being level 1): 64. A spec is about
 * 4 levels deep; test values nested more than ~60 levels belong in generated code, not a spec.
 */
export const MAX_SPEC_DEPTH = 64;

/** Most YAML alias (`*name`) expansions while converting a document to a value: yaml's own `maxAliasCount`. */
export const MAX_YAML_ALIAS_COUNT = 100;

/**
 * The deepest bracket nesting (`[`/`{`) of `text`, skipping brackets inside `"..."` and `'...'` strings (JSON and
 * YAML flow collections), scanned once without recursion. Stops scanning as soon as the depth passes `limit`.
 * YAML block nesting (by indentation) is not counted here; {@link valueDepthPath} catches it after parsing.
 *
 * @returns the depth reached (at most `limit + 1`) and, when over `limit`, the 1-based line where it went over.
 */
export function textNestingDepth(text: string, limit: number = MAX_SPEC_DEPTH): { readonly depth: number; readonly line?: number } {
  let depth = 0;
  let deepest = 0;
  let line = 1;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') line += 1;
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') i += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") {
      // A YAML apostrophe inside a plain word (`it's`) starts no string.
      const before = text[i - 1];
      if (char === "'" && before !== undefined && /[\w]/.test(before)) continue;
      quote = char;
    } else if (char === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i += 1; // a comment (no '#' comments in JSON text)
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return { depth: deepest, line };
    } else if (char === ']' || char === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return { depth: deepest };
}

/**
 * The path (keys from the root) of the first place where `value` nests deeper than `limit` levels, or undefined when
 * it does not. Walks the value with an explicit stack (no recursion); a cycle ends the walk at `limit` like any deep
 * path. Level 1 is `value` itself when it is an object or array.
 */
export function valueDepthPath(value: unknown, limit: number = MAX_SPEC_DEPTH): PropertyKey[] | undefined {
  const stack: { readonly node: unknown; readonly depth: number; readonly path: readonly PropertyKey[] }[] = [{ node: value, depth: 1, path: [] }];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop() as (typeof stack)[number];
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return [...path];
    const entries: [PropertyKey, unknown][] = Array.isArray(node) ? node.map((item, index) => [index, item]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1, path: [...path, key] });
    }
  }
  return undefined;
}
