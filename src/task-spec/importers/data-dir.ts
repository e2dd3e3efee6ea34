/**
 * @module task-spec/importers/data-dir
 * Where benchmark data lives: `ZERR_DATA_DIR`, else the `shared` folder beside the repository root, and the
 * relative path of each dataset file inside it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Dataset files, relative to the data root. Read-only; never copied into the repository. */
export const DATASET_FILES = {
  humaneval: 'bench/openai-humaneval/HumanEval.jsonl',
  codet: 'recorded/codet-humaneval-codegen16b/HumanEval_for_code_generation.jsonl',
  'humaneval-ts': 'bench/multipl-e-humaneval-ts/humaneval-ts-reworded.jsonl',
  'mbpp-ts': 'bench/multipl-e-mbpp-ts/mbpp-ts-reworded.jsonl',
  classeval: 'bench/classeval/ClassEval_data.json',
} as const;

/** Names of the datasets the importers read. */
export type DatasetName = keyof typeof DATASET_FILES;

/** The folder holding `package.json` with name `zero-error`, walking up from `start`; undefined if none. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let current = resolve(start);
  for (;;) {
    const manifest = join(current, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'zero-error') return current;
      } catch {
        // Not a readable manifest: keep walking up.
      }
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * The benchmark data root: `explicit` when given, else env `ZERR_DATA_DIR`, else `<repo root>/../shared`
 * (repo root found from this module's location), else `./shared` under the working directory.
 */
export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) return resolve(explicit);
  const fromEnv = env['ZERR_DATA_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const root = findRepoRoot();
  return root === undefined ? resolve('shared') : resolve(root, '..', 'shared');
}
