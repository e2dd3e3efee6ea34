/**
 * @module task-spec/importers/dataset
 * Dataset references as the CLI takes them: `humaneval:HumanEval/0`, `codet:HumanEval/0`,
 * `humaneval-ts:HumanEval_0_has_close_elements`, `mbpp-ts:mbpp_100_next_smallest_palindrome`, `classeval:ClassEval_0`
 * (class specs).
 */
import { closestNames } from '../closest-names.js';
import type { BenchmarkProblem } from '../task-spec.js';
import { DATASET_FILES, resolveDataDir, type DatasetName } from './data-dir.js';
import { UnknownDatasetError, UnknownProblemError } from './dataset-errors.js';
import { loadHumanEval } from './humaneval.js';
import { loadClassEval } from './classeval.js';
import { loadMultiPLE } from './multipl-e.js';

/** Names accepted before the `:` of a dataset reference. */
export const DATASET_NAMES = Object.keys(DATASET_FILES) as DatasetName[];

/** Options of the dataset functions. */
export interface DatasetOptions {
  /** Data root. Default: `ZERR_DATA_DIR`, else `<repo>/../shared`. */
  readonly dataDir?: string;
  /** For `codet`: take visible tests from the original HumanEval docstrings. Default false. */
  readonly visibleExamples?: boolean;
}

/**
 * Parsed datasets, keyed by data root, dataset and options. The files are read-only benchmark data, so a
 * process-wide memo is safe; {@link clearDatasetCache} empties it (tests, long-running servers).
 */
const cache = new Map<string, Promise<ReadonlyMap<string, BenchmarkProblem>>>();

/** Forgets every parsed dataset file. */
export function clearDatasetCache(): void {
  cache.clear();
}

function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as string[]).includes(name);
}

async function load(dataset: DatasetName, options: DatasetOptions): Promise<BenchmarkProblem[]> {
  const dataDir = resolveDataDir(options.dataDir);
  if (dataset === 'humaneval') return loadHumanEval({ dataDir });
  if (dataset === 'codet') return loadHumanEval({ dataDir, source: 'codet', visibleExamples: options.visibleExamples ?? false });
  if (dataset === 'classeval') return [...(await loadClassEval({ dataDir })).problems];
  return loadMultiPLE({ dataset, dataDir });
}

function problems(dataset: string, options: DatasetOptions): Promise<ReadonlyMap<string, BenchmarkProblem>> {
  if (!isDatasetName(dataset)) throw new UnknownDatasetError({ dataset, known: DATASET_NAMES });
  const key = JSON.stringify([resolveDataDir(options.dataDir), dataset, options.visibleExamples === true]);
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = load(dataset, options).then((list) => new Map(list.map((p) => [p.spec.id, p])));
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

/**
 * All problems of `dataset`, in file order.
 * @throws UnknownDatasetError (`unknown_dataset`), DatasetFileError (`dataset_unavailable`, `invalid_dataset_record`).
 */
export async function listDatasetProblems(dataset: string, options: DatasetOptions = {}): Promise<BenchmarkProblem[]> {
  return [...(await problems(dataset, options)).values()];
}

/**
 * Resolves `<dataset>:<problem id>` to a problem. Shorthands: `humaneval:0` / `codet:0` for `HumanEval/0`, and a
 * unique prefix of a MultiPL-E name (`humaneval-ts:HumanEval_0`).
 *
 * @throws UnknownDatasetError (`unknown_dataset`) when the dataset part is missing or unknown (lists the known ones).
 * @throws UnknownProblemError (`unknown_problem`) listing the closest problem ids.
 * @throws DatasetFileError (`dataset_unavailable`, `invalid_dataset_record`).
 */
export async function resolveDatasetProblem(ref: string, options: DatasetOptions = {}): Promise<BenchmarkProblem> {
  const colon = ref.indexOf(':');
  const dataset = colon === -1 ? ref : ref.slice(0, colon);
  const id = colon === -1 ? '' : ref.slice(colon + 1).trim();
  if (colon === -1) throw new UnknownDatasetError({ dataset, known: DATASET_NAMES });
  const byId = await problems(dataset, options);
  const exact = byId.get(id) ?? (/^\d+$/.test(id) ? byId.get(`HumanEval/${id}`) : undefined);
  if (exact !== undefined) return exact;
  const prefixed = [...byId.keys()].filter((key) => key.startsWith(`${id}_`));
  const [only] = prefixed;
  if (only !== undefined && prefixed.length === 1) return byId.get(only) as BenchmarkProblem;
  throw new UnknownProblemError({ dataset, problemId: id, closest: closestNames(id, byId.keys()), count: byId.size });
}
