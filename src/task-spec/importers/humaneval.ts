/**
 * @module task-spec/importers/humaneval
 * Imports OpenAI HumanEval (Chen et al. 2021, arXiv 2107.03374) problems, from the original file or from CodeT's
 * prompt file (Chen et al., "CodeT", ICLR 2023, arXiv 2207.10397: the same problems with the docstring examples
 * removed), as {@link BenchmarkProblem}s: the spec the engine sees and the hidden `check` tests.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { parseTaskSpec } from '../load-spec.js';
import { keepFittingExamples } from './fitting-examples.js';
import type { BenchmarkProblem, Signature, TestCase } from '../task-spec.js';
import { DATASET_FILES, resolveDataDir } from './data-dir.js';
import { DatasetFileError } from './dataset-errors.js';
import { cleanDocstring, readDocstring } from './python-docstring.js';
import { extractPythonExamples } from './python-examples.js';
import { parsePythonSignature } from './python-signature.js';
import { readJsonl } from './read-jsonl.js';

/** One HumanEval record (same fields in the original and in CodeT's `HumanEval_for_code_generation.jsonl`). */
export const HumanEvalRecordSchema = z.looseObject({
  task_id: z.string().min(1),
  prompt: z.string().min(1),
  entry_point: z.string().min(1),
  canonical_solution: z.string(),
  test: z.string().min(1),
});
export type HumanEvalRecord = z.infer<typeof HumanEvalRecordSchema>;

/** Which prompt file: `original` (OpenAI, with docstring examples) or `codet` (CodeT's, examples removed). */
export type HumanEvalSource = 'original' | 'codet';

/** Options of {@link importHumanEvalRecord}. */
export interface HumanEvalImportOptions {
  /** Which prompt file `record` comes from. Default `original`. */
  readonly source?: HumanEvalSource;
  /**
   * Where visible test cases come from. For `original` they are the record's own docstring examples (default).
   * For `codet` there are none unless this original-file record of the same task is given.
   */
  readonly examplesFrom?: HumanEvalRecord;
  /** Path of the source file relative to the data root, recorded in metadata. */
  readonly sourceFile?: string;
}

interface DocParts {
  readonly signature: Signature;
  readonly description: string;
  readonly testCases: TestCase[];
  readonly skipped: number;
}

function docParts(record: HumanEvalRecord, where: string): DocParts {
  const match = parsePythonSignature(record.prompt, record.entry_point);
  if (match === undefined) {
    throw new DatasetFileError({ path: where, invalidRecord: true, detail: `${record.task_id}: no def ${record.entry_point}(...) in the prompt` });
  }
  const raw = readDocstring(record.prompt, match.bodyStart);
  const lines = raw === undefined ? [] : cleanDocstring(raw);
  const examples = extractPythonExamples(lines, record.entry_point);
  const description = examples.descriptionLines.join('\n').trim();
  return {
    signature: match.signature,
    description: description === '' ? `Implement ${record.entry_point} as specified by its signature.` : description,
    testCases: examples.testCases,
    skipped: examples.skipped,
  };
}

/**
 * Converts one HumanEval record: id = `task_id`, name = `entry_point`, language `python`, signature from the
 * `def <entry_point>(...)` line (missing annotations -> `Any`), stub = the prompt verbatim, description = the
 * docstring without `>>>` examples, visible tests = the docstring examples that are literal calls with literal
 * results and fit the signature (`fitting-examples.ts`; the others are counted in `skippedExamples`); hidden = `{ program: test, runner: check(<entry_point>) }`. Metadata: `dataset`, `license`,
 * `sourceFile`, `taskId`, `promptSource`, `visibleExamples`, `skippedExamples` (counts as decimal strings).
 *
 * @throws DatasetFileError (`invalid_dataset_record`) when the prompt has no `def <entry_point>(`.
 * @throws SpecValidationError (`invalid_spec`) if the resulting spec is invalid (a bug or a malformed record).
 */
export function importHumanEvalRecord(record: HumanEvalRecord, options: HumanEvalImportOptions = {}): BenchmarkProblem {
  const source = options.source ?? 'original';
  const sourceFile = options.sourceFile ?? DATASET_FILES[source === 'codet' ? 'codet' : 'humaneval'];
  const own = docParts(record, sourceFile);
  let examples: DocParts | undefined = own;
  if (source === 'codet') {
    examples = options.examplesFrom === undefined ? undefined : docParts(options.examplesFrom, DATASET_FILES.humaneval);
  }
  const fitting = keepFittingExamples({ id: record.task_id, name: record.entry_point, description: own.description, language: 'python', signature: own.signature, testCases: examples?.testCases ?? [] });
  const spec = parseTaskSpec(
    {
      id: record.task_id,
      name: record.entry_point,
      description: own.description,
      language: 'python',
      signature: own.signature,
      stub: record.prompt,
      testCases: fitting.testCases,
      metadata: {
        dataset: source === 'codet' ? 'codet-humaneval' : 'openai-humaneval',
        license: 'MIT (OpenAI HumanEval; CodeT files MIT, Microsoft)',
        sourceFile,
        taskId: record.task_id,
        promptSource: source,
        visibleExamples: String(fitting.testCases.length),
        skippedExamples: String((examples?.skipped ?? 0) + fitting.dropped),
      },
    },
    `${sourceFile}#${record.task_id}`,
  );
  return { spec, hidden: { language: 'python', program: record.test, runner: `check(${record.entry_point})` } };
}

/** Options of {@link loadHumanEval}. */
export interface LoadHumanEvalOptions {
  /** Data root (see `resolveDataDir`). Default: `ZERR_DATA_DIR`, else `<repo>/../shared`. */
  readonly dataDir?: string;
  /** Prompt file. Default `original`. */
  readonly source?: HumanEvalSource;
  /** With `source: 'codet'`: take visible tests from the original file's docstrings. Default false. */
  readonly visibleExamples?: boolean;
}

/**
 * Reads and imports all 164 HumanEval problems, in file order.
 * @throws DatasetFileError (`dataset_unavailable` / `invalid_dataset_record`).
 */
export async function loadHumanEval(options: LoadHumanEvalOptions = {}): Promise<BenchmarkProblem[]> {
  const dataDir = resolveDataDir(options.dataDir);
  const source = options.source ?? 'original';
  const file = DATASET_FILES[source === 'codet' ? 'codet' : 'humaneval'];
  const records = await readJsonl(join(dataDir, file), HumanEvalRecordSchema);
  let originals: Map<string, HumanEvalRecord> | undefined;
  if (source === 'codet' && options.visibleExamples === true) {
    const list = await readJsonl(join(dataDir, DATASET_FILES.humaneval), HumanEvalRecordSchema);
    originals = new Map(list.map((r) => [r.task_id, r]));
  }
  return records.map((record) => {
    const examplesFrom = originals?.get(record.task_id);
    return importHumanEvalRecord(record, { source, sourceFile: file, ...(examplesFrom === undefined ? {} : { examplesFrom }) });
  });
}
