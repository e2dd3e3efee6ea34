/**
 * @module sandbox
 * Public entry of the sandbox: the `Sandbox` and `CandidateRunner` contracts, the bubblewrap implementation, the
 * explicit unsafe fallback, the factory and the sandboxed candidate runner.
 */
export type {
  Sandbox,
  SandboxKind,
  SandboxLimits,
  SandboxRunRequest,
  SandboxRunResult,
  SandboxRuntime,
} from './sandbox.js';
export type { CallOutcome, CandidateRunner, CandidateRunRequest, CandidateRunResult } from './candidate-runner.js';
export { SandboxUnavailableError } from './sandbox-unavailable-error.js';
export { DEFAULT_SANDBOX_LIMITS, type ResolvedSandboxLimits } from './sandbox-limits.js';
export { BwrapSandbox, type BwrapSandboxOptions } from './bwrap/bwrap-sandbox.js';
export { detectSandbox, type DetectSandboxOptions, type SandboxDetection } from './bwrap/detect-sandbox.js';
export { UnsafeNoSandbox, UNSAFE_SANDBOX_WARNING, type UnsafeNoSandboxOptions } from './unsafe/unsafe-no-sandbox.js';
export { createSandbox, type CreateSandboxOptions } from './create-sandbox.js';
export {
  SandboxCandidateRunner,
  transpileCandidate,
  type SandboxCandidateRunnerOptions,
} from './sandbox-candidate-runner.js';
export { decodeTagged, encodeTagged } from './value-encoding.js';
