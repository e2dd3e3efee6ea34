/**
 * @module task-spec/load-spec
 * Reads and validates task specs from values and from `.yaml`/`.yml`/`.json` files. Every problem is reported at
 * once, with the field, the value found and what was expected: first the schema (zod), then what the schema cannot
 * say (`check-spec.ts`: type names, names, test cases against the signature, expressions parsed and type-checked).
 * Files are read within the limits of `spec-limits.ts` (size, nesting depth, YAML aliases).
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { InvalidArgumentError } from '../errors/index.js';
import { checkSpecSync, checkTaskSpec } from './check-spec.js';
import { formatPath, formatSpecIssues } from './format-issues.js';
import { MAX_SPEC_DEPTH, MAX_SPEC_FILE_BYTES, MAX_YAML_ALIAS_COUNT, textNestingDepth, valueDepthPath } from './spec-limits.js';
import { SpecNotFoundError } from './spec-not-found-error.js';
import { SpecValidationError } from './spec-validation-error.js';
import { TaskSpecSchema, type TaskSpec } from './task-spec.js';

/**
 * Validates a task spec given as a plain value (e.g. parsed YAML/JSON) and applies defaults, then runs the checks
 * that need no other process (`checkSpecSync`: type names, parameter names, `entryPoint`, test cases against the
 * signature, TypeScript expressions parsed and type-checked). Python expressions need `python3` and are checked by
 * {@link loadTaskSpec} and by the engine's preflight (`checkSpecExpressionsAsync`).
 *
 * @param input - the spec as written by a user ({@link TaskSpecInput} shape), nested at most
 *   {@link MAX_SPEC_DEPTH} levels.
 * @param source - name used at the start of each message line. Default `spec`.
 * @throws SpecValidationError (`invalid_spec`) listing every issue, including unknown keys.
 */
export function parseTaskSpec(input: unknown, source = 'spec'): TaskSpec {
  const spec = parseSchema(input, source);
  const issues = checkSpecSync(spec, source);
  if (issues.length > 0) throw new SpecValidationError({ source, issues });
  return spec;
}

/** The depth cap, then the zod schema with defaults. */
function parseSchema(input: unknown, source: string): TaskSpec {
  const deep = valueDepthPath(input);
  if (deep !== undefined) throw tooDeep(source, formatPath(deep), undefined);
  const parsed = TaskSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SpecValidationError({
    source,
    issues: formatSpecIssues(source, TaskSpecSchema, input, parsed.error.issues),
    cause: parsed.error,
  });
}

function rootError(source: string, value: unknown, expected: string, got: string, line?: number, cause?: unknown): SpecValidationError {
  const where = line === undefined ? source : `${source}:${line}`;
  const message = `${where}: (root): got ${got}, expected ${expected}`;
  return new SpecValidationError({
    source,
    issues: [{ path: '(root)', value, expected, message, ...(line === undefined ? {} : { line }) }],
    cause,
  });
}

function tooDeep(source: string, path: string, line: number | undefined): SpecValidationError {
  const expected = `a document nested at most ${MAX_SPEC_DEPTH} levels deep`;
  const where = line === undefined ? source : `${source}:${line}`;
  const message = `${where}: ${path}: got a value nested more than ${MAX_SPEC_DEPTH} levels deep, expected ${expected}`;
  return new SpecValidationError({ source, issues: [{ path, value: undefined, expected, message, ...(line === undefined ? {} : { line }) }] });
}

/** Refuses text nested deeper than {@link MAX_SPEC_DEPTH} before a parser recurses into it. */
function checkTextDepth(text: string, source: string): void {
  const scanned = textNestingDepth(text);
  if (scanned.depth > MAX_SPEC_DEPTH) throw tooDeep(source, '(root)', scanned.line);
}

function syntaxError(source: string, what: string, detail: string, line: number | undefined, cause: unknown): never {
  const where = line === undefined ? source : `${source}:${line}`;
  const expected = `valid ${what}`;
  const message = `${where}: (root): got a ${what} syntax error (${detail}), expected ${expected}`;
  throw new SpecValidationError({
    source,
    issues: [{ path: '(root)', value: undefined, expected, message, ...(line === undefined ? {} : { line }) }],
    cause,
  });
}

/**
 * Parses YAML text into a value (first document only; duplicate keys are errors).
 * @throws SpecValidationError (`invalid_spec`) with the line of the first syntax error.
 */
