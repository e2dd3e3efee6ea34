/**
 * @module sandbox/bwrap/bwrap-launch
 * The one place that turns a sandboxed program into the host command line that starts it under bubblewrap: the
 * privilege drop, bwrap's isolation flags and the program's rlimits. Both ways of running (`BwrapSandbox.run`, to
 * completion, and `BwrapSandbox.start`, interactive) launch through {@link prepareBwrapLaunch}, so every hardening
 * step applies to both.
 */
import type { ResolvedSandboxLimits } from '../sandbox-limits.js';
import type { SandboxRuntime } from '../sandbox.js';
import { buildRuntimeCommand, minimalEnv, type RuntimePaths } from '../runtime-command.js';
import { bwrapArgs, DEFAULT_TMPFS_SIZE_MB, privilegeDropPrefix, SANDBOX_WORK_FOLDER } from './bwrap-args.js';

/** What to launch. */
export interface BwrapLaunchRequest {
  readonly runtime: SandboxRuntime;
  /** Relative path (inside the work folder) of the program. */
  readonly entry: string;
  readonly args: readonly string[];
  readonly limits: ResolvedSandboxLimits;
  readonly paths: RuntimePaths;
  /** Host folder holding the run's input files, and their relative paths (bound read-only at `/sandbox`). */
  readonly workFolder: { readonly hostPath: string; readonly files: readonly string[] };
  /** bubblewrap binary. Default `bwrap`. */
  readonly bwrapPath?: string;
  /** setpriv binary. Default `setpriv`. */
  readonly setprivPath?: string;
}

/**
 * A prepared launch: spawn `command` with `args`, the environment `env`, and `extraStdio` as the child's file
 * descriptors 3, 4, ... (after stdin, stdout, stderr); call `dispose()` once the process has ended.
 */
export interface BwrapLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** File descriptors (or 'ignore') for the child's fds 3, 4, ...; empty when none are needed. */
  readonly extraStdio: readonly (number | 'ignore')[];
  /** Releases what the launch holds (open descriptors, per-run control groups). Never throws. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * Size of each writable tmpfs of a run (`/tmp`, `/sandbox`), in MiB: four files of the largest allowed size,
 * at least {@link DEFAULT_TMPFS_SIZE_MB}. Bounds the host RAM one run can fill to twice this.
 */
export function tmpfsSizeMb(limits: ResolvedSandboxLimits): number {
  return Math.max(DEFAULT_TMPFS_SIZE_MB, 4 * limits.fileSizeLimitMb);
}

/** Builds the launch of one sandboxed program. */
export async function prepareBwrapLaunch(request: BwrapLaunchRequest): Promise<BwrapLaunch> {
  const command = buildRuntimeCommand({
    runtime: request.runtime,
    entry: request.entry,
    args: request.args,
    limits: request.limits,
    paths: request.paths,
    workFolder: SANDBOX_WORK_FOLDER,
    withProcessLimit: true,
  });
  const argv = [
    ...privilegeDropPrefix(request.setprivPath ?? 'setpriv'),
    request.bwrapPath ?? 'bwrap',
    ...bwrapArgs({
      nodePath: request.paths.node,
      workFolder: request.workFolder,
      tmpfsSizeMb: tmpfsSizeMb(request.limits),
      env: minimalEnv(SANDBOX_WORK_FOLDER),
      command,
    }),
  ];
  const [head = 'bwrap', ...rest] = argv;
  return {
    command: head,
    args: rest,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    extraStdio: [],
    dispose: () => Promise.resolve(),
  };
}
