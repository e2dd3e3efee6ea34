/**
 * @module verify/static/lint-program-host
 * A warm `ts.Program` builder for type-aware linting: typescript-eslint's rules that need types
 * (`@typescript-eslint/no-unnecessary-condition`) read a `ts.Program` given in `parserOptions.programs`. Same
 * approach and the same compiler options as the `TypeScriptCompilerService` (one virtual file, ES2022 lib parsed
 * once and kept, the previous program passed as `oldProgram`), so a repeat build costs a few ms.
 *
 * Why a second lib cache (about 10 MB) and not the compiler service's: the service does not expose its program,
 * and its candidate file is parsed without parent pointers, which typescript-estree needs. See the report of the
 * static-analysis issue: exposing `program(code)` on the service would let both share one cache.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { CANDIDATE_FILE, CHECK_COMPILER_OPTIONS } from '../typescript/typescript-compiler-service.js';

/** Builds one program per candidate over a cached lib. Synchronous, so one instance is safe to share. */
export class LintProgramHost {
  readonly #libFolder = dirname(ts.getDefaultLibFilePath(CHECK_COMPILER_OPTIONS));
  readonly #libCache = new Map<string, ts.SourceFile | undefined>();
  readonly #host: ts.CompilerHost;
  #candidate: ts.SourceFile | undefined;
  #oldProgram: ts.Program | undefined;

  constructor() {
    const libFolder = this.#libFolder;
    const isLib = (fileName: string): boolean => dirname(fileName) === libFolder && fileName.endsWith('.d.ts');
    this.#host = {
      getSourceFile: (fileName) => (fileName === CANDIDATE_FILE ? this.#candidate : this.#lib(fileName)),
      getDefaultLibFileName: () => join(libFolder, 'lib.es2022.d.ts'),
      getDefaultLibLocation: () => libFolder,
      writeFile: () => undefined,
      getCurrentDirectory: () => '/zerr',
      getCanonicalFileName: (fileName) => fileName,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (fileName) => fileName === CANDIDATE_FILE || (isLib(fileName) && ts.sys.fileExists(fileName)),
      readFile: (fileName) =>
        fileName === CANDIDATE_FILE ? this.#candidate?.text : isLib(fileName) ? ts.sys.readFile(fileName) : undefined,
      directoryExists: (name) => name === '/zerr' || name === libFolder,
      getDirectories: () => [],
    };
  }

  /** The program of `code` as {@link CANDIDATE_FILE} (candidate parsed with parent pointers). */
  program(code: string): ts.Program {
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

  #lib(fileName: string): ts.SourceFile | undefined {
    if (!this.#libCache.has(fileName)) {
      const text = dirname(fileName) === this.#libFolder ? ts.sys.readFile(fileName) : undefined;
      this.#libCache.set(
        fileName,
        text === undefined ? undefined : ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS),
      );
    }
    return this.#libCache.get(fileName);
  }
}