export function parseSpecYaml(text: string, source: string): unknown {
  checkTextDepth(text, source);
  let document;
  try {
    document = parseDocument(text, { uniqueKeys: true });
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(source, '(root)', undefined);
    throw error;
  }
  const [first] = document.errors;
  if (first !== undefined) {
    const detail = first.message.split('\n')[0] ?? first.message;
    syntaxError(source, 'YAML', detail, first.linePos?.[0].line, first);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(source, '(root)', undefined);
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw rootError(
        source, undefined, `a document whose aliases (*name) expand to at most ${MAX_YAML_ALIAS_COUNT} nodes`,
        `a YAML document whose aliases expand past that (${error.message}: an alias bomb?)`, undefined, error,
      );
    }
    throw rootError(source, undefined, 'a YAML document that converts to a value', `a YAML conversion error (${error instanceof Error ? error.message : String(error)})`, undefined, error);
  }
}

/**
 * Parses JSON text into a value.
 * @throws SpecValidationError (`invalid_spec`) with the line of the syntax error when the engine reports it.
 */
export function parseSpecJson(text: string, source: string): unknown {
  checkTextDepth(text, source);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(source, '(root)', undefined);
    const detail = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(detail)?.[1];
    // Older engines give no position: YAML (a JSON superset) usually locates the same error.
    const line =
      position === undefined
        ? parseDocument(text).errors[0]?.linePos?.[0].line
        : text.slice(0, Number(position)).split('\n').length;
    return syntaxError(source, 'JSON', detail, line, error);
  }
}

/**
 * Reads a spec file's text: at most {@link MAX_SPEC_FILE_BYTES} bytes of UTF-8.
 * @throws SpecNotFoundError (`spec_not_found`) for a missing, unreadable or non-regular file (a directory).
 * @throws SpecValidationError (`invalid_spec`) for a file over the size cap.
 */
async function readSpecText(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new SpecNotFoundError({ path, cause: error });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new SpecNotFoundError({ path, reason: 'is a directory, expected a YAML or JSON file' });
    if (!info.isFile()) throw new SpecNotFoundError({ path, reason: 'is not a regular file, expected a YAML or JSON file' });
    if (info.size > MAX_SPEC_FILE_BYTES) {
      throw rootError(path, info.size, `a spec file of at most ${MAX_SPEC_FILE_BYTES} bytes (1 MiB)`, `a file of ${info.size} bytes`);
    }
    // Read one byte past the cap: the file may have grown since stat.
    const buffer = Buffer.alloc(MAX_SPEC_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_SPEC_FILE_BYTES) {
        throw rootError(path, length, `a spec file of at most ${MAX_SPEC_FILE_BYTES} bytes (1 MiB)`, 'a file over that size');
      }
    }
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    if (error instanceof SpecNotFoundError || error instanceof SpecValidationError) throw error;
    throw new SpecNotFoundError({ path, cause: error });
  } finally {
    await handle.close();
  }
}

/**
 * Reads a task spec file (`.yaml`, `.yml` or `.json`, at most 1 MiB), validates it, applies defaults and checks it
 * against itself (`checkSpecSync`, then Python expressions with `python3`'s `ast`). Message lines start with `path`
 * as given. Preconditions are not evaluated here: that needs the sandboxed judge (`preflight/`).
 *
 * @throws SpecNotFoundError (`spec_not_found`) when the file is missing, unreadable or a directory.
 * @throws SpecValidationError (`invalid_spec`) for the size cap, syntax errors (with line), nesting past
 *   {@link MAX_SPEC_DEPTH}, a YAML alias bomb, every schema issue and every check issue.
 * @throws InvalidArgumentError (`invalid_argument`) for another file extension.
 * @throws SpecCheckError (`spec_check_failed`) when `python3` cannot be run for a Python spec's expressions.
 */
export async function loadTaskSpec(path: string): Promise<TaskSpec> {
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new InvalidArgumentError({ parameter: 'path', value: path, expected: 'a .yaml, .yml or .json file' });
  }
  const text = await readSpecText(path);
  const value = extension === '.json' ? parseSpecJson(text, path) : parseSpecYaml(text, path);
  const spec = parseSchema(value, path);
  const issues = await checkTaskSpec(spec, path);
  if (issues.length > 0) throw new SpecValidationError({ source: path, issues });
  return spec;
}
