/**
 * @module memory/chunkers/chunk-typescript
 * Chunks TypeScript (and JavaScript) source by symbol with the compiler API: each top-level declaration - function,
 * class, interface, type alias, enum, variable statement - with its leading doc comment is one chunk named by the
 * symbol; the file's own doc comment (`@module`) is a chunk of its own. Imports and other statements are left out.
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';
import { splitByTokens, type TextPart } from './split-by-tokens.js';

/** One chunk of a source file: its symbol (null for the file's doc comment), whether it is exported, and its text. */
export interface SymbolChunk extends TextPart {
  readonly symbol: string | null;
  readonly exported: boolean;
  /** The doc comment's text without `/**`, `*` and tags, or null. */
  readonly doc: string | null;
}

/**
 * The chunks of `source` (named `fileName`, whose extension picks TS, TSX or JS parsing). A declaration longer than
 * `maxTokens` is split at line boundaries (`symbol (part n)` from the second part on). Never throws: a file with
 * syntax errors gives the declarations the parser recovered.
 */
export function chunkTypeScript(fileName: string, source: string, maxTokens?: number): SymbolChunk[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const chunks: SymbolChunk[] = [];
  const lineOf = (position: number): number => file.getLineAndCharacterOfPosition(position).line + 1;
  const first = file.statements[0];
  const moduleDoc = first === undefined ? undefined : leadingModuleDoc(file, first);
  if (moduleDoc !== undefined) {
    chunks.push({ symbol: null, exported: false, doc: docText(moduleDoc.text), text: moduleDoc.text, startLine: lineOf(moduleDoc.pos), endLine: lineOf(moduleDoc.end) });
  }
  for (const statement of file.statements) {
    const symbol = declaredName(statement);
    if (symbol === undefined) continue;
    const start = statement.getStart(file, true);
    const text = source.slice(start, statement.end);
    const docs = (statement as { jsDoc?: readonly TS.JSDoc[] }).jsDoc ?? [];
    const doc = docs.length === 0 ? null : docText(docs.map((entry) => entry.getText(file)).join('\n'));
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    splitByTokens(text, lineOf(start), maxTokens).forEach((part, index) => {
      chunks.push({ ...part, symbol: index === 0 ? symbol : `${symbol} (part ${index + 1})`, exported, doc: index === 0 ? doc : null });
    });
  }
  return chunks;
}

function scriptKind(fileName: string): TS.ScriptKind {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  if (fileName.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.TS;
}

/** The name a top-level statement declares, or undefined (imports, expressions, `export {...}`). */
function declaredName(statement: TS.Statement): string | undefined {
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
    || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) {
    return statement.name?.getText();
  }
  if (ts.isVariableStatement(statement)) {
    const names = statement.declarationList.declarations.map((declaration) => declaration.name.getText());
    return names.join(', ') || undefined;
  }
  return undefined;
}

/** The file's first doc comment when it is a `@module` comment (it documents the file, not the next statement). */
function leadingModuleDoc(file: TS.SourceFile, first: TS.Statement): { text: string; pos: number; end: number } | undefined {
  const ranges = ts.getLeadingCommentRanges(file.text, first.getFullStart()) ?? [];
  for (const range of ranges) {
    const text = file.text.slice(range.pos, range.end);
    if (text.startsWith('/**') && text.includes('@module')) return { text, pos: range.pos, end: range.end };
  }
  return undefined;
}

/** A doc comment's prose: comment markers, `@module <name>` and everything from the first block tag on removed, whitespace collapsed. */
export function docText(comment: string): string {
  return comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .join(' ')
    .replace(/@module\s+\S+/, '')
    // The prose ends where the block tags (`@param`, `@throws`, ...) begin.
    .replace(/(^|\s)@\w+[\s\S]*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}
