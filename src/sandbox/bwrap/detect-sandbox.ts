/**
 * @module sandbox/bwrap/detect-sandbox
 * Probes once whether bubblewrap isolation works on this machine, and says why not when it does not.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnCapped } from '../spawn-capped.js';
import { bwrapArgs, privilegeDropPrefix } from './bwrap-args.js';

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
  readonly signal?: AbortSignal;
}

const INSTALL_HINT = 'install it with `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap` (Fedora)';

/**
 * Runs `bwrap ... -- prlimit --cpu=1 -- /bin/true` with the same isolation as a real run (about 10-50 ms).
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
  let command: string[];
  try {
    command = [
      ...privilegeDropPrefix(options.setprivPath ?? 'setpriv'),
      bwrap,
      ...bwrapArgs({
        nodePath: options.nodePath ?? process.execPath,
        workFolder: undefined,
        env: { PATH: '/usr/bin:/bin' },
        command: [prlimit, '--cpu=1', '--', '/bin/true'],
      }),
    ];
  } catch (error) {
    return { available: false, reason: `cannot prepare the bubblewrap command line: ${String(error)}` };
  }
  try {
    const [head = bwrap, ...rest] = command;
    const result = await spawnCapped({
      command: head,
      args: rest,
      cwd: '/',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      wallTimeMs: 10_000,
      maxOutputBytes: 64 * 1024,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.exitCode === 0) return { available: true, kind: 'bwrap', reason: `bubblewrap works (${bwrap})` };
    const stderr = result.stderr.trim().slice(0, 500);
    if (/execvp|No such file/.test(stderr) && stderr.includes('prlimit')) {
      return { available: false, reason: `prlimit (util-linux) is missing at ${prlimit}: apt-get install util-linux` };
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
  }
}

/** Absolute path of an executable (`name` with a `/` is checked as is, otherwise searched in PATH), or undefined. */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : (process.env['PATH'] ?? '/usr/bin:/bin').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
