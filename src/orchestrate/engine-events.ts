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
  | (EventBase & {
      readonly type: 'run-start';
      readonly taskIds: readonly string[];
      readonly model: string;
      /** Kind of the run (`solve`, `demo`, `build`, ...), as recorded in the store. */
      readonly kind?: string;
    })
  | (EventBase & { readonly type: 'task-start'; readonly taskId: string; readonly k: number; readonly maxSamples: number })
  | (EventBase & {
      readonly type: 'sample-end';
      readonly taskId: string;
      readonly sampleIndex: number;
      /** The model that answered (its reported id; a route's member name). Absent on samples read back on resume. */
      readonly model?: string;
      readonly temperature: number | null;
      readonly promptVariant: string;
      readonly outputTokens: number;
      readonly inputTokens: number;
      readonly latencyMs: number;
      readonly finishReason: string;
      /** Cost of the call in USD, when the model (or the usage middleware) priced it; absent otherwise. */
      readonly costUsd?: number;
      /** Set when the sample was read back from the store on resume (no model call was made). */
      readonly resumed?: true;
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
  | (EventBase & {
      readonly type: 'nodes-created';
      /** The decomposed node (null: the requirements). */
      readonly replaces: string | null;
      readonly nodes: readonly { readonly id: string; readonly dependencies: readonly string[]; readonly needsDecomposition: boolean }[];
    })
  | (EventBase & { readonly type: 'task-settled'; readonly taskId: string; readonly source: 'consensus' | 'best-partial' | 'person' })
  | (EventBase & { readonly type: 'commit-created'; readonly label: string; readonly sha: string; readonly message: string })
  | (EventBase & { readonly type: 'integration-end'; readonly passed: boolean; readonly failingTaskIds: readonly string[]; readonly testsPassed: number; readonly testsFailed: number; readonly typeErrors: number })
  | (EventBase & { readonly type: 'run-end'; readonly status: 'completed' | 'failed' | 'cancelled' | 'paused'; readonly error?: string; readonly reason?: string });

/** The `type` of an {@link EngineEvent}. */
export type EngineEventType = EngineEvent['type'];

/** Receives engine events. Listeners must not throw; a throwing listener is isolated and reported. */
export type EngineEventListener = (event: EngineEvent) => void;
