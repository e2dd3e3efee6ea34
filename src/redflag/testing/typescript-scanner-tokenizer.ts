/**
 * @module redflag/testing/typescript-scanner-tokenizer
 * TEST SUPPORT ONLY: tokenizes TypeScript with the TypeScript compiler's scanner (comments kept) into
 * {@link CodeToken}s, so red-flag rules can be tested on real tokens. The production tokenizers live in
 * `src/verify/tokenize/`.
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';
import type { CodeToken, CodeTokenKind } from '../red-flag-rule.js';

type TokenizeResult = { readonly ok: true; readonly tokens: readonly CodeToken[] } | { readonly ok: false; readonly error: string; readonly line?: number };

/** Tokens after which `/` is division, not the start of a regular expression. */
const ENDS_EXPRESSION = new Set<TS.SyntaxKind>([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.BigIntLiteral,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.SuperKeyword,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
]);

function kindOf(kind: TS.SyntaxKind): CodeTokenKind {
  if (kind === ts.SyntaxKind.Identifier || kind === ts.SyntaxKind.PrivateIdentifier) return 'identifier';
  if (kind >= ts.SyntaxKind.FirstKeyword && kind <= ts.SyntaxKind.LastKeyword) return 'keyword';
  if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) return 'comment';
  if (kind === ts.SyntaxKind.NumericLiteral || kind === ts.SyntaxKind.BigIntLiteral) return 'number';
  if (kind >= ts.SyntaxKind.FirstPunctuation && kind <= ts.SyntaxKind.LastPunctuation) return 'punctuation';
  if (
    kind === ts.SyntaxKind.StringLiteral ||
    kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
    kind === ts.SyntaxKind.RegularExpressionLiteral ||
    (kind >= ts.SyntaxKind.FirstTemplateToken && kind <= ts.SyntaxKind.LastTemplateToken)
  ) {
    return 'string';
  }
  return 'other';
}

/** Tokenizes TypeScript source; the first scanner error (unterminated string, comment or template) fails it. */
export function tokenizeTypeScript(code: string): TokenizeResult {
  let error: { message: string; position: number } | undefined;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code, (message) => {
    error ??= { message: message.message, position: scanner.getTokenStart() };
  });
  const lineStarts = [0];
  for (let index = 0; index < code.length; index += 1) if (code[index] === '\n') lineStarts.push(index + 1);
  const lineOf = (position: number): number => {
    let line = 0;
    while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? Infinity) <= position) line += 1;
    return line + 1;
  };
  const tokens: CodeToken[] = [];
  const templateBraces: number[] = [];
  let previous: TS.SyntaxKind | undefined;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.WhitespaceTrivia || kind === ts.SyntaxKind.NewLineTrivia) continue;
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && (previous === undefined || !ENDS_EXPRESSION.has(previous))) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.TemplateHead) templateBraces.push(0);
    else if (kind === ts.SyntaxKind.OpenBraceToken && templateBraces.length > 0) templateBraces[templateBraces.length - 1]! += 1;
    else if (kind === ts.SyntaxKind.CloseBraceToken && templateBraces.length > 0) {
      if (templateBraces.at(-1) === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) templateBraces.pop();
      } else templateBraces[templateBraces.length - 1]! -= 1;
    }
    tokens.push({ kind: kindOf(kind), text: scanner.getTokenText(), line: lineOf(scanner.getTokenStart()) });
    if (kindOf(kind) !== 'comment') previous = kind;
  }
  if (error) return { ok: false, error: error.message, line: lineOf(error.position) };
  return { ok: true, tokens };
}
