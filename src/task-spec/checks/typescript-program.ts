/**
 * @module task-spec/checks/typescript-program
 * Type checks a small TypeScript file written by the spec checker (declarations of the spec's types and one
 * function per expression) against the ES2022 lib, in memory. The lib's `.d.ts` files are parsed once per process
 * and kept (about 10 MB; parsing them is most of the first check's 0.4-0.7 s on a 2-core machine, a later check
 * takes a few ms), the same options as the candidates' type check (`verify/typescript`): strict, no `@types`, no
 * module resolution, every file a module. Loads TypeScript on first use only.
 */
import type TS from 'typescript';
import { ts } from '../typescript-api.js';
import { inMemoryCompilerHost } from '../typescript-lib-host.js';

/** Virtual path of the checked file. */
const FILE = '/zerr/spec-check.ts';

/** One diagnostic of the checked file: offset into the text, message (flattened), TypeScript's code. */
export interface SpecTypeDiagnostic {
  readonly start: number;
  readonly message: string;
  readonly code: number;
}

/**
 * The parsed lib files, shared by every check in this process: they depend only on the installed TypeScript, and
 * parsing them again per spec would cost 0.3 s each time.
 */
const libCache = new Map<string, TS.SourceFile | undefined>();

function compilerOptions(): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    noResolve: true,
    allowUnreachableCode: true,
    noUnusedLocals: false,
  };
}

/** Parses `code` only (no lib, no checker): the syntax tree, for callers that look at its shape. */
export function parseTypeScript(code: string): TS.SourceFile {
  return ts.createSourceFile(FILE, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/**
 * Syntax and (when the syntax is clean) semantic diagnostics of `code` as one module beside the ES2022 lib.
 * Synchronous; the first call in a process loads TypeScript and parses the lib.
 */
export function typeScriptDiagnostics(code: string): SpecTypeDiagnostic[] {
  const options = compilerOptions();
  const file = ts.createSourceFile(FILE, code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const host = inMemoryCompilerHost({ fileName: FILE, file: () => file, libCache, compilerOptions: options });
  const program = ts.createProgram({ rootNames: [FILE], options, host });
  const syntactic = program.getSyntacticDiagnostics(file);
  const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(file);
  return diagnostics.map((d) => ({ start: d.start ?? 0, message: ts.flattenDiagnosticMessageText(d.messageText, ' '), code: d.code }));
}
