/**
 * @module store/task-progress
 * What a run store already holds about one task that has no decision yet: the checkpoint a resumed solve (or
 * decomposition) starts from, so that no recorded model call is made again and nothing recorded is recorded twice.
 */
import type { CallFailureRecord, LayerResultRecord, RedFlagRecord, RunRecord, SampleRecord, VoteRecord } from './run-store.js';

/** Recorded progress of one task, each list ordered by sample index. */
export interface TaskProgress {
  readonly samples: readonly SampleRecord[];
  readonly redFlags: readonly RedFlagRecord[];
  readonly layerResults: readonly LayerResultRecord[];
  readonly votes: readonly VoteRecord[];
  /** Calls that gave no answer (their index was drawn again). Absent: none known. */
  readonly callFailures?: readonly CallFailureRecord[];
}

/** The records of `taskId` in `run` (empty lists when the task has none). */
export function taskProgress(run: RunRecord, taskId: string): TaskProgress {
  const mine = <T extends { readonly taskId: string }>(records: readonly T[]): T[] => records.filter((record) => record.taskId === taskId);
  return {
    samples: mine(run.samples),
    redFlags: mine(run.redFlags),
    layerResults: mine(run.layerResults),
    votes: mine(run.votes),
    callFailures: mine(run.callFailures),
  };
}

/**
 * Calls of `taskId` that gave no answer, by sample index: how many times each index has been drawn again so far. A
 * queue job of a sample is named by its index and this count (`sampleJobId`), so a sample drawn again after a failed
 * call is a new job, while the same draw after a restart is the same job.
 */
export function failedDrawsByIndex(progress: TaskProgress | undefined, taskId: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const failure of progress?.callFailures ?? []) {
    if (failure.taskId === taskId) counts.set(failure.sampleIndex, (counts.get(failure.sampleIndex) ?? 0) + 1);
  }
  return counts;
}

/** True when `progress` holds no record at all. */
export function isEmptyProgress(progress: TaskProgress): boolean {
  return progress.samples.length === 0 && progress.redFlags.length === 0 && progress.layerResults.length === 0 && progress.votes.length === 0;
}
