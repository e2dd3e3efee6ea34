/**
 * @module orchestrate/project-build/integrate/project-type-checker
 * Type-checks a whole integrated project in memory with the compiler API: every `src/` and `test/` TypeScript file
 * together, under the project's own compiler options ({@link PROJECT_COMPILER_OPTIONS}: strict, NodeNext, so the
 * `.js` import suffixes resolve to the `.ts` files), without writing anything or starting `tsc`.
 *
 * Like `verify/typescript`'s warm service, the library files (the ES2022 lib and `@types/node`, parsed once) are
 * cached for the checker's life and each check passes the previous program as `oldProgram`. That service checks one
 * virtual file with no module resolution, so it cannot be reused for a multi-file project; its lib-folder approach
 * is. The compiler host serves the project from memory under {@link PROJECT_ROOT} and reads the real disk only in
 * the TypeScript lib folder and the `node_modules` folder that holds `@types/node`.
 *
 * `@types/node` is resolved from zerr's own installation. Where it is missing (an install without
 * devDependencies), the checker falls back to {@link NODE_TEST_DECLARATIONS}: ambient declarations of the few
 * `node:test` and `node:assert/strict` functions generated tests use.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type TS from 'typescript';
import { ts } from '../../../task-spec/typescript-api.js';
import { PROJECT_COMPILER_OPTIONS } from './project-config.js';

/** Virtual folder the project is checked in. */
export const PROJECT_ROOT = '/zerr-project';
/** The project's `node_modules` folder in the check (read from {@link ProjectTypeCheckerOptions.packagesFolder}). */
const PROJECT_PACKAGES = `${PROJECT_ROOT}/node_modules`;

/** One compiler error. `file` is project-relative (`src/count-words.ts`), or `''` for a file-less diagnostic. */
export interface ProjectTypeError {
  readonly file: string;
  /** 1-based; 0 for a file-less diagnostic. */
  readonly line: number;
  readonly column: number;
  /** TS error number, e.g. 2322. */
  readonly code: number;
  readonly message: string;
}

/** Outcome of one project check. */
export interface ProjectTypeCheckResult {
  /** Sorted by file, line and column. */
  readonly errors: readonly ProjectTypeError[];
  readonly durationMs: number;
}

/** Options of {@link ProjectTypeChecker}. */
export interface ProjectTypeCheckerOptions {
  /**
   * Folder of the `@types/node` package (holding its `index.d.ts`). Default: resolved from zerr's installation;
   * `null` (or unresolvable): use {@link NODE_TEST_DECLARATIONS} instead.
   */
  readonly nodeTypesFolder?: string | null;
  /**
   * The `node_modules` folder the project's own `node_modules` reads from (the project's dependencies: a service's
   * Fastify). Default: the one of zerr's installation that holds Fastify; `null`: none (imports of packages fail).
   */
  readonly packagesFolder?: string | null;
}

/** Fallback ambient declarations of what generated tests use from `node:test` and `node:assert/strict`. */
export const NODE_TEST_DECLARATIONS = `declare module 'node:test' {
  type TestFn = () => void | Promise<void>;
  export function test(name: string, fn: TestFn): Promise<void>;
  export function test(name: string, options: object, fn: TestFn): Promise<void>;
  export function describe(name: string, fn: () => void): void;
  export function before(fn: () => void | Promise<void>): void;
  export function after(fn: () => void | Promise<void>): void;
  export const it: typeof test;
  export default test;
}
declare module 'node:assert/strict' {
  function assert(value: unknown, message?: string | Error): asserts value;
  namespace assert {
    function ok(value: unknown, message?: string | Error): asserts value;
    function equal<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
    function strictEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
    function deepEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
    function deepStrictEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
    function notDeepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void;
    function throws(block: () => unknown, message?: string | Error): void;
    function rejects(block: (() => Promise<unknown>) | Promise<unknown>, message?: string | Error): Promise<void>;
  }
  export default assert;
}
`;

const FALLBACK_DECLARATIONS_FILE = `${PROJECT_ROOT}/.zerr/node-test.d.ts`;

/** Checked files: TypeScript under `src/` and `test/`. */
export function isCheckedFile(path: string): boolean {
  return /^(src|test)\/.+\.(ts|mts|cts)$/.test(path);
}

/**
 * A warm, reusable project type checker. Synchronous and not re-entrant (JavaScript is single-threaded); one per
 * build. The library cache (about 15 MB with `@types/node`) lives as long as the instance.
 */
export class ProjectTypeChecker {
  readonly #libFolder: string;
  readonly #nodeTypesFolder: string | undefined;
  readonly #realRoots: readonly string[];
  readonly #packagesFolder: string | undefined;
  readonly #options: TS.CompilerOptions;
  readonly #cache = new Map<string, TS.SourceFile | undefined>();
  #files = new Map<string, string>();
  #oldProgram: TS.Program | undefined;

