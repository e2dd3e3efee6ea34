/**
 * @module telemetry/run-ledger
 * What the telemetry edges remember between events of a run: the model a run-start named (later events carry only
 * the run id), whether the run is a build, and when each task started.
 */
import type { EngineEvent } from '../orchestrate/engine-events.js';

/** What is known of a run when one of its events arrives. */
export interface RunFacts {
  /** The run-start's model name; `unknown` when the run started before the listener was attached. */
  readonly model: string;
  /**
   * The run-start's `kind` when it names one; otherwise `build` once the run emitted a build event (nodes-created,
   * task-settled, commit-created, integration-end) or paused, else `solve`.
   */
  readonly kind: string;
}

const BUILD_EVENTS: ReadonlySet<EngineEvent['type']> = new Set(['nodes-created', 'task-settled', 'commit-created', 'integration-end']);

interface RunEntry {
  model: string;
  kind: string | undefined;
  readonly taskStarts: Map<string, number>;
}

/** Per-run bookkeeping of one listener; a run's entry is dropped at its run-end. */
export class RunLedger {
  readonly #runs = new Map<string, RunEntry>();
  /** Runs known to be builds; kept after run-end, as a paused build resumes under the same id. */
  readonly #builds = new Set<string>();

  /** Records `event` and returns the facts of its run (as they stand after the event). */
  observe(event: EngineEvent): RunFacts {
    let entry = this.#runs.get(event.runId);
    if (entry === undefined) {
      entry = { model: 'unknown', kind: undefined, taskStarts: new Map() };
      this.#runs.set(event.runId, entry);
    }
    if (event.type === 'run-start') {
      entry.model = event.model;
      entry.kind = event.kind;
    }
    if (event.type === 'task-start') entry.taskStarts.set(event.taskId, event.at);
    if (BUILD_EVENTS.has(event.type) || (event.type === 'run-end' && event.status === 'paused')) this.#builds.add(event.runId);
    const facts: RunFacts = { model: entry.model, kind: entry.kind ?? (this.#builds.has(event.runId) ? 'build' : 'solve') };
    if (event.type === 'run-end') this.#runs.delete(event.runId);
    return facts;
  }

  /** When `taskId` of `runId` started (epoch ms), forgetting it; undefined when its task-start was not seen. */
  taskStartedAt(runId: string, taskId: string): number | undefined {
    const starts = this.#runs.get(runId)?.taskStarts;
    const at = starts?.get(taskId);
    starts?.delete(taskId);
    return at;
  }
}
