/**
 * @module telemetry/escalation-tracker
 * The tasks of each run that wait on a person, for the `escalations_open` gauge.
 */
import { decomposeTaskId } from '../orchestrate/project-build/build-journal.js';

/**
 * Open escalations per run. A task opens one at task-escalated; it closes when the task is settled (a person's
 * answer passed verification), when a decomposition escalation is answered (nodes-created replacing that node;
 * the requirements' own decomposition is `decompose:root`), or when its run ends other than paused (nobody in this
 * process will answer it then). A task escalated again while open counts once.
 */
export class EscalationTracker {
  readonly #open = new Map<string, Set<string>>();

  /** Number of open escalations over all runs. */
  get size(): number {
    let size = 0;
    for (const tasks of this.#open.values()) size += tasks.size;
    return size;
  }

  open(runId: string, taskId: string): void {
    const tasks = this.#open.get(runId) ?? new Set<string>();
    tasks.add(taskId);
    this.#open.set(runId, tasks);
  }

  close(runId: string, taskId: string): void {
    const tasks = this.#open.get(runId);
    tasks?.delete(taskId);
    if (tasks?.size === 0) this.#open.delete(runId);
  }

  /** Closes the decomposition escalation of `replaces` (null: the requirements). */
  closeDecomposition(runId: string, replaces: string | null): void {
    this.close(runId, replaces ?? decomposeTaskId(null));
  }

  closeRun(runId: string): void {
    this.#open.delete(runId);
  }
}
