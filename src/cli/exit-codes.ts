/**
 * @module cli/exit-codes
 * Process exit codes of `zerr`, stable for scripts.
 */

/** Exit codes. 0 only when every task reached consensus (or the command simply succeeded). */
export const ExitCode = {
  /** Consensus on every task / command succeeded. */
  ok: 0,
  /** An unexpected internal error. */
  internal: 1,
  /** At least one task ended without consensus (best partial, no consensus or escalated). */
  noConsensus: 2,
  /** `zerr verify`: the candidate failed a verification layer. */
  rejected: 2,
  /** Bad input: invalid spec, unknown dataset problem, invalid option. */
  badInput: 3,
  /** The model could not be reached or loaded. */
  modelUnavailable: 4,
  /** Untrusted code cannot be run: no working sandbox and no `--unsafe-no-sandbox`. */
  sandboxUnavailable: 5,
  /**
   * A run paused cleanly (Ctrl-C or SIGTERM, a budget reached, or a build waiting on escalations);
   * `zerr resume <run-id>` continues it.
   */
  paused: 6,
  /** The run is being worked on by another live process (`zerr resume` of a run that is already running). */
  busy: 7,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps an error's stable `code` to an exit code. */
export function exitCodeForError(error: unknown): ExitCodeValue {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'invalid_argument':
    case 'invalid_spec':
    case 'spec_not_found':
    case 'unknown_dataset':
    case 'unknown_problem':
    case 'dataset_not_found':
    case 'run_not_found':
    case 'build_not_resumable':
    case 'run_not_resumable':
    case 'not_a_build':
    case 'escalation_not_found':
    case 'escalation_already_answered':
    case 'dependency_cycle':
    case 'unknown_dependency':
      return ExitCode.badInput;
    case 'model_unavailable':
    case 'circuit_open':
      return ExitCode.modelUnavailable;
    case 'sandbox_unavailable':
      return ExitCode.sandboxUnavailable;
    case 'run_busy':
      return ExitCode.busy;
    case 'run_paused':
      return ExitCode.paused;
    default:
      return ExitCode.internal;
  }
}
