/**
 * @module llm/providers/replay/load-classeval
 * Loads the ClassEval authors' recorded class-level samples (Du et al. 2023, "ClassEval", arXiv 2308.01861; files
 * from FudanSELab/ClassEval `output/model_output/`, `../shared/recorded/classeval-c5/`) as replay tasks: per task id
 * (`ClassEval_N`), the 5 samples of one model at temperature 0.2, as the model wrote them (a chat answer: prose, a
 * fenced block or bare code). The `.labels.jsonl` files beside them are for scoring only and are never read here.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonl } from './read-jsonl.js';
import { ReplayDataError } from './replay-data-error.js';
import type { ReplayTask } from './replay-task.js';

/** Models with 5 recorded samples per task. */
export const CLASSEVAL_MODELS = ['ChatGPT', 'CodeGeeX', 'Vicuna'] as const;
export type ClassEvalModel = (typeof CLASSEVAL_MODELS)[number];

const SampleLine = z.object({ task_id: z.string().min(1), model: z.string(), samples: z.array(z.string()) });

/** The samples file of `model` in `dir`. */
export function classEvalSamplesFile(dir: string, model: ClassEvalModel): string {
  return join(dir, `${model}.samples.jsonl`);
}

/**
 * Reads `<dir>/<model>.samples.jsonl`: one `full-code` replay task per line.
 * @throws ReplayDataError (`replay_data_invalid`) when the file is missing or malformed, or a task id appears twice.
 */
export async function loadClassEvalSamples(dir: string, model: ClassEvalModel, signal?: AbortSignal): Promise<ReplayTask[]> {
  const file = classEvalSamplesFile(dir, model);
  const seen = new Set<string>();
  return (await readJsonl(file, SampleLine, signal)).map(({ line, value }) => {
    if (seen.has(value.task_id)) throw new ReplayDataError({ file, line, message: `duplicate task_id ${JSON.stringify(value.task_id)}` });
    seen.add(value.task_id);
    return { taskId: value.task_id, completions: value.samples, style: 'full-code' as const };
  });
}
