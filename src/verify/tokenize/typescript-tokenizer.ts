/**
 * @module verify/tokenize/typescript-tokenizer
 * TypeScript tokenizer on the compiler's own scanner (`ts.createScanner`, trivia kept so comments are tokens).
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';
import type { CodeToken, CodeTokenKind } from '../../redflag/red-flag-rule.js';

/** Tokenizer result, as in the `CodeTokenizer` contract. */
export type TokenizeResult =
  | { readonly ok: true; readonly tokens: readonly CodeToken[] }
  | { readonly ok: false; readonly error: string; readonly line?: number };

/** The token kind sets, made on first use: TypeScript loads when code is tokenized, not on import. */
interface KindSets { readonly stringKinds: ReadonlySet<TS.SyntaxKind>; readonly skipped: ReadonlySet<TS.SyntaxKind>; readonly endsOperand: ReadonlySet<TS.SyntaxKind> }
let kindSets: KindSets | undefined;
function kinds(): KindSets {
  kindSets ??= {
    stringKinds: new Set<TS.SyntaxKind>([
      ts.SyntaxKind.StringLiteral,
      ts.SyntaxKind.NoSubstitutionTemplateLiteral,
      ts.SyntaxKind.TemplateHead,
      ts.SyntaxKind.TemplateMiddle,
      ts.SyntaxKind.TemplateTail,
    ]),
    skipped: new Set<TS.SyntaxKind>([
      ts.SyntaxKind.WhitespaceTrivia,
      ts.SyntaxKind.NewLineTrivia,
      ts.SyntaxKind.ConflictMarkerTrivia,
    ]),
    /** Tokens after which `/` is division, not the start of a regular expression. */
    endsOperand: new Set<TS.SyntaxKind>([
      ts.SyntaxKind.Identifier,
      ts.SyntaxKind.PrivateIdentifier,
      ts.SyntaxKind.NumericLiteral,
      ts.SyntaxKind.BigIntLiteral,
      ts.SyntaxKind.StringLiteral,
      ts.SyntaxKind.NoSubstitutionTemplateLiteral,
      ts.SyntaxKind.TemplateTail,
      ts.SyntaxKind.RegularExpressionLiteral,
      ts.SyntaxKind.CloseParenToken,
      ts.SyntaxKind.CloseBracketToken,
      ts.SyntaxKind.CloseBraceToken,
      ts.SyntaxKind.ThisKeyword,
      ts.SyntaxKind.SuperKeyword,
      ts.SyntaxKind.TrueKeyword,
      ts.SyntaxKind.FalseKeyword,
      ts.SyntaxKind.NullKeyword,
      ts.SyntaxKind.PlusPlusToken,
      ts.SyntaxKind.MinusMinusToken,
    ]),
  };
  return kindSets;
}

/**
 * Tokenizes TypeScript. Kinds: comments (`//`, `/* *\/`, shebang) -> `comment`; string and template literal parts
 * -> `string` (the `${...}` expressions inside are tokenized as code); numbers and bigints -> `number`; keywords
 * (reserved and contextual, e.g. `type`, `of`) -> `keyword`; identifiers -> `identifier`; punctuators ->
 * `punctuation`; regular expressions and anything else -> `other`. Whitespace is dropped.
 * The first scanner error (unterminated string, comment or template; invalid character) gives `ok: false`.
 */
export function tokenizeTypeScript(code: string): TokenizeResult {
  let error: { message: string; pos: number } | undefined;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code, (message) => {
    error ??= { message: ts.flattenDiagnosticMessageText(message.message, '\n'), pos: scanner.getTokenStart() };
  });
  const lineStarts = computeLineStarts(code);
  const tokens: CodeToken[] = [];
  const templateBraces: number[] = [];
  let previous: TS.SyntaxKind | undefined;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken && templateBraces.length > 0) {
      templateBraces[templateBraces.length - 1]! += 1;
    } else if (kind === ts.SyntaxKind.CloseBraceToken && templateBraces.length > 0) {
      if (templateBraces[templateBraces.length - 1] === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) templateBraces.pop();
      } else {
        templateBraces[templateBraces.length - 1]! -= 1;
      }
    } else if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      (previous === undefined || !kinds().endsOperand.has(previous))
    ) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.TemplateHead) templateBraces.push(0);
    if (error) break;
    if (kinds().skipped.has(kind)) continue;
    tokens.push({ kind: classify(kind), text: scanner.getTokenText(), line: lineOf(lineStarts, scanner.getTokenStart()) });
    if (kind !== ts.SyntaxKind.SingleLineCommentTrivia && kind !== ts.SyntaxKind.MultiLineCommentTrivia) previous = kind;
  }
  if (error) return { ok: false, error: error.message, line: lineOf(lineStarts, error.pos) };
  return { ok: true, tokens };
}

function classify(kind: TS.SyntaxKind): CodeTokenKind {
  if (
    kind === ts.SyntaxKind.SingleLineCommentTrivia ||
    kind === ts.SyntaxKind.MultiLineCommentTrivia ||
    kind === ts.SyntaxKind.ShebangTrivia
  ) {
    return 'comment';
  }
  if (kinds().stringKinds.has(kind)) return 'string';
  if (kind === ts.SyntaxKind.NumericLiteral || kind === ts.SyntaxKind.BigIntLiteral) return 'number';
  if (kind === ts.SyntaxKind.Identifier || kind === ts.SyntaxKind.PrivateIdentifier) return 'identifier';
  if (kind >= ts.SyntaxKind.FirstKeyword && kind <= ts.SyntaxKind.LastKeyword) return 'keyword';
  if (kind >= ts.SyntaxKind.FirstPunctuation && kind <= ts.SyntaxKind.LastPunctuation) return 'punctuation';
  return 'other';
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line of `pos` (binary search over line starts). */
function lineOf(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
