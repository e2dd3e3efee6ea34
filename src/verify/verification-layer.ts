/**
 * @module verify/verification-layer
 * The contract of one verification layer (seed implementation guide §1.3). Layers are composed by the
 * `Verifier` into a pipeline that stops at the first failing layer unless asked to run all.
 */
import type { Language, TaskSpec } from '../task-spec/task-spec.js';

/** The eight layers, in pipeline order. Issue 2 ships `syntax`, `types` and `unit-tests`. */
export type LayerName =
  | 'syntax'
  | 'types'
  | 'contracts'
  | 'unit-tests'
  | 'property-tests'
  | 'static-analysis'
  | 'security'
  | 'performance'
  /** `zerr implement` only: the repository's whole project type-checked with the candidate in place. */
  | 'project-types'
  /** `zerr implement` only: the repository's own tests of the function, run in the sandbox (they can only reject). */
  | 'repo-tests';

/** A candidate to verify: complete source code in the spec's language. */
export interface CandidateSource {
  readonly language: Language;
  readonly code: string;
}

/** Input of a layer. */
export interface VerificationContext {
  readonly spec: TaskSpec;
  readonly candidate: CandidateSource;
  readonly signal?: AbortSignal;
}

/**
 * Result of one layer. `skipped` is never a silent pass: `reason` says why (e.g. "pyright not installed").
 * `reason` is written for a person to act on ("line 3: Type 'string' is not assignable to type 'number'").
 */
export interface LayerResult {
  readonly layer: LayerName;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly reason: string;
  /** Layer-specific structured details (diagnostics, failing test index, counterexample). */
  readonly details?: unknown;
  readonly durationMs: number;
}

/** One verification layer. */
export interface VerificationLayer {
  readonly name: LayerName;
  /** Whether the layer has anything to check for this spec (e.g. `unit-tests` needs test cases). */
  appliesTo(spec: TaskSpec): boolean;
  /** Checks the candidate. Never throws for a bad candidate: failures are results. */
  verify(context: VerificationContext): Promise<LayerResult>;
  /** Releases what the layer owns (analysis worker threads); called by `Verifier.close`. Optional. */
  close?(): Promise<void>;
}
