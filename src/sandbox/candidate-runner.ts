/**
 * @module sandbox/candidate-runner
 * Runs a candidate function on a list of argument tuples inside the sandbox and reports, per call, the returned
 * value or the failure. The single execution primitive behind unit tests, semantic signatures and scoring.
 */
import type { Language } from '../spec/task-spec.js';

/** Outcome of calling the entry point once. Values are JSON (tuples as arrays, `None` as null). */
export type CallOutcome =
  | { readonly kind: 'value'; readonly value: unknown }
  /** The call threw: `errorType` is the exception class name (`ValueError`, `TypeError`). */
  | { readonly kind: 'error'; readonly errorType: string; readonly message: string }
  /** The call ran past its per-call time limit. */
  | { readonly kind: 'timeout' };

/** Request to run a candidate on several inputs. */
export interface CandidateRunRequest {
  readonly language: Language;
  /** Complete source of the candidate (TypeScript is transpiled by the runner before it enters the sandbox). */
  readonly code: string;
  readonly entryPoint: string;
  /** Argument tuples; each is one call. */
  readonly calls: readonly (readonly unknown[])[];
  /** Per-call wall-clock limit in ms. */
  readonly perCallTimeoutMs: number;
  /**
   * Run each call this many times (1..1000) and report `callTimesMs`. Absent: each call runs once, no timings.
   * The whole-run wall clock grows with it (`calls * repeat` call budgets).
   */
  readonly repeat?: number;
  readonly signal?: AbortSignal;
}

/** Result of a candidate run: one outcome per call, or a load failure (the module itself did not load). */
export type CandidateRunResult =
  | {
      readonly kind: 'ran';
      readonly outcomes: readonly CallOutcome[];
      /** Host-measured wall time of the whole sandboxed run (start-up included), in ms. */
      readonly durationMs: number;
      /**
       * Only with `repeat`: per call, the wall time in ms of each repetition, measured inside the sandbox by the
       * harness (`performance.now()` / `time.perf_counter()` around the call). Shorter than `repeat` when a
       * repetition threw or timed out (repetitions stop there).
       */
      readonly callTimesMs?: readonly (readonly number[])[];
    }
  | {
      readonly kind: 'failed';
      /** `load-error`: the code threw while loading; `crashed`: the process died; `timeout`: the whole run timed out. */
      readonly reason: 'load-error' | 'crashed' | 'timeout' | 'output-limit';
      readonly message: string;
      readonly durationMs: number;
    };

/** Runs candidates in the sandbox. */
export interface CandidateRunner {
  run(request: CandidateRunRequest): Promise<CandidateRunResult>;
}