  constructor(options: ProjectTypeCheckerOptions = {}) {
    const converted = ts.convertCompilerOptionsFromJson(PROJECT_COMPILER_OPTIONS, PROJECT_ROOT);
    this.#libFolder = dirname(ts.getDefaultLibFilePath(converted.options));
    this.#nodeTypesFolder = options.nodeTypesFolder === undefined ? resolveNodeTypes() : (options.nodeTypesFolder ?? undefined);
    const typesRoot = this.#nodeTypesFolder === undefined ? undefined : dirname(this.#nodeTypesFolder);
    // `@types/node` imports `undici-types`, a sibling package: the whole node_modules folder may be read.
    this.#realRoots = [this.#libFolder, ...(typesRoot === undefined ? [] : [dirname(typesRoot)])];
    this.#packagesFolder = options.packagesFolder === undefined ? resolvePackagesFolder() : (options.packagesFolder ?? undefined);
    this.#options = {
      ...converted.options,
      noEmit: true,
      ...(typesRoot === undefined ? { types: [] } : { typeRoots: [typesRoot], types: ['node'] }),
    };
  }

  /** Whether real `@types/node` is used (else the fallback declarations). */
  get usesNodeTypes(): boolean {
    return this.#nodeTypesFolder !== undefined;
  }

  /**
   * Checks the project: syntax, options, global and semantic diagnostics of every `src/` and `test/` TypeScript
   * file (relative path -> content). `package.json` from `files` decides the module format (a missing one counts
   * as `{"type":"module"}`). Errors only; warnings and suggestions are left out.
   */
  check(files: Readonly<Record<string, string>>): ProjectTypeCheckResult {
    const started = performance.now();
    this.#files = new Map(Object.entries(files).map(([path, text]) => [`${PROJECT_ROOT}/${path}`, text]));
    if (!this.#files.has(`${PROJECT_ROOT}/package.json`)) this.#files.set(`${PROJECT_ROOT}/package.json`, '{"type":"module"}\n');
    const rootNames = Object.keys(files).filter(isCheckedFile).sort().map((path) => `${PROJECT_ROOT}/${path}`);
    if (this.#nodeTypesFolder === undefined) {
      this.#files.set(FALLBACK_DECLARATIONS_FILE, NODE_TEST_DECLARATIONS);
      rootNames.push(FALLBACK_DECLARATIONS_FILE);
    }
    const program = ts.createProgram({
      rootNames,
      options: this.#options,
      host: this.#host(),
      ...(this.#oldProgram ? { oldProgram: this.#oldProgram } : {}),
    });
    this.#oldProgram = program;
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...program.getSyntacticDiagnostics(),
      ...program.getSemanticDiagnostics(),
    ];
    const errors = diagnostics
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map(toProjectTypeError)
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
    return { errors, durationMs: performance.now() - started };
  }

  /**
   * The host path a checked path reads from: itself under the real roots; under the project's `node_modules`, the
   * same path in the `node_modules` folder of zerr's installation (where `npm install` in the output would put the
   * project's dependencies: a service's Fastify); else undefined (a virtual file or nothing).
   */
  #hostPath(path: string): string | undefined {
    if (this.#packagesFolder !== undefined && (path === PROJECT_PACKAGES || path.startsWith(`${PROJECT_PACKAGES}/`))) return this.#packagesFolder + path.slice(PROJECT_PACKAGES.length);
    return this.#realRoots.some((root) => path === root || path.startsWith(`${root}/`)) ? path : undefined;
  }

  #onHost<T>(path: string, read: (host: string) => T, otherwise: T): T {
    const host = this.#hostPath(path);
    return host === undefined ? otherwise : read(host);
  }

  #isVirtualFolder(path: string): boolean {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    for (const file of this.#files.keys()) if (file.startsWith(prefix)) return true;
    return false;
  }

  #host(): TS.CompilerHost {
    return {
      getSourceFile: (fileName, languageVersionOrOptions) => {
        const text = this.#files.get(fileName);
        if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersionOrOptions, false);
        const host = this.#hostPath(fileName);
        if (host === undefined) return undefined;
        const format = typeof languageVersionOrOptions === 'object' ? String(languageVersionOrOptions.impliedNodeFormat) : '';
        const key = `${fileName}\0${format}`;
        if (!this.#cache.has(key)) {
          const real = ts.sys.readFile(host);
          this.#cache.set(key, real === undefined ? undefined : ts.createSourceFile(fileName, real, languageVersionOrOptions, false));
        }
        return this.#cache.get(key);
      },
      getDefaultLibFileName: (options) => join(this.#libFolder, ts.getDefaultLibFileName(options)),
      getDefaultLibLocation: () => this.#libFolder,
      writeFile: () => undefined,
      getCurrentDirectory: () => PROJECT_ROOT,
      getCanonicalFileName: (fileName) => fileName,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (fileName) => this.#files.has(fileName) || this.#onHost(fileName, (host) => ts.sys.fileExists(host), false),
      readFile: (fileName) => this.#files.get(fileName) ?? this.#onHost(fileName, (host) => ts.sys.readFile(host), undefined),
      directoryExists: (name) => this.#isVirtualFolder(name) || this.#onHost(name, (host) => ts.sys.directoryExists(host), false),
      getDirectories: (name) => this.#onHost(name, (host) => ts.sys.getDirectories(host), []),
      realpath: (path) => path,
    };
  }
}

function toProjectTypeError(diagnostic: TS.Diagnostic): ProjectTypeError {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return { file: '', line: 0, column: 0, code: diagnostic.code, message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const name = diagnostic.file.fileName;
  const file = name.startsWith(`${PROJECT_ROOT}/`) ? name.slice(PROJECT_ROOT.length + 1) : name;
  return { file, line: line + 1, column: character + 1, code: diagnostic.code, message };
}

/** The `node_modules` folder of zerr's installation holding Fastify (a generated service's dependency), or undefined. */
function resolvePackagesFolder(): string | undefined {
  try {
    return dirname(dirname(createRequire(import.meta.url).resolve('fastify/package.json')));
  } catch {
    return undefined;
  }
}

/** Folder of `@types/node` as zerr's own module resolution finds it, or undefined. */
function resolveNodeTypes(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('@types/node/package.json'));
  } catch {
    return undefined;
  }
}
