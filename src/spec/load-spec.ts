/**
 * @module spec/load-spec
 * Reads and validates task specs from values and from `.yaml`/`.yml`/`.json` files. Every problem is reported at
 * once, with the field, the value found and what was expected.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { InvalidArgumentError } from '../errors/index.js';
import { formatSpecIssues } from './format-issues.js';
import { SpecNotFoundError } from './spec-not-found-error.js';
import { SpecValidationError } from './spec-validation-error.js';
import { TaskSpecSchema, type TaskSpec } from './task-spec.js';

/**
 * Validates a task spec given as a plain value (e.g. parsed YAML/JSON) and applies defaults.
 *
 * @param input - the spec as written by a user ({@link TaskSpecInput} shape).
 * @param source - name used at the start of each message line. Default `spec`.
 * @throws SpecValidationError (`invalid_spec`) listing every issue, including unknown keys.
 */
export function parseTaskSpec(input: unknown, source = 'spec'): TaskSpec {
  const parsed = TaskSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SpecValidationError({
    source,
    issues: formatSpecIssues(source, TaskSpecSchema, input, parsed.error.issues),
    cause: parsed.error,
  });
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
  const document = parseDocument(text, { uniqueKeys: true });
  const [first] = document.errors;
  if (first !== undefined) {
    const detail = first.message.split('\n')[0] ?? first.message;
    syntaxError(source, 'YAML', detail, first.linePos?.[0].line, first);
  }
  return document.toJS();
}

/**
 * Parses JSON text into a value.
 * @throws SpecValidationError (`invalid_spec`) with the line of the syntax error when the engine reports it.
 */
export function parseSpecJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
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
 * Reads a task spec file (`.yaml`, `.yml` or `.json`), validates it and applies defaults. Message lines start
 * with `path` as given.
 *
 * @throws SpecNotFoundError (`spec_not_found`) when the file cannot be read.
 * @throws SpecValidationError (`invalid_spec`) for syntax errors (with line) and every schema issue.
 * @throws InvalidArgumentError (`invalid_argument`) for another file extension.
 */
export async function loadTaskSpec(path: string): Promise<TaskSpec> {
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new InvalidArgumentError({ parameter: 'path', value: path, expected: 'a .yaml, .yml or .json file' });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SpecNotFoundError({ path, cause: error });
  }
  const value = extension === '.json' ? parseSpecJson(text, path) : parseSpecYaml(text, path);
  return parseTaskSpec(value, path);
}
