/**
 * @module decompose/decompose-events
 * The events a decomposition emits. The layering keeps `decompose` below `orchestrate`, so this union is declared
 * here; it is structurally a subset of the engine's `EngineEvent` (same `type` names and fields), so the
 * orchestrator passes its event bus's `emit` unchanged.
 */
import type { RedFlagHit } from '../redflag/red-flag-rule.js';

/** Final state of a decomposition node (a subset of the engine's `TaskOutcome`). */
export type DecomposeOutcome = 'consensus' | 'best-partial' | 'no-consensus' | 'model-unavailable';

interface EventBase {
  readonly runId: string;
  /** Millisecond epoch timestamp. */
  readonly at: number;
}

/** One event of a decomposition; `taskId` is `decompose:<nodeId>`. */
export type DecomposeEvent =
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
  | (EventBase & {
      readonly type: 'vote-cast';
      readonly taskId: string;
      readonly sampleIndex: number;
      readonly classKey: string;
      /** Votes per equivalence class after the round, largest first. */
      readonly tallies: readonly { readonly classKey: string; readonly votes: number }[];
    })
  | (EventBase & {
      readonly type: 'vote-decided';
      readonly taskId: string;
      readonly outcome: DecomposeOutcome;
      readonly classKey: string | null;
      readonly votes: number;
      readonly runnerUpVotes: number;
    })
  | (EventBase & { readonly type: 'task-end'; readonly taskId: string; readonly outcome: DecomposeOutcome; readonly samples: number });
