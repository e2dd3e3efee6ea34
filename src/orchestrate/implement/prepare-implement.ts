/**
 * @module orchestrate/implement/prepare-implement
 * Everything `zerr implement` settles before its first sample: the target (`<file>[#symbol]`), the repository it is
 * in, the function and its spec, the repository's tests of it, the project files the checks read, and whether the
 * tree is clean enough to commit into. Every refusal is an {@link ImplementTargetError} or a {@link DirtyTreeError}
 * naming what to change.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import { PythonScriptError } from '../../task-spec/run-python-script.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import { DirtyTreeError, ImplementTargetError } from './implement-errors.js';
import type { ImplementTarget } from './implement-layers.js';
import { locatePythonSymbol } from './python-symbol.js';
import { findRepoTests } from './repo-tests.js';
import { changedPaths, hasCommit, isBranchName, listFiles, repositoryRoot } from './repository.js';
import { symbolSpec } from './symbol-spec.js';
import { locateTypeScriptSymbol, type LocateResult } from './typescript-symbol.js';

/** Options of {@link prepareImplement}. */
export interface PrepareImplementOptions {
  /** `<file>[#symbol]`, the file relative to `cwd` or absolute (`src/strings.ts#slugify`). */
  readonly target: string;
  /** Folder a relative file is resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
  /** A spec to use instead of the doc comment's (`--spec`); its entry point must be the function's name and its language the file's. */
  readonly spec?: TaskSpec | undefined;
  /** Go on when tracked files have uncommitted changes (zerr commits only its file). Default false. */
  readonly allowDirty?: boolean;
  /** The branch the result will be committed on, checked now (`git check-ref-format --branch`). Default none. */
  readonly branch?: string;
  readonly signal?: AbortSignal;
}

/** What {@link prepareImplement} found. */
export interface PreparedImplement {
  readonly target: ImplementTarget;
  readonly spec: TaskSpec;
  /** Test cases taken from the doc comment; doc examples that could not be read as literal calls. */
  readonly docExamples: number;
  readonly skippedExamples: number;
  /** Tracked files with uncommitted changes (allowed by `allowDirty`). */
  readonly dirty: readonly string[];
  /** Project files not read for the checks: over 512 KiB, or past 48 MiB in all. */
  readonly filesLeftOut: number;
}

/** Files larger than this are not read for the checks (a generated bundle, a data file). */
const MAX_FILE_BYTES = 512 * 1024;
/** At most this many project files are read ... */
const MAX_FILES = 3000;
/** ... and at most this many bytes in all; the files past it are left out of the checks (the report names how many). */
const MAX_TOTAL_BYTES = 48 * 1024 * 1024;
const CHECKED_FILE = /\.([cm]?ts|pyi?)$|(^|\/)(pyproject\.toml|pyrightconfig\.json|setup\.cfg|pytest\.ini|package\.json|tsconfig(\.[\w-]+)?\.json)$/;

/** A target read: the absolute file, the function's name if given, the language by extension. */
export interface ImplementTargetPath {
  readonly file: string;
  readonly name: string | undefined;
  readonly language: 'typescript' | 'python';
}

/**
 * Reads `<file>[#function]` against `cwd` and checks that the file exists with a supported extension - what can be
 * said before a model is loaded.
 * @throws ImplementTargetError (`invalid_implement_target`) naming the target and what was expected.
 */
export async function readImplementTarget(target: string, cwd: string = process.cwd()): Promise<ImplementTargetPath> {
  const hash = target.lastIndexOf('#');
  const filePart = hash < 0 ? target : target.slice(0, hash);
  const name = hash < 0 ? undefined : target.slice(hash + 1);
  const fail = (message: string): ImplementTargetError => new ImplementTargetError({ target, message });
  if (filePart === '') throw fail('expected <file>[#function], e.g. src/strings.ts#slugify');
  if (name !== undefined && !/^[A-Za-z_$][\w$]*$/.test(name)) throw fail(`"${name}" is not a function name (expected <file>#<name>, e.g. src/strings.ts#slugify)`);
  const file = resolve(cwd, filePart);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) throw fail(`no such file (${file})`);
  if (!info.isFile()) throw fail(`${file} is not a file`);
  const extension = extname(file);
  const language = ['.ts', '.mts', '.cts'].includes(extension) ? 'typescript' : extension === '.py' ? 'python' : undefined;
  if (language === undefined) throw fail(`zerr implement edits TypeScript (.ts, .mts, .cts) and Python (.py) files, not ${extension || 'files without an extension'}`);
  return { file, name, language };
}

