/**
 * @module telemetry/task-status
 * How a task outcome counts for operators: the `status` of `tasks_total` and the span status of `zerr.task`.
 */
import type { TaskOutcome } from '../orchestrate/engine-events.js';

/** `tasks_total{status}` values. */
export type TaskStatus = 'success' | 'failed' | 'escalated';

/**
 * consensus and best-partial are a success, escalated is escalated, anything else (no-consensus,
 * model-unavailable, cancelled) failed.
 */
export function taskStatusOf(outcome: TaskOutcome): TaskStatus {
  if (outcome === 'consensus' || outcome === 'best-partial') return 'success';
  return outcome === 'escalated' ? 'escalated' : 'failed';
}
