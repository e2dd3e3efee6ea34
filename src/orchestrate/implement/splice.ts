/**
 * @module orchestrate/implement/splice
 * Puts a candidate's code where the function it implements stands in the file: the declaration's span is replaced
 * by the candidate (with its helpers, in the order written), exported as the original was. Text only; nothing runs.
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';
import type { SourceSymbol } from './source-symbol.js';

/**
 * The file `source` with `symbol`'s declaration replaced by `candidate` (the model's own code, without the spec's
 * context). A TypeScript candidate whose function `symbol.name` is not exported is exported when the original
 * was; a Python candidate is placed as written. The candidate's trailing newlines are trimmed to what the original
 * declaration had after it.
 */
export function spliceCandidate(source: string, symbol: SourceSymbol, candidate: string): string {
  const own = withoutKnownImports(candidate, source);
  const code = symbol.language === 'typescript'
    ? (symbol.exported ? exportedFunction(own, symbol.name) : own)
    : (symbol.docstring === undefined ? own : withDocstring(own, symbol.name, symbol.docstring));
  return `${source.slice(0, symbol.start)}${code.replace(/\s+$/, '')}${source.slice(symbol.end)}`;
}

/** `candidate` without its leading import lines that `source` already holds verbatim (the prompt showed them as given). */
function withoutKnownImports(candidate: string, source: string): string {
  const known = new Set(source.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
  const lines = candidate.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i]?.trim() === '' || (/^(import\s|from\s+\S+\s+import\s)/.test(lines[i]?.trim() ?? '') && known.has(lines[i]?.trim() ?? '')))) i += 1;
  return lines.slice(i).join('\n');
}

/**
 * A Python candidate whose function `name` has no docstring gets `docstring` (the original's source lines) as the
 * first statement of its body, indented as the body is: the repository's documentation is not the model's to drop.
 */
function withDocstring(candidate: string, name: string, docstring: string): string {
  const lines = candidate.split('\n');
  const def = lines.findIndex((line) => new RegExp(`^(async\\s+)?def\\s+${name}\\s*\\(`).test(line));
  if (def < 0) return candidate;
  let end = def;
  while (end < lines.length && !/:\s*(#.*)?$/.test(lines[end] ?? '')) end += 1;
  const body = lines.slice(end + 1).find((line) => line.trim() !== '');
  if (body === undefined || /^\s*[rRuUbB]?("""|''')/.test(body) || /^\s*[rRuU]?["']/.test(body)) return candidate;
  const indent = /^\s*/.exec(body)?.[0] ?? '    ';
  const docLines = docstring.split('\n');
  const margin = Math.min(...docLines.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)?.[0].length ?? 0));
  const placed = docLines.map((line) => (line.trim() === '' ? '' : `${indent}${line.slice(margin)}`));
  return [...lines.slice(0, end + 1), ...placed, ...lines.slice(end + 1)].join('\n');
}

/** `candidate` with `export ` before the top-level declaration of function `name` when it lacks it. */
function exportedFunction(candidate: string, name: string): string {
  const file = ts.createSourceFile('candidate.ts', candidate, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declaration = file.statements.find((s): s is TS.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name && s.body !== undefined);
  if (declaration === undefined) return candidate;
  if (declaration.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true) return candidate;
  const at = declaration.getStart(file, false);
  return `${candidate.slice(0, at)}export ${candidate.slice(at)}`;
}
