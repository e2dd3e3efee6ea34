/**
 * @module sandbox/candidate-runner
 * Runs a candidate function on a list of argument tuples inside the sandbox and reports, per call, the returned
 * value or the failure. The single execution primitive behind unit tests, semantic signatures and scoring.
 */
import type { Language } from '../task-spec/task-spec.js';
import type { TypeRef } from '../task-spec/type-ref-model.js';

/** Outcome of calling the entry point once. Values are JSON (tuples as arrays, `None` as null). */
export type CallOutcome =
  | {
      readonly kind: 'value';
      readonly value: unknown;
      /** With `returnArguments`: the arguments as the candidate left them after the call. */
      readonly argumentsAfter?: readonly unknown[];
    }
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
  /**
   * The declared type of each parameter: arguments then reach the candidate as those types (a Python `tuple` or
   * `set`, a TypeScript `Map` or `Date`; `typed-encoding.ts`) rather than as the JSON they are written in. Absent
   * (or an element absent): encoded as they are.
   */
  readonly argumentTypes?: readonly (TypeRef | undefined)[];
  /** The same per call (`callArgumentTypes[i]` for `calls[i]`), where calls differ in shape; it wins over `argumentTypes`. */
  readonly callArgumentTypes?: readonly (readonly (TypeRef | undefined)[])[];
  /** Per-call wall-clock limit in ms. */
  readonly perCallTimeoutMs: number;
  /**
   * Run each call this many times (1..1000) and report `callTimesMs`; the repetitions go round by round over all
   * calls (all once, then all again), so one stall of the machine cannot cover every repetition of a call. Absent:
   * each call runs once, no timings.
   * The whole-run wall clock grows with it (`calls * repeat` call budgets).
   */
  readonly repeat?: number;
  /** Also send back each call's arguments as the candidate left them (`argumentsAfter`). Default false. */
  readonly returnArguments?: boolean;
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
       * Only with `repeat`: per call, the wall time in ms of each repetition, measured by the host around the
       * exchange (sending the arguments to reading the outcome line), outside the candidate's reach. Shorter than `repeat` when a
       * repetition threw or timed out (repetitions stop there).
       */
      readonly callTimesMs?: readonly (readonly number[])[];
      /**
       * Per call, the harness's outcome line exactly as received (JSON text, validated: size and depth capped), for
       * judges that need the value's exact type in the candidate's language (a Python tuple stays a tuple).
       */
      readonly wire?: readonly string[];
    }
  | {
      readonly kind: 'failed';
      /** `load-error`: the code threw while loading; `crashed`: the process died; `timeout`: the whole run timed out. */
      readonly reason: 'load-error' | 'crashed' | 'timeout' | 'output-limit';
      readonly message: string;
      readonly durationMs: number;
    };

/** Why a sandboxed candidate process stopped answering. */
export type CandidateFailureReason = 'load-error' | 'crashed' | 'timeout' | 'output-limit';

/** One call made through a {@link CandidateSession}. */
export type SessionCallResult =
  | {
      readonly kind: 'outcome';
      readonly outcome: CallOutcome;
      /** The outcome line as received (validated JSON text), see `CandidateRunResult.wire`. */
      readonly wire: string;
      /** Host-measured wall time of the exchange, in ms. */
      readonly durationMs: number;
    }
  | { readonly kind: 'failed'; readonly reason: CandidateFailureReason; readonly message: string };

/** A loaded candidate answering calls one at a time (e.g. relayed from a judge running hidden tests). */
export interface CandidateSession {
  /** Calls the entry point once; `argsWire` is the tagged JSON text of the argument array. */
  call(argsWire: string): Promise<SessionCallResult>;
  /** Ends the candidate's process. Idempotent. */
  close(): Promise<void>;
}

/** Result of {@link CandidateRunner.open}. */
export type SessionOpenResult =
  | { readonly kind: 'ready'; readonly session: CandidateSession }
  | { readonly kind: 'failed'; readonly reason: CandidateFailureReason; readonly message: string };

/** Runs candidates in the sandbox. */
export interface CandidateRunner {
  run(request: CandidateRunRequest): Promise<CandidateRunResult>;
  /** Loads a candidate for calls made one at a time (optional: runners that cannot, leave it out). */
  open?(request: Omit<CandidateRunRequest, 'calls' | 'repeat'>): Promise<SessionOpenResult>;
}
