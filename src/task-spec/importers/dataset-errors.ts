/**
 * @module task-spec/importers/dataset-errors
 * Errors of the benchmark importers and dataset references: unknown dataset, unknown problem, missing or malformed
 * data file.
 */
import { ZeroErrorError } from '../../errors/index.js';

/**
 * A dataset reference names no known dataset (`foo:HumanEval/0`) or has no `dataset:` part.
 *
 * Code: `unknown_dataset`.
 */
export class UnknownDatasetError extends ZeroErrorError {
  readonly dataset: string;
  readonly known: readonly string[];

  constructor(options: { dataset: string; known: readonly string[] }) {
    super(
      'unknown_dataset',
      `Unknown dataset ${JSON.stringify(options.dataset)}; known datasets: ${options.known.join(', ')} ` +
        '(write a reference as <dataset>:<problem id>, e.g. humaneval:HumanEval/0).',
    );
    this.dataset = options.dataset;
    this.known = options.known;
  }
}

/**
 * The dataset has no problem with that id. Lists the closest ids.
 *
 * Code: `unknown_problem`.
 */
export class UnknownProblemError extends ZeroErrorError {
  readonly dataset: string;
  readonly problemId: string;
  readonly closest: readonly string[];

  constructor(options: { dataset: string; problemId: string; closest: readonly string[]; count: number }) {
    super(
      'unknown_problem',
      `Dataset ${options.dataset} (${options.count} problems) has no problem ${JSON.stringify(options.problemId)}; ` +
        `closest: ${options.closest.join(', ')}.`,
    );
    this.dataset = options.dataset;
    this.problemId = options.problemId;
    this.closest = options.closest;
  }
}

/**
 * A benchmark data file is missing, unreadable or holds a record that is not in the expected shape.
 *
 * Code: `dataset_unavailable` (missing/unreadable file) or `invalid_dataset_record` (malformed line).
 */
export class DatasetFileError extends ZeroErrorError {
  readonly path: string;
  /** 1-based line of the malformed record, when known. */
  readonly line: number | undefined;

  constructor(options: { path: string; invalidRecord: boolean; line?: number; detail: string; cause?: unknown }) {
    const where = options.line === undefined ? options.path : `${options.path}:${options.line}`;
    super(
      options.invalidRecord ? 'invalid_dataset_record' : 'dataset_unavailable',
      options.invalidRecord
        ? `${where}: ${options.detail}`
        : `Benchmark data file cannot be read: ${options.path} (${options.detail}). The benchmark sets and recorded model ` +
          'outputs live in a data folder holding bench/ and recorded/ (default: ../shared beside zerr\'s own folder); ' +
          'name another with --data-dir <folder> or ZERR_DATA_DIR (API: dataDir). Each set\'s README.txt there names ' +
          'its public source and licence (the demo\'s: CodeT\'s recorded samples, github microsoft/CodeT, folder CodeT/data/).',
      { cause: options.cause },
    );
    this.path = options.path;
    this.line = options.line;
  }
}
