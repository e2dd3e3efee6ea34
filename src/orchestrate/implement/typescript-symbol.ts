/**
 * @module orchestrate/implement/typescript-symbol
 * Finds a top-level function declaration in a TypeScript file with the compiler's parser (parsing, never running):
 * its typed signature, its JSDoc text and the span the chosen code replaces.
 */
import { builtinModules } from 'node:module';
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';
import type { Parameter } from '../../task-spec/task-spec.js';
import type { SourceSymbol } from './source-symbol.js';

/** Why a symbol could not be read: the message for {@link ImplementTargetError}. */
export type LocateResult = { readonly ok: true; readonly symbol: SourceSymbol } | { readonly ok: false; readonly message: string };

const NOT_IMPLEMENTED = /not\s*(yet\s*)?implemented|unimplemented|todo/i;

/**
 * Reads the top-level function `name` of `source` (`path` only names the file in messages and picks TSX parsing).
 * Without `name`, the file must hold exactly one stub (a function whose body is empty or throws "not implemented").
 * Never throws: an unknown name, a parameter or return type left out, or an arrow function are `ok: false`.
 */
export function locateTypeScriptSymbol(source: string, path: string, name: string | undefined): LocateResult {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const functions = file.statements.filter((s): s is TS.FunctionDeclaration & { name: TS.Identifier; body: TS.Block } =>
    ts.isFunctionDeclaration(s) && s.name !== undefined && s.body !== undefined);
  const listed = functions.map((f) => f.name.text);
  let declaration: (typeof functions)[number] | undefined;
  if (name === undefined) {
    const stubs = functions.filter((f) => isStubBody(f.body));
    if (stubs.length !== 1) {
      return { ok: false, message: `name the function to implement (${path}#<name>): the file holds ${stubs.length === 0 ? 'no stub' : `${stubs.length} stubs (${stubs.map((f) => f.name.text).join(', ')})`}; its functions: ${listed.join(', ') || 'none'}` };
    }
    declaration = stubs[0];
  } else {
    declaration = functions.find((f) => f.name.text === name);
    if (declaration === undefined) {
      const arrow = file.statements.some((s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name));
      return {
        ok: false,
        message: arrow
          ? `${name} is a variable (an arrow function or function expression); zerr implement edits top-level function declarations (function ${name}(...) {...})`
          : `no top-level function declaration named ${name}; the file declares: ${listed.join(', ') || 'no functions'}`,
      };
    }
  }
  if (declaration === undefined) return { ok: false, message: 'no function found' };
  const fn = declaration;
  const inputs: Parameter[] = [];
  for (const parameter of fn.parameters) {
    const text = parameter.name.getText(file);
    if (!ts.isIdentifier(parameter.name)) return { ok: false, message: `${fn.name.text}: parameter ${text} is destructured; zerr implement needs named parameters` };
    if (parameter.type === undefined) return { ok: false, message: `${fn.name.text}: parameter ${text} has no type annotation (zerr implement reads the spec from the signature; add the type or give --spec)` };
    const notes = [
      parameter.dotDotDotToken === undefined ? undefined : 'rest parameter',
      parameter.questionToken === undefined ? undefined : 'optional',
      parameter.initializer === undefined ? undefined : `default: ${parameter.initializer.getText(file)}`,
    ].filter((n): n is string => n !== undefined);
    inputs.push({ name: text, type: parameter.type.getText(file), ...(notes.length === 0 ? {} : { description: notes.join('; ') }) });
  }
  if (fn.type === undefined) return { ok: false, message: `${fn.name.text} has no return type annotation (add one, e.g. ": string", or give --spec)` };
  if (fn.typeParameters !== undefined && fn.typeParameters.length > 0) return { ok: false, message: `${fn.name.text} is generic (<${fn.typeParameters.map((t) => t.getText(file)).join(', ')}>); zerr implement verifies functions over concrete types` };
  const start = fn.getStart(file, false);
  const declarationText = source.slice(start, fn.end);
  const rest = `${source.slice(0, fullStart(fn, file, source))}${source.slice(fn.end)}`;
  const { context, contextNote } = contextOf(rest, path);
  return {
    ok: true,
    symbol: {
      language: 'typescript',
      name: fn.name.text,
      inputs,
      outputType: fn.type.getText(file),
      docLines: jsDocLines(fn, file),
      start,
      end: fn.end,
      stub: `${source.slice(fullStart(fn, file, source), fn.body.getStart(file) + 1)}\n`,
      exported: fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true,
      isStub: isStubBody(fn.body),
      lines: declarationText.split('\n').filter((line) => line.trim() !== '').length,
      context,
      contextNote,
    },
  };
}

/** The declaration's start including its JSDoc and the blank lines before it (so the context has no orphaned comment). */
function fullStart(fn: TS.FunctionDeclaration, file: TS.SourceFile, source: string): number {
  const docs = ts.getJSDocCommentsAndTags(fn).filter(ts.isJSDoc);
  const first = docs[0];
  const start = first === undefined ? fn.getStart(file, false) : first.getStart(file);
  let i = start;
  while (i > 0 && (source[i - 1] === ' ' || source[i - 1] === '\t')) i -= 1;
  return i;
}

/** The file without the declaration, as context, when it imports only Node's built-in modules (or types). */
function contextOf(rest: string, path: string): { context: string | undefined; contextNote: string | undefined } {
  const file = ts.createSourceFile(path, rest, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  if (file.statements.length === 0) return { context: undefined, contextNote: undefined };
  const builtins = new Set(builtinModules);
  for (const statement of file.statements) {
    const specifier = ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true) continue;
    const module = specifier.text;
    if (module.startsWith('node:') || builtins.has(module)) continue;
    return { context: undefined, contextNote: `the file imports ${module}, which the sandbox cannot load beside the candidate: the candidate is verified alone, then with the whole project` };
  }
  const text = rest.replace(/\n{3,}/g, '\n\n').trim();
  return text === '' ? { context: undefined, contextNote: undefined } : { context: `${text}\n`, contextNote: undefined };
}

/** The JSDoc text lines of `fn`: without `/**`, `*\/` and the `*` margin; tags kept as written (`@example`, `@param`). */
function jsDocLines(fn: TS.FunctionDeclaration, file: TS.SourceFile): string[] {
  const doc = ts.getJSDocCommentsAndTags(fn).filter(ts.isJSDoc).at(-1);
  if (doc === undefined) return [];
  const raw = doc.getText(file).replace(/^\/\*\*/, '').replace(/\*\/$/, '');
  const lines = raw.split('\n').map((line) => line.replace(/^\s*\* ?/, '').trimEnd());
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines;
}

/** A body with no statements, or only `throw new Error('not implemented')`-like statements. */
function isStubBody(body: TS.Block): boolean {
  if (body.statements.length === 0) return true;
  return body.statements.every((statement) => ts.isThrowStatement(statement) && NOT_IMPLEMENTED.test(statement.getText()));
}
