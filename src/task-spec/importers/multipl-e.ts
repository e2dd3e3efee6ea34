/**
 * @module task-spec/importers/multipl-e
 * Imports MultiPL-E TypeScript problems (Cassano et al. 2023, "MultiPL-E", IEEE TSE; `humaneval-ts` and `mbpp-ts`,
 * "reworded" prompts) as {@link BenchmarkProblem}s. Scoring as MultiPL-E does: prompt + completion, then the
 * `tests` program; exit code 0 passes. Note: each program is a global script (`function test`, `const assert`),
 * so type-check one file at a time without `@types/node` (see the dataset README).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { parseTaskSpec } from '../load-spec.js';
import { keepFittingExamples } from './fitting-examples.js';
import type { BenchmarkProblem } from '../task-spec.js';
import { DATASET_FILES, resolveDataDir } from './data-dir.js';
import { DatasetFileError } from './dataset-errors.js';
import { readJsonl } from './read-jsonl.js';
import { parseTypeScriptPrompt } from './typescript-prompt.js';

/** One MultiPL-E record (fields used here; others are kept by the tolerant schema). */
export const MultiPLERecordSchema = z.looseObject({
  name: z.string().min(1),
  prompt: z.string().min(1),
  tests: z.string().min(1),
  stop_tokens: z.array(z.string()).default([]),
});
export type MultiPLERecord = z.infer<typeof MultiPLERecordSchema>;

/** The MultiPL-E TypeScript datasets read here. */
export type MultiPLEDataset = 'humaneval-ts' | 'mbpp-ts';

const LICENSES: Readonly<Record<MultiPLEDataset, string>> = {
  'humaneval-ts': 'BSD-3-Clause with Machine Learning Restriction (MultiPL-E); HumanEval MIT (OpenAI)',
  'mbpp-ts': 'BSD-3-Clause with Machine Learning Restriction (MultiPL-E); MBPP CC-BY-4.0 (Google)',
};

/**
 * Converts one MultiPL-E record: id = name, name = the function name, language `typescript`, signature from the
 * `function` line, stub = prompt verbatim, description = comment text without `>>>` examples, visible tests = the
 * `// >>> f(args)` / `// expected` pairs with literal values; hidden = `{ program: tests, runner: '' }`.
 * Metadata: `dataset`, `license`, `sourceFile`, `stopTokens` (JSON array), `visibleExamples`, `skippedExamples`.
 *
 * @throws DatasetFileError (`invalid_dataset_record`) when the prompt has no function declaration.
 * @throws SpecValidationError (`invalid_spec`) if the resulting spec is invalid.
 */
export function importMultiPLERecord(
  record: MultiPLERecord,
  options: { readonly dataset: MultiPLEDataset; readonly sourceFile?: string },
): BenchmarkProblem {
  const sourceFile = options.sourceFile ?? DATASET_FILES[options.dataset];
  const parts = parseTypeScriptPrompt(record.prompt);
  if (parts === undefined) {
    throw new DatasetFileError({ path: sourceFile, invalidRecord: true, detail: `${record.name}: no function in the prompt` });
  }
  const description = parts.description === '' ? `Implement ${parts.signature.entryPoint}.` : parts.description;
  const fitting = keepFittingExamples({ id: record.name, name: parts.signature.entryPoint, description, language: 'typescript', signature: parts.signature, testCases: parts.testCases });
  const spec = parseTaskSpec(
    {
      id: record.name,
      name: parts.signature.entryPoint,
      description,
      language: 'typescript',
      signature: parts.signature,
      stub: record.prompt,
      testCases: fitting.testCases,
      metadata: {
        dataset: options.dataset,
        license: LICENSES[options.dataset],
        sourceFile,
        stopTokens: JSON.stringify(record.stop_tokens),
        visibleExamples: String(fitting.testCases.length),
        skippedExamples: String(parts.skipped + fitting.dropped),
      },
    },
    `${sourceFile}#${record.name}`,
  );
  return { spec, hidden: { language: 'typescript', program: record.tests, runner: '' } };
}

/**
 * Reads and imports every problem of a MultiPL-E TypeScript dataset (159 humaneval-ts, 391 mbpp-ts), in file order.
 * @throws DatasetFileError (`dataset_unavailable` / `invalid_dataset_record`).
 */
export async function loadMultiPLE(options: { readonly dataset: MultiPLEDataset; readonly dataDir?: string }): Promise<BenchmarkProblem[]> {
  const file = DATASET_FILES[options.dataset];
  const records = await readJsonl(join(resolveDataDir(options.dataDir), file), MultiPLERecordSchema);
  return records.map((record) => importMultiPLERecord(record, { dataset: options.dataset, sourceFile: file }));
}
