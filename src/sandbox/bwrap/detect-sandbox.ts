/**
 * @module sandbox/bwrap/detect-sandbox
 * Probes once whether bubblewrap isolation works on this machine, with every hardening step of a real run, and says
 * why not when it does not.
 */
import { spawnCapped } from '../spawn-capped.js';
import { DEFAULT_SANDBOX_LIMITS } from '../sandbox-limits.js';
import { SandboxUnavailableError } from '../sandbox-unavailable-error.js';
import { DEFAULT_TMPFS_SIZE_MB } from './bwrap-args.js';
import { describeLaunchHost, loadLaunchHost, prepareCommandLaunch, treeMemoryLimitMb } from './bwrap-launch.js';
import { findExecutable } from './find-executable.js';

export { findExecutable } from './find-executable.js';

/** Result of {@link detectSandbox}: available, or the reason with an actionable fix. */
export type SandboxDetection =
  | { readonly available: true; readonly kind: 'bwrap'; readonly reason: string }
  | { readonly available: false; readonly reason: string };

/** Tool paths the probe uses. Defaults: `bwrap` and `setpriv` from PATH, `/usr/bin/prlimit`, the engine's node. */
export interface DetectSandboxOptions {
  readonly bwrapPath?: string;
  readonly setprivPath?: string;
  readonly prlimitPath?: string;
  readonly nodePath?: string;
  /** Python with `python3-seccomp`. Default `/usr/bin/python3`. */
  readonly seccompPythonPath?: string;
  readonly signal?: AbortSignal;
}

const INSTALL_HINT = 'install it with `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap` (Fedora)';

/**
 * Builds the seccomp filter (once per process, about 50-100 ms) and runs `prlimit --cpu=1 -- /bin/true` through
 * the same launch as a real run: fd-closing preamble, per-run cgroup or watchdog, capped tmpfs, setpriv, bwrap with
 * `--disable-userns --assert-userns-disabled` and `--seccomp` (about 10-50 ms). The sandbox is reported
 * unavailable, with the install hint, when the filter cannot be built (`python3-seccomp` missing) or bubblewrap is
 * older than 0.8: it never runs with less hardening than documented.
 *
 * Never throws (except for an aborted `signal`); failures come back as `{ available: false, reason }`.
 */
export async function detectSandbox(options: DetectSandboxOptions = {}): Promise<SandboxDetection> {
  const bwrap = options.bwrapPath ?? 'bwrap';
  const prlimit = options.prlimitPath ?? '/usr/bin/prlimit';
  if (findExecutable(bwrap) === undefined) {
    return { available: false, reason: `bubblewrap (${bwrap}) is not installed: ${INSTALL_HINT}.` };
  }
  if (process.getuid?.() === 0 && findExecutable(options.setprivPath ?? 'setpriv') === undefined) {
    return { available: false, reason: 'setpriv (util-linux) is missing; it drops root before bwrap: apt-get install util-linux.' };
  }
  let host;
  try {
    host = await loadLaunchHost(options.seccompPythonPath);
  } catch (error) {
    if (error instanceof SandboxUnavailableError) return { available: false, reason: error.message };
    return { available: false, reason: `cannot prepare the sandbox's launch: ${String(error)}` };
  }
  options.signal?.throwIfAborted();
  let launch;
  try {
    launch = await prepareCommandLaunch({
      command: [prlimit, '--cpu=1', '--', '/bin/true'],
      workFolder: undefined,
      nodePath: options.nodePath ?? process.execPath,
      tmpfsSizeMb: DEFAULT_TMPFS_SIZE_MB,
      treeMemoryLimitMb: treeMemoryLimitMb('python', DEFAULT_SANDBOX_LIMITS),
      maxProcesses: DEFAULT_SANDBOX_LIMITS.maxProcesses,
      ...(options.bwrapPath !== undefined ? { bwrapPath: options.bwrapPath } : {}),
      ...(options.setprivPath !== undefined ? { setprivPath: options.setprivPath } : {}),
      ...(options.seccompPythonPath !== undefined ? { seccompPythonPath: options.seccompPythonPath } : {}),
    });
  } catch (error) {
    return { available: false, reason: `cannot prepare the bubblewrap command line: ${String(error)}` };
  }
  try {
    const result = await spawnCapped({
      command: launch.command,
      args: launch.args,
      cwd: '/',
      env: launch.env,
      extraStdio: launch.extraStdio,
      wallTimeMs: 10_000,
      maxOutputBytes: 64 * 1024,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.exitCode === 0) {
      return { available: true, kind: 'bwrap', reason: `bubblewrap works (${bwrap}): ${describeLaunchHost(host)}` };
    }
    const stderr = result.stderr.trim().slice(0, 500);
    if (/execvp|No such file/.test(stderr) && stderr.includes('prlimit')) {
      return { available: false, reason: `prlimit (util-linux) is missing at ${prlimit}: apt-get install util-linux` };
    }
    if (/Unknown option|disable-userns|userns/.test(stderr)) {
      return {
        available: false,
        reason: `bubblewrap cannot disable nested user namespaces (${stderr}): bubblewrap 0.8 or newer is needed (Debian 12: apt-get install bubblewrap).`,
      };
    }
    if (/seccomp/i.test(stderr)) {
      return { available: false, reason: `bubblewrap cannot load the seccomp filter: ${stderr}` };
    }
    return {
      available: false,
      reason:
        `bubblewrap cannot create its namespaces (exit ${String(result.exitCode)}): ${stderr || 'no message'}. ` +
        'Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0; ' +
        'on Ubuntu 24.04 an AppArmor profile for bwrap), or run inside a container that permits them.',
    };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') {
      return { available: false, reason: `bubblewrap (${bwrap}) or setpriv is not installed: ${INSTALL_HINT}.` };
    }
    return { available: false, reason: `bubblewrap could not be started: ${String(error)}` };
  } finally {
    await launch.dispose();
  }
}
