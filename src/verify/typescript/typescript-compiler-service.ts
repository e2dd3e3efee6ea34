/**
 * @module verify/typescript/typescript-compiler-service
 * A warm, reused in-memory TypeScript compiler: the ES2022 lib `.d.ts` files are read and parsed once and kept;
 * each check builds a program for one virtual file, passing the previous program as `oldProgram`, so a repeat
 * check costs a few ms instead of a `tsc` process.
 *
 * Script or module? Candidates are MultiPL-E-style global scripts, and the harness runs them as scripts. Each
 * check is its own program with only the lib beside it, so candidates never clash with each other; the remaining
 * risk is a clash with a lib global (`function escape(...)` redeclaring the lib's). We check every file as a module
 * (`moduleDetection: force`, the same as appending `export {}` but without touching the text): top-level names are
 * then module-scoped and may shadow lib globals, which is what running the script does (it overwrites them). What
 * a module forbids that a script allows (`with`, octal literals) is already an error in strict mode, which
 * TypeScript assumes anyway. No `@types/node` (`types: []`): candidates get no `require` or `process`.
 *
 * Where it runs: type checking is unbounded in time and memory (a type-level bomb can keep the checker busy for
 * minutes and exhaust the heap), so the engine type checks candidates only through `TypeScriptTypeChecker`, which runs
 * this service in a worker thread under limits. In the engine's own thread the syntax layer uses
 * {@link TypeScriptCompilerService.checkSyntax}, which only parses (linear in the text, no lib).
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';
import { inMemoryCompilerHost } from '../../task-spec/typescript-lib-host.js';
import { toDiagnostics, type TypeScriptDiagnostic } from './typescript-diagnostic.js';

/** Virtual path of the checked file. */
export const CANDIDATE_FILE = '/zerr/candidate.ts';

/**
 * Compiler options of every check: ES2022 lib only, strict, no emit, no ambient types, no module resolution. The
 * enum-valued options are getters, so that importing this module does not load TypeScript.
 */
export const CHECK_COMPILER_OPTIONS: TS.CompilerOptions = Object.freeze({
  get target() { return ts.ScriptTarget.ES2022; },
  get module() { return ts.ModuleKind.ESNext; },
  get moduleResolution() { return ts.ModuleResolutionKind.Bundler; },
  get moduleDetection() { return ts.ModuleDetectionKind.Force; },
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  noResolve: true,
  allowJs: false,
});

/** Result of a type check. */
export interface TypeCheckResult {
  readonly syntactic: readonly TypeScriptDiagnostic[];
  readonly semantic: readonly TypeScriptDiagnostic[];
  readonly durationMs: number;
}

/**
 * The warm compiler. Not thread-safe, but JavaScript is single-threaded and every method is synchronous. The lib
 * cache (about 10 MB) is filled by the first `checkTypes` or `program` and lives as long as the instance.
 */
export class TypeScriptCompilerService {
  readonly #libCache = new Map<string, TS.SourceFile | undefined>();
  readonly #host: TS.CompilerHost;
  #candidate: TS.SourceFile | undefined;
  #oldProgram: TS.Program | undefined;

  constructor() {
    this.#host = inMemoryCompilerHost({ fileName: CANDIDATE_FILE, file: () => this.#candidate, libCache: this.#libCache, compilerOptions: CHECK_COMPILER_OPTIONS });
  }

  /**
   * Parse (syntax) diagnostics of `code`: no type checker is created and no lib is read (about 1 ms per 10 KB).
   * Code nested too deeply for the parser's stack gets one diagnostic at line 0 (code 0) instead of a throw.
   */
  checkSyntax(code: string): TypeScriptDiagnostic[] {
    try {
      const file = ts.createSourceFile(CANDIDATE_FILE, code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
      const host: TS.CompilerHost = { ...this.#host, getSourceFile: (fileName) => (fileName === CANDIDATE_FILE ? file : undefined) };
      const program = ts.createProgram({ rootNames: [CANDIDATE_FILE], options: { ...CHECK_COMPILER_OPTIONS, noLib: true }, host });
      return toDiagnostics(program.getSyntacticDiagnostics(file));
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return [{ line: 0, column: 0, code: 0, message: `the code is nested too deeply to parse (${error.message})` }];
    }
  }

  /** Syntax and semantic diagnostics of `code` as a standalone file (see the module comment). */
  checkTypes(code: string): TypeCheckResult {
    const started = performance.now();
    const program = this.#program(code);
    const syntactic = toDiagnostics(program.getSyntacticDiagnostics(this.#candidate));
    const semantic = syntactic.length > 0 ? [] : toDiagnostics(program.getSemanticDiagnostics(this.#candidate));
    return { syntactic, semantic, durationMs: performance.now() - started };
  }

  /**
   * The `ts.Program` of `code` as {@link CANDIDATE_FILE} over the cached lib, reusing the previous program as
   * `oldProgram`. The candidate is parsed with parent pointers, which typescript-eslint's type-aware rules need, so
   * the linter shares this service's lib cache instead of keeping its own.
   */
  program(code: string): TS.Program {
    return this.#program(code);
  }

  #program(code: string): TS.Program {
    this.#candidate = ts.createSourceFile(CANDIDATE_FILE, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const program = ts.createProgram({
      rootNames: [CANDIDATE_FILE],
      options: CHECK_COMPILER_OPTIONS,
      host: this.#host,
      ...(this.#oldProgram ? { oldProgram: this.#oldProgram } : {}),
    });
    this.#oldProgram = program;
    return program;
  }
}
