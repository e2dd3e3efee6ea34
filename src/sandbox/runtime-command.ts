/**
 * @module sandbox/runtime-command
 * The command line that runs one program under resource limits: `prlimit` (util-linux) for RLIMIT_CPU, RLIMIT_AS,
 * RLIMIT_FSIZE, RLIMIT_NPROC, RLIMIT_NOFILE and RLIMIT_MSGQUEUE, then the interpreter with its own hardening flags.
 * These are per-process (RLIMIT_NPROC per uid) caps; the whole tree's memory and task count are capped by the
 * sandbox's cgroup or watchdog (`bwrap/bwrap-launch.ts`).
 */
import type { SandboxRuntime } from './sandbox.js';
import type { ResolvedSandboxLimits } from './sandbox-limits.js';

/** Host paths of the tools a run needs. */
export interface RuntimePaths {
  /** Default `/usr/bin/prlimit`. */
  readonly prlimit: string;
  /** Default `process.execPath` (the engine's own node). */
  readonly node: string;
  /** Default `/usr/bin/python3` (the system python, not a pyenv shim). */
  readonly python: string;
}

/** Extra address space granted to node over its heap limit, in MiB: V8 reserves large virtual ranges up front. */
export const NODE_ADDRESS_SPACE_SLACK_MB = 1536;

/**
 * Open descriptors per process (soft and hard: the program cannot raise it to the host's hard limit). Each open
 * memfd, pipe or socket holds kernel memory outside RLIMIT_AS; 1024 is the usual soft default.
 */
export const MAX_OPEN_FILES = 1024;

const MIB = 1024 * 1024;

/**
 * Builds `[prlimit, ...limits, '--', interpreter, ...flags, entry, ...args]`.
 *
 * Node runs under its permission model (`--experimental-permission`, Node 20): it may read only `workFolder`,
 * write nowhere, and spawn no child processes or workers; its old-space heap is capped at `memoryLimitMb` and
 * RLIMIT_AS is `memoryLimitMb + 1536`. Python runs isolated (`-I`: no user site, no PYTHON* env) without writing
 * bytecode (`-B`); RLIMIT_AS is `memoryLimitMb`. Both get RLIMIT_NOFILE {@link MAX_OPEN_FILES}, RLIMIT_MSGQUEUE 0
 * (no POSIX message queue memory) and no core dumps.
 *
 * @param workFolder The work folder as the program sees it (`/sandbox` under bubblewrap, the host path unsafe).
 * @param withProcessLimit Whether to set RLIMIT_NPROC (meaningful only for a dedicated sandbox user).
 */
export function buildRuntimeCommand(options: {
  readonly runtime: SandboxRuntime;
  readonly entry: string;
  readonly args: readonly string[];
  readonly limits: ResolvedSandboxLimits;
  readonly paths: RuntimePaths;
  readonly workFolder: string;
  readonly withProcessLimit: boolean;
  /** Further host folders node may read (the unsafe sandbox's package folders, reached through links). Default none. */
  readonly readableFolders?: readonly string[];
}): string[] {
  const { limits, paths } = options;
  const addressSpaceMb =
    options.runtime === 'node' ? limits.memoryLimitMb + NODE_ADDRESS_SPACE_SLACK_MB : limits.memoryLimitMb;
  const rlimits = [
    `--cpu=${limits.cpuTimeSec}`,
    `--as=${addressSpaceMb * MIB}`,
    `--fsize=${limits.fileSizeLimitMb * MIB}`,
    '--core=0',
    `--nofile=${MAX_OPEN_FILES}`,
    '--msgqueue=0',
    ...(options.withProcessLimit ? [`--nproc=${limits.maxProcesses}`] : []),
  ];
  const program =
    options.runtime === 'node'
      ? [
          paths.node,
          '--experimental-permission',
          `--allow-fs-read=${options.workFolder}/*`,
          ...(options.readableFolders ?? []).map((folder) => `--allow-fs-read=${folder}/*`),
          '--no-warnings',
          `--max-old-space-size=${limits.memoryLimitMb}`,
          options.entry,
        ]
      : [paths.python, '-I', '-B', options.entry];
  return [paths.prlimit, ...rlimits, '--', ...program, ...options.args];
}

/** The minimal environment of a sandboxed program. */
export function minimalEnv(home: string): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' };
}
