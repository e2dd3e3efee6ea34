/**
 * @module llm/providers/replay/load-replay-jsonl
 * Loads the generic replay format: one JSON object per line,
 * `{ "taskId": "...", "completions": ["..."], "style": "continuation" | "full-code" }`.
 */
import { z } from 'zod';
import { readJsonl } from './read-jsonl.js';
import { ReplayDataError } from './replay-data-error.js';
import type { ReplayTask } from './replay-task.js';

const ReplayLine = z.object({
  taskId: z.string().min(1),
  completions: z.array(z.string()),
  style: z.enum(['continuation', 'full-code']),
});

/**
 * Reads a generic replay JSONL file.
 *
 * @throws ReplayDataError (`replay_data_invalid`) for a missing file, a line that is not JSON or not of the
 *   shape above, or a task id that appears on two lines (naming the file and line).
 */
export async function loadReplayJsonl(file: string, signal?: AbortSignal): Promise<ReplayTask[]> {
  const seen = new Set<string>();
  return (await readJsonl(file, ReplayLine, signal)).map(({ line, value }) => {
    if (seen.has(value.taskId)) {
      throw new ReplayDataError({ file, line, message: `duplicate taskId ${JSON.stringify(value.taskId)}` });
    }
    seen.add(value.taskId);
    return value;
  });
}
