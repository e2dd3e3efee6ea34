/**
 * @module verify/typescript/suppression-comments
 * Comments that turn the TypeScript checker off: `// @ts-nocheck` (the whole file), `// @ts-ignore` and
 * `// @ts-expect-error` (the next line). The checker honours them in any file, the candidate's included, so a
 * candidate carrying one would pass the `types` layer with its errors hidden - even the signature check the layer
 * appends after the candidate's last line. The layer fails such a candidate instead (hostile fixture
 * `test/fixtures/hostile/static/ts01-ts-nocheck.ts` and kin).
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';

/** A suppression comment: its directive, and the 1-based line it starts on. */
export interface SuppressionComment {
  readonly directive: '@ts-nocheck' | '@ts-ignore' | '@ts-expect-error';
  readonly line: number;
}

/** The directives, as TypeScript recognises them anywhere in a comment's text (case-insensitive). */
const DIRECTIVE = /@ts-(nocheck|ignore|expect-error)/i;

/**
 * The first comment of `code` that holds a suppression directive, or undefined. Every comment is found (the leading
 * and trailing trivia of every token, end of file included), never text inside strings, templates or regular
 * expressions. Parses `code` with the TypeScript parser (no lib, no type check).
 */
export function findSuppressionComment(code: string): SuppressionComment | undefined {
  const source = ts.createSourceFile('candidate.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const seen = new Set<number>();
  let found: SuppressionComment | undefined;
  const check = (ranges: readonly TS.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (found !== undefined || seen.has(range.pos)) continue;
      seen.add(range.pos);
      const match = DIRECTIVE.exec(code.slice(range.pos, range.end));
      if (match) {
        found = {
          directive: `@ts-${(match[1] ?? '').toLowerCase()}` as SuppressionComment['directive'],
          line: source.getLineAndCharacterOfPosition(range.pos).line + 1,
        };
      }
    }
  };
  // An explicit stack over the node tree: `getChildren` yields every token, so every comment is some token's trivia.
  const stack: TS.Node[] = [source];
  while (stack.length > 0 && found === undefined) {
    const node = stack.pop() as TS.Node;
    check(ts.getLeadingCommentRanges(code, node.getFullStart()));
    check(ts.getTrailingCommentRanges(code, node.getEnd()));
    for (const child of node.getChildren(source)) stack.push(child);
  }
  return found;
}
