/**
 * @module orchestrate/engine-events
 * The engine's event stream: a discriminated union named `<noun>-<action>`. The CLI progress display, the run
 * store, the dashboard, metrics and logs all read the same stream.
 */
import type { RedFlagHit } from '../redflag/red-flag-rule.js';
import type { LayerResult } from '../verify/verification-layer.js';

/** Final state of a task. */
export type TaskOutcome = 'consensus' | 'best-partial' | 'no-consensus' | 'escalated' | 'model-unavailable' | 'cancelled';

/** Every event carries the run id and a millisecond epoch timestamp. */
interface EventBase {
  readonly runId: string;
  readonly at: number;
}

export type EngineEvent =
  | (EventBase & { readonly type: 'run-start'; readonly taskIds: readonly string[]; readonly model: string })
  | (EventBase & { readonly type: 'task-start'; readonly taskId: string; readonly k: number; readonly maxSamples: number })
  | (EventBase & {
      readonly type: 'sample-end';
      readonly taskId: string;
      readonly sampleIndex: number;
      readonly temperature: number | null;
      readonly promptVariant: string;
      readonly outputTokens: number;
      readonly inputTokens: number;
      readonly latencyMs: number;
      readonly finishReason: string;
    })
  | (EventBase & { readonly type: 'sample-failed'; readonly taskId: string; readonly sampleIndex: number; readonly code: string; readonly message: string })
  | (EventBase & { readonly type: 'sample-red-flagged'; readonly taskId: string; readonly sampleIndex: number; readonly hits: readonly RedFlagHit[] })
  | (EventBase & { readonly type: 'verify-layer-end'; readonly taskId: string; readonly sampleIndex: number; readonly result: LayerResult })
  | (EventBase & { readonly type: 'candidate-verified'; readonly taskId: string; readonly sampleIndex: number; readonly passed: boolean; readonly failedLayer?: string })
  | (EventBase & {
      readonly type: 'vote-cast';
      readonly taskId: string;
      readonly sampleIndex: number;
      readonly classKey: string;
      /** Votes per equivalence class after this vote, largest first. */
      readonly tallies: readonly { readonly classKey: string; readonly votes: number }[];
    })
  | (EventBase & {
      readonly type: 'vote-decided';
      readonly taskId: string;
      readonly outcome: TaskOutcome;
      readonly classKey: string | null;
      readonly votes: number;
      readonly runnerUpVotes: number;
    })
  | (EventBase & { readonly type: 'task-escalated'; readonly taskId: string; readonly reason: string })
  | (EventBase & { readonly type: 'task-end'; readonly taskId: string; readonly outcome: TaskOutcome; readonly samples: number })
  | (EventBase & { readonly type: 'run-end'; readonly status: 'completed' | 'failed' | 'cancelled'; readonly error?: string });

/** The `type` of an {@link EngineEvent}. */
export type EngineEventType = EngineEvent['type'];

/** Receives engine events. Listeners must not throw; a throwing listener is isolated and reported. */
export type EngineEventListener = (event: EngineEvent) => void;
