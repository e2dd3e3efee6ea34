/**
 * @module sandbox/bwrap/bwrap-args
 * The bubblewrap command line of one run: fresh namespaces of every kind (no network: a net namespace without
 * even an up loopback) with nested user namespaces disabled (`--disable-userns`, checked by
 * `--assert-userns-disabled`), a seccomp filter (`--seccomp FD`), read-only system folders only, private /proc and
 * /dev, size-capped tmpfs at `/tmp` and at `/sandbox` (the run's files bound read-only inside it), a read-only
 * root, a cleared environment and an unprivileged uid.
 *
 * Why size caps (hostile-corpus finding): bwrap's tmpfs mounts default to half of host RAM and a read-write bind of
 * the host work folder writes to host disk; RLIMIT_FSIZE caps one file, not their number, so a candidate could fill
 * host RAM or disk (hundreds of MiB per second) until the wall clock. The root tmpfs and `/dev` were writable too.
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

/** Default size of each writable tmpfs (`/tmp`, `/sandbox`), in MiB. */
export const DEFAULT_TMPFS_SIZE_MB = 32;

/**
 * Inodes (files, folders, links) each writable tmpfs may hold. Each costs about 1 KiB of kernel slab (inode and
 * dentry); uncapped, 400,000 empty files in a 32 MiB tmpfs cost the host 231 MB (hostile-corpus finding).
 */
export const DEFAULT_TMPFS_INODES = 4096;

/**
 * Host folders on which the launch has mounted tmpfs capped in bytes and inodes (`size=`, `nr_inodes=`; see
 * `launch-preamble.ts`), bound read-write at `/tmp` and `/sandbox` instead of bwrap's own `--tmpfs`, whose
 * mounts cannot cap inodes.
 */
export interface PremountedTmpfs {
  readonly tmp: string;
  readonly sandbox: string;
}

/** The run's input files: a host folder and the relative paths (validated: no `..`) to bind from it. */
export interface BwrapWorkFolder {
  readonly hostPath: string;
  readonly files: readonly string[];
  /** Host folders bound read-only at relative paths of the work folder (a run's `nodePackages`). Default none. */
  readonly mounts?: readonly { readonly hostPath: string; readonly path: string }[];
}

/**
 * Full bwrap argument list (without the bwrap binary itself), ending with `--` and `command`.
 *
 * Writable places inside: `/tmp` and {@link SANDBOX_WORK_FOLDER}, each a fresh tmpfs of `tmpfsSizeMb` MiB
 * (default {@link DEFAULT_TMPFS_SIZE_MB}; writes past it fail with ENOSPC): the `premountedTmpfs` folders when
 * given (capped in inodes too), else bwrap's `--tmpfs` with `--size`. The work folder's input files are bound
 * read-only from the host into the `/sandbox` tmpfs, so nothing a program writes ever reaches the host. `/`
 * and `/dev` are remounted read-only (device nodes such as `/dev/null` stay usable).
 *
 * Always `--disable-userns --assert-userns-disabled` (bubblewrap >= 0.8): the program cannot create a user
 * namespace, the step to a private mount namespace in which it could mount a tmpfs of any size.
 *
 * @param workFolder Input files bound at {@link SANDBOX_WORK_FOLDER}, or undefined for none (probes).
 * @param seccompFd bwrap's descriptor number of the compiled seccomp filter (`--seccomp`), or undefined for none.
 * @param launchMarker A unique name put on bwrap's command line (as a no-op `--unsetenv`) so the host-side tree
 *   watchdog can find the launch among the engine's children; invisible inside.
 */
export function bwrapArgs(options: {
  readonly nodePath: string;
  readonly workFolder: BwrapWorkFolder | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
  readonly tmpfsSizeMb?: number;
  readonly premountedTmpfs?: PremountedTmpfs;
  readonly seccompFd?: number;
  readonly launchMarker?: string;
}): string[] {
  const tmpfsBytes = String((options.tmpfsSizeMb ?? DEFAULT_TMPFS_SIZE_MB) * 1024 * 1024);
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--assert-userns-disabled',
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
    // pid 1 (bwrap's init) runs as the program's uid: without this, the program could open its memory read-write
    // and hang or steer it (hostile-corpus finding); ptrace and process_vm_writev are denied by seccomp.
    '--ro-bind',
    '/dev/null',
    '/proc/1/mem',
    '--ro-bind',
    '/dev/null',
    '/proc/1/task/1/mem',
    '--dev',
    '/dev',
  ];
  const premounted = options.premountedTmpfs;
  const writable = (hostFolder: string | undefined, dest: string): string[] =>
    hostFolder === undefined ? ['--size', tmpfsBytes, '--tmpfs', dest] : ['--bind', hostFolder, dest];
  args.push(...writable(premounted?.tmp, '/tmp'));
  if (options.workFolder !== undefined) {
    args.push(...writable(premounted?.sandbox, SANDBOX_WORK_FOLDER));
    for (const file of options.workFolder.files) {
      args.push('--ro-bind', `${options.workFolder.hostPath}/${file}`, `${SANDBOX_WORK_FOLDER}/${file}`);
    }
    for (const mount of options.workFolder.mounts ?? []) args.push('--ro-bind', mount.hostPath, `${SANDBOX_WORK_FOLDER}/${mount.path}`);
    args.push('--chdir', SANDBOX_WORK_FOLDER);
  } else {
    args.push('--chdir', '/tmp');
  }
  args.push('--remount-ro', '/dev', '--remount-ro', '/');
  if (options.seccompFd !== undefined) args.push('--seccomp', String(options.seccompFd));
  if (options.launchMarker !== undefined) args.push('--unsetenv', options.launchMarker);
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
