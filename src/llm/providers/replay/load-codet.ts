/**
 * @module llm/providers/replay/load-codet
 * Loads CodeT's published HumanEval x CodeGen-Mono-16B samples (Chen et al., "CodeT: Code Generation with
 * Generated Tests", ICLR 2023, arXiv 2207.10397; files from microsoft/CodeT `data/`) as replay tasks.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonl } from './read-jsonl.js';
import { ReplayDataError } from './replay-data-error.js';
import type { ReplayTask } from './replay-task.js';

/** File with `{ prompt, samples[100] }` per line, in no particular task order. */
export const CODET_SAMPLES_FILE = 'HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl';
/** File with `{ task_id, prompt, entry_point, ... }` per line. */
export const CODET_PROBLEMS_FILE = 'HumanEval_for_code_generation.jsonl';
/** Generation cap the CodeT samples were recorded with, in model tokens. */
export const CODET_MAX_OUTPUT_TOKENS = 300;

const SampleLine = z.object({ prompt: z.string(), samples: z.array(z.string()) });
const ProblemLine = z.object({ task_id: z.string(), prompt: z.string() });

/**
 * Reads the two CodeT files in `dir` and joins them on the exact prompt text, giving one `continuation`
 * task per HumanEval problem (`HumanEval/N`) with its raw, untruncated samples.
 *
 * @throws ReplayDataError (`replay_data_invalid`) when a file is missing or malformed, or a sample line's prompt
 *   matches no problem (naming the file and line).
 */
export async function loadCodeT(dir: string, signal?: AbortSignal): Promise<ReplayTask[]> {
  const problemsFile = join(dir, CODET_PROBLEMS_FILE);
  const samplesFile = join(dir, CODET_SAMPLES_FILE);
  const problems = await readJsonl(problemsFile, ProblemLine, signal);
  const samples = await readJsonl(samplesFile, SampleLine, signal);
  const taskIdByPrompt = new Map(problems.map(({ value }) => [value.prompt, value.task_id]));
  return samples.map(({ line, value }) => {
    const taskId = taskIdByPrompt.get(value.prompt);
    if (taskId === undefined) {
      throw new ReplayDataError({
        file: samplesFile,
        line,
        message: `prompt matches no problem in ${CODET_PROBLEMS_FILE}`,
      });
    }
    return { taskId, completions: value.samples, style: 'continuation' as const };
  });
}