/**
 * Reads the target and its repository.
 * @throws ImplementTargetError (`invalid_implement_target`): no such file, an unsupported extension, not in a git
 *   repository or one with no commit, an invalid `branch`, an unknown function, a signature zerr cannot read, a `spec` for another
 *   function or language.
 * @throws DirtyTreeError (`dirty_tree`) when tracked files have uncommitted changes and `allowDirty` is not set;
 *   ImplementTargetError when the edited file itself has uncommitted changes (even with `allowDirty`).
 * @throws the signal's reason when aborted.
 */
export async function prepareImplement(options: PrepareImplementOptions): Promise<PreparedImplement> {
  const fail = (message: string, cause?: unknown): ImplementTargetError => new ImplementTargetError({ target: options.target, message, cause });
  const { file, name, language } = await readImplementTarget(options.target, options.cwd);
  const root = await repositoryRoot(resolve(file, '..'));
  if (root === undefined) throw fail('the file is not in a git repository: zerr implement commits its change on a new branch (git init, then commit your work)');
  if (!(await hasCommit(root))) throw fail(`the repository ${root} has no commit yet: commit your work first, so that zerr's branch has a base`);
  if (options.branch !== undefined && !(await isBranchName(root, options.branch))) throw fail(`"${options.branch}" is not a valid branch name (git check-ref-format --branch)`);
  const path = relative(root, file).split(sep).join('/');
  const dirty = await changedPaths(root);
  if (dirty.length > 0 && options.allowDirty !== true) throw new DirtyTreeError({ repository: root, paths: dirty });
  if (dirty.includes(path)) throw fail(`${path} itself has uncommitted changes, which zerr's commit would carry: commit or stash them first (--allow-dirty covers other files only)`);
  options.signal?.throwIfAborted();

  const source = await readFile(file, 'utf8');
  let located: LocateResult;
  try {
    located = language === 'python' ? await locatePythonSymbol(source, path, name, options.signal) : locateTypeScriptSymbol(source, path, name);
  } catch (error) {
    if (error instanceof PythonScriptError) throw fail(`python3 could not read the file (${error.message})`, error);
    throw error;
  }
  if (!located.ok) throw fail(located.message);
  const { symbol } = located;
  if (options.spec !== undefined) {
    if (options.spec.language !== language) throw fail(`the spec is for ${options.spec.language}, the file is ${language}`);
    if (options.spec.signature.entryPoint !== symbol.name) throw fail(`the spec's entry point is ${options.spec.signature.entryPoint}, the function is ${symbol.name}`);
    if (options.spec.taskType !== 'function') throw fail(`the spec is a ${options.spec.taskType} spec; zerr implement takes a function spec`);
  }
  const built = symbolSpec(symbol, { path, given: options.spec });

  const listed = (await listFiles(root)).filter((p) => CHECKED_FILE.test(p) && !p.split('/').includes('node_modules')).slice(0, MAX_FILES);
  const files: Record<string, string> = {};
  let total = source.length;
  let leftOut = 0;
  for (const p of listed) {
    const absolute = resolve(root, p);
    const size = (await stat(absolute).catch(() => undefined))?.size;
    if (size === undefined || size > MAX_FILE_BYTES || total + size > MAX_TOTAL_BYTES) {
      leftOut += 1;
      continue;
    }
    total += size;
    files[p] = p === path ? source : await readFile(absolute, 'utf8');
  }
  files[path] = source;
  const testFiles = findRepoTests({ paths: Object.keys(files), read: (p) => files[p], target: path, name: symbol.name, language });
  return {
    target: { root, path, source, symbol, files, testFiles },
    spec: built.spec,
    docExamples: built.docExamples,
    skippedExamples: built.skippedExamples,
    dirty,
    filesLeftOut: leftOut,
  };
}
