/**
 * @module store/task-progress
 * What a run store already holds about one task that has no decision yet: the checkpoint a resumed solve (or
 * decomposition) starts from, so that no recorded model call is made again and nothing recorded is recorded twice.
 */
import type { LayerResultRecord, RedFlagRecord, RunRecord, SampleRecord, VoteRecord } from './run-store.js';

/** Recorded progress of one task, each list ordered by sample index. */
export interface TaskProgress {
  readonly samples: readonly SampleRecord[];
  readonly redFlags: readonly RedFlagRecord[];
  readonly layerResults: readonly LayerResultRecord[];
  readonly votes: readonly VoteRecord[];
}

/** The records of `taskId` in `run` (empty lists when the task has none). */
export function taskProgress(run: RunRecord, taskId: string): TaskProgress {
  const mine = <T extends { readonly taskId: string }>(records: readonly T[]): T[] => records.filter((record) => record.taskId === taskId);
  return {
    samples: mine(run.samples),
    redFlags: mine(run.redFlags),
    layerResults: mine(run.layerResults),
    votes: mine(run.votes),
  };
}

/** True when `progress` holds no record at all. */
export function isEmptyProgress(progress: TaskProgress): boolean {
  return progress.samples.length === 0 && progress.redFlags.length === 0 && progress.layerResults.length === 0 && progress.votes.length === 0;
}
