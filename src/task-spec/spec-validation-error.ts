/**
 * @module task-spec/spec-validation-error
 * The error a task spec that fails validation throws: one message line per problem, and the problems as data.
 */
import { ZeroErrorError } from '../errors/index.js';

/** One validation problem of a task spec. */
export interface SpecIssue {
  /** Dotted field path (`limits.timeoutMs`, `testCases.0.inputs`); `(root)` for the document itself. */
  readonly path: string;
  /** The value found at `path` (undefined when missing). */
  readonly value: unknown;
  /** What was expected, in words (`a positive integer`, `one of "typescript", "python"`). */
  readonly expected: string;
  /** 1-based line in the source file, when known (YAML/JSON syntax errors). */
  readonly line?: number;
  /** The full line, `<source>: <path>: got <value preview>, expected <what>`. */
  readonly message: string;
}

/**
 * A task spec is invalid: bad YAML/JSON syntax, a wrong type or value, a missing field or an unknown key.
 * The message lists every issue, one per line, as `<source>: <field path>: got <value>, expected <what>`.
 *
 * Code: `invalid_spec`.
 */
export class SpecValidationError extends ZeroErrorError {
  /** Where the spec came from (a file path, or `spec` when parsed from a value). */
  readonly source: string;
  readonly issues: readonly SpecIssue[];

  constructor(options: { source: string; issues: readonly SpecIssue[]; cause?: unknown }) {
    const count = options.issues.length;
    super(
      'invalid_spec',
      `Invalid task spec (${count} issue${count === 1 ? '' : 's'}):\n${options.issues.map((i) => `  ${i.message}`).join('\n')}`,
      { cause: options.cause },
    );
    this.source = options.source;
    this.issues = options.issues;
  }
}
