/**
 * @module task-spec/typescript-lib-host
 * The in-memory compiler host that the spec checker (`task-spec/checks/typescript-program.ts`) and the candidates' type
 * checker (`verify/typescript/typescript-compiler-service.ts`) build their programs on: one file of our own beside
 * the installed TypeScript's lib `.d.ts` files, nothing else readable (no `@types`, no module resolution, no disk
 * outside the lib folder). Lib files are parsed once per `libCache` and kept.
 */
import { dirname, join } from 'node:path';
import type TS from 'typescript';
import { ts } from './typescript-api.js';

/** Options of {@link inMemoryCompilerHost}. */
export interface InMemoryCompilerHostOptions {
  /** Virtual path of the one file, under `/zerr`. */
  readonly fileName: string;
  /** The file's current syntax tree (read on every request, so a host can serve a file that changes). */
  readonly file: () => TS.SourceFile | undefined;
  /** Parsed lib files by path; `undefined` records a path that is not a lib file. Filled on first use. */
  readonly libCache: Map<string, TS.SourceFile | undefined>;
  /** The program's options: they locate the lib folder. */
  readonly compilerOptions: TS.CompilerOptions;
}

/** A compiler host serving `options.fileName` and the ES2022 lib (see the module note). Loads TypeScript. */
export function inMemoryCompilerHost(options: InMemoryCompilerHostOptions): TS.CompilerHost {
  const { fileName, file, libCache } = options;
  const libFolder = dirname(ts.getDefaultLibFilePath(options.compilerOptions));
  const isLib = (name: string): boolean => dirname(name) === libFolder && name.endsWith('.d.ts');
  const lib = (name: string): TS.SourceFile | undefined => {
    if (!libCache.has(name)) {
      const text = isLib(name) ? ts.sys.readFile(name) : undefined;
      libCache.set(name, text === undefined ? undefined : ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS));
    }
    return libCache.get(name);
  };
  return {
    getSourceFile: (name) => (name === fileName ? file() : lib(name)),
    getDefaultLibFileName: () => join(libFolder, 'lib.es2022.d.ts'),
    getDefaultLibLocation: () => libFolder,
    writeFile: () => undefined,
    getCurrentDirectory: () => '/zerr',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName || (isLib(name) && ts.sys.fileExists(name)),
    readFile: (name) => (name === fileName ? file()?.text : isLib(name) ? ts.sys.readFile(name) : undefined),
    directoryExists: (name) => name === '/zerr' || name === libFolder,
    getDirectories: () => [],
  };
}
