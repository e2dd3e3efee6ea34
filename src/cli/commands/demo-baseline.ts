/**
 * @module cli/commands/demo-baseline
 * Random-choice baseline of the demo: for each HumanEval problem, the share of CodeT's 100 recorded CodeGen-16B
 * samples that pass the hidden tests (the `passed` labels of labeled_solutions.jsonl). Used only for reporting,
 * after zerr has made its choice.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadEngineApi } from '../engine-api.js';

/** Map from task id (`HumanEval/0`) to the fraction of recorded samples passing the hidden tests. */
export async function loadRandomChoiceBaseline(options: { dataDir?: string }): Promise<Map<string, number>> {
  const { resolveDataDir } = await loadEngineApi();
  const file = join(resolveDataDir(options.dataDir), 'recorded', 'codet-humaneval-codegen16b', 'labeled_solutions.jsonl');
  const rates = new Map<string, number>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return rates;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { task_id?: unknown; passed?: unknown };
    if (typeof row.task_id !== 'string' || !Array.isArray(row.passed) || row.passed.length === 0) continue;
    rates.set(row.task_id, row.passed.filter((value) => value === true).length / row.passed.length);
  }
  return rates;
}
