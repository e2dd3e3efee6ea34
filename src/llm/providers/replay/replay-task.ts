/**
 * @module llm/providers/replay/replay-task
 * The in-memory shape of recorded model outputs the replay provider serves.
 */

/**
 * How a task's recorded completions relate to the prompt: `continuation` - raw text continuing the prompt
 * (CodeT/HumanEval style); `full-code` - a complete answer to a chat prompt.
 */
export type ReplayStyle = 'continuation' | 'full-code';

/** The recorded completions of one task. */
export interface ReplayTask {
  /** Task id the engine sends as `options.metadata.taskId`, e.g. `HumanEval/0`. */
  readonly taskId: string;
  /** Recorded model outputs, each served at most once. */
  readonly completions: readonly string[];
  readonly style: ReplayStyle;
}
