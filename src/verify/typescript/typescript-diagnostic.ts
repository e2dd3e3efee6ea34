/**
 * @module verify/typescript/typescript-diagnostic
 * A TypeScript compiler diagnostic reduced to what a person (and a model) acts on: 1-based line:column and text.
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';

/** One compiler diagnostic. `line` and `column` are 1-based; `code` is the TS error number (e.g. 2322). */
export interface TypeScriptDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly code: number;
  readonly message: string;
}

/** Converts compiler diagnostics (file-less ones get line 0). */
export function toDiagnostics(diagnostics: readonly TS.Diagnostic[]): TypeScriptDiagnostic[] {
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file === undefined || d.start === undefined) return { line: 0, column: 0, code: d.code, message };
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return { line: line + 1, column: character + 1, code: d.code, message };
    });
}

/** `line 3:5: Type 'string' is not assignable to type 'number'.` */
export function formatDiagnostic(d: TypeScriptDiagnostic): string {
  return `line ${d.line}:${d.column}: ${d.message.split('\n')[0] ?? ''}`;
}
