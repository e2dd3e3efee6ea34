/**
 * @module orchestrate/implement/typescript-repo-types
 * Type-checks a repository's TypeScript project with one file's text replaced (the candidate spliced in), under the
 * project's own `tsconfig.json` and all its files, with the compiler API (checking, never running or emitting).
 * Without a `tsconfig.json` the edited file and the given extra files are checked with strict defaults.
 *
 * Runs inside an analysis worker (`typescript-repo-check-worker.ts`, a {@link BoundedWorker} with a heap and time
 * limit), because the text checked is a candidate's. The worker keeps one {@link RepositoryTypeChecker} per
 * repository: the project's other files are parsed once, and each check passes the previous program as
 * `oldProgram`.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';

/** One check: the repository, the edited file and its text, and files to check beside the project's own (its tests). */
export interface RepositoryTypeCheckRequest {
  /** Absolute path of the repository root (where `tsconfig.json` is looked for, upwards from the edited file). */
  readonly root: string;
  /** Absolute path of the edited file. */
  readonly file: string;
  /** The edited file's text to check. */
  readonly text: string;
  /** Absolute paths checked with the project even when its `tsconfig.json` does not include them. Default none. */
  readonly extraFiles?: readonly string[];
}

/** One compiler error; `file` is relative to the root with `/` separators ('' for an error of no file). */
export interface RepositoryTypeError {
  readonly file: string;
  readonly line: number;
  readonly code: number;
  readonly message: string;
}

/** Outcome of a check: the errors, and the `tsconfig.json` used (root-relative) or null for the defaults. */
export interface RepositoryTypeCheckResult {
  readonly errors: readonly RepositoryTypeError[];
  readonly config: string | null;
}

const DEFAULT_OPTIONS: TS.CompilerOptions = {
  strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  noEmit: true, skipLibCheck: true, esModuleInterop: true,
};

/** Checks one repository, keeping parsed files and the last program between checks. */
export class RepositoryTypeChecker {
  readonly #files = new Map<string, TS.SourceFile>();
  #program: TS.Program | undefined;

  /**
   * Type-checks the project with `request.file` read as `request.text`. Errors of the project's own configuration
   * (an unreadable `tsconfig.json`) are returned as errors of file `tsconfig.json`.
   */
  check(request: RepositoryTypeCheckRequest): RepositoryTypeCheckResult {
    const edited = resolve(request.file);
    const configPath = ts.findConfigFile(dirname(edited), (path) => ts.sys.fileExists(path) && isInside(request.root, path), 'tsconfig.json');
    let options = DEFAULT_OPTIONS;
    let rootNames = [edited];
    const errors: RepositoryTypeError[] = [];
    if (configPath !== undefined) {
      const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: true }, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => errors.push(toError(diagnostic, request.root)),
      });
      if (parsed !== undefined) {
        options = { ...parsed.options, noEmit: true };
        rootNames = parsed.fileNames.map((name) => resolve(name));
        for (const diagnostic of parsed.errors) errors.push(toError(diagnostic, request.root));
      }
    }
    if (!rootNames.includes(edited)) rootNames.push(edited);
    for (const extra of request.extraFiles ?? []) if (!rootNames.includes(resolve(extra))) rootNames.push(resolve(extra));
    const host = ts.createCompilerHost(options, true);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (resolve(name) === edited ? request.text : readFile(name));
    host.getSourceFile = (name, languageVersion) => {
      const path = resolve(name);
      if (path === edited) return ts.createSourceFile(name, request.text, languageVersion, true);
      const cached = this.#files.get(path);
      if (cached !== undefined) return cached;
      const text = readFile(name);
      if (text === undefined) return undefined;
      const file = ts.createSourceFile(name, text, languageVersion, true);
      this.#files.set(path, file);
      return file;
    };
    const program = ts.createProgram({ rootNames, options, host, ...(this.#program === undefined ? {} : { oldProgram: this.#program }) });
    this.#program = program;
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) errors.push(toError(diagnostic, request.root));
    return { errors, config: configPath === undefined ? null : relative(request.root, configPath).split(sep).join('/') };
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !rel.startsWith(sep);
}

function toError(diagnostic: TS.Diagnostic, root: string): RepositoryTypeError {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return { file: '', line: 0, code: diagnostic.code, message };
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: relative(root, diagnostic.file.fileName).split(sep).join('/'), line: line + 1, code: diagnostic.code, message };
}
