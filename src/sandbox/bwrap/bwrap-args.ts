/**
 * @module sandbox/bwrap/bwrap-args
 * The bubblewrap command line of one run: fresh namespaces of every kind (no network: a net namespace without
 * even an up loopback), read-only system folders only, private /tmp, /proc and /dev, the run's work folder at
 * `/sandbox`, a cleared environment and an unprivileged uid.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the work folder appears inside the sandbox. */
export const SANDBOX_WORK_FOLDER = '/sandbox';

/** The uid/gid the program runs as inside (and, when the engine is root, on the host): `nobody`. */
export const SANDBOX_UID = 65534;

/**
 * Binds for the system folders: `/usr` read-only, and `/bin`, `/lib`, `/lib64`, `/sbin` recreated as the same
 * symlinks as on the host (merged-/usr systems) or bound read-only when they are real folders. Nothing of `/etc`,
 * `/home`, `/root`, `/var` or `/run` is visible. When node lives outside `/usr`, its install prefix is bound too.
 */
export function systemBinds(nodePath: string): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const folder of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
    let stat;
    try {
      stat = lstatSync(folder);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(folder), folder);
    else if (stat.isDirectory()) args.push('--ro-bind', folder, folder);
  }
  const nodePrefix = dirname(dirname(realpathSync(nodePath)));
  if (!['/usr', '/', '/usr/local'].includes(nodePrefix) && !nodePrefix.startsWith('/usr/')) {
    args.push('--ro-bind', nodePrefix, nodePrefix);
  }
  return args;
}

/**
 * Full bwrap argument list (without the bwrap binary itself), ending with `--` and `command`.
 * @param workFolder Host path bound read-write at {@link SANDBOX_WORK_FOLDER}, or undefined for none (probes).
 */
export function bwrapArgs(options: {
  readonly nodePath: string;
  readonly workFolder: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
}): string[] {
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--hostname',
    'zerr-sandbox',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    ...systemBinds(options.nodePath),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
  ];
  if (options.workFolder !== undefined) {
    args.push('--bind', options.workFolder, SANDBOX_WORK_FOLDER, '--chdir', SANDBOX_WORK_FOLDER);
  } else {
    args.push('--chdir', '/tmp');
  }
  args.push('--clearenv');
  for (const [key, value] of Object.entries(options.env)) args.push('--setenv', key, value);
  args.push('--', ...options.command);
  return args;
}

/**
 * When the engine runs as root, bwrap is started through `setpriv` as host uid/gid 65534 so the sandboxed program
 * is not host root even in its own user namespace, and RLIMIT_NPROC applies (the kernel exempts host root).
 * Returns the prefix (`[]` when not root).
 */
export function privilegeDropPrefix(setprivPath: string): string[] {
  if (process.getuid?.() !== 0) return [];
  return [setprivPath, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', '--'];
}
