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
  /** The model could not be reached or loaded, or a call outside a run's sampling (an embedding) failed. */
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
  /**
   * The run store (or a file the command writes) cannot be written: disk full, a read-only file system or store, an
   * I/O error. A run that met it is paused (where the store could not even take its status, it stays `running`):
   * `zerr resume <run-id>` continues it once there is space or the store is writable again.
   */
  storeUnavailable: 8,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps an error's stable `code` to an exit code. */
export function exitCodeForError(error: unknown): ExitCodeValue {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'invalid_argument':
    case 'invalid_implement_target':
    case 'dirty_tree':
    case 'invalid_spec':
    case 'spec_not_found':
    case 'unknown_dataset':
    case 'unknown_problem':
    case 'dataset_not_found':
    case 'dataset_unavailable':
    case 'invalid_config':
    case 'run_not_found':
    case 'build_not_resumable':
    case 'run_not_resumable':
    case 'not_a_build':
    case 'escalation_not_found':
    case 'escalation_already_answered':
    case 'dependency_cycle':
    case 'unknown_dependency':
    case 'module_name_clash':
    case 'replay_data_invalid':
    case 'store_open_failed':
    case 'report_not_found':
    case 'mock_unconfigured':
      return ExitCode.badInput;
    case 'model_unavailable':
    case 'circuit_open':
    case 'model_call_failed':
      return ExitCode.modelUnavailable;
    case 'sandbox_unavailable':
      return ExitCode.sandboxUnavailable;
    case 'run_busy':
      return ExitCode.busy;
    case 'run_paused':
      return ExitCode.paused;
    case 'store_unavailable':
    case 'queue_unavailable':
      return ExitCode.storeUnavailable;
    case 'answer_rejected':
      return ExitCode.rejected;
    default:
      // A full disk is not a bug; a file the user named that cannot be used (missing, a directory, not writable, ...) is bad input.
      if (typeof code === 'string' && FULL_DISK_ERRNOS.has(code)) return ExitCode.storeUnavailable;
      return typeof code === 'string' && USER_PATH_ERRNOS.has(code) ? ExitCode.badInput : ExitCode.internal;
  }
}

/** Node system error codes of a disk that takes no more writes (an output file on it): exit as the store would. */
const FULL_DISK_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EIO']);

/** Node system error codes that mean "this path cannot be used as given". */
const USER_PATH_ERRNOS = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'EEXIST', 'ENAMETOOLONG', 'ELOOP', 'EROFS']);

/** Words for the system error codes a command can meet on the user's files and disk. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
};

/**
 * One line for `error`: an invalid spec's issues (`spec.yaml: postconditions.0: got "...", expected ...`, several
 * joined by `; `); a Zero-Error error's message; a Node system error as `<path>: <what went wrong>` (e.g.
 * `/nope.md: no such file or directory`); anything else its message.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // An invalid spec names each field, value and expectation: its issues, on one line.
  const issues = (error as { issues?: unknown }).issues;
  if (Array.isArray(issues) && issues.length > 0 && issues.every((issue) => typeof (issue as { message?: unknown } | null)?.message === 'string')) {
    const lines = issues.map((issue) => (issue as { message: string }).message.replace(/\s*\n\s*/g, ' '));
    const what = (error as { code?: unknown }).code === 'invalid_config' ? 'invalid configuration' : 'invalid task spec';
    return lines.length === 1 ? (lines[0] ?? '') : `${what} (${lines.length} issues): ${lines.join('; ')}`;
  }
  const { code, path, dest } = error as NodeJS.ErrnoException & { dest?: string };
  const words = typeof code === 'string' ? ERRNO_WORDS[code] : undefined;
  if (words !== undefined && typeof path === 'string') return `${path}${typeof dest === 'string' ? ` -> ${dest}` : ''}: ${words}`;
  return error.message;
}
