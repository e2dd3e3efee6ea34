/**
 * @module sandbox/bwrap/launch-preamble
 * The first program of every sandboxed launch: a short `bash` script that, before anything of the sandbox exists,
 * closes every inherited file descriptor from 3 up (except those the launch passes on purpose), joins the run's
 * cgroups, mounts the run's inode-capped tmpfs (in a private mount namespace), and then execs the rest of the
 * command line (setpriv, bwrap, ...). It execs, so every later process descends from a process already in the
 * cgroups: no fork can slip out between spawn and join.
 *
 * Why (hostile-corpus finding): descriptors the engine inherited without close-on-exec (`exec 40>>host.log` in the
 * shell that ran `zerr solve`) passed through setpriv and bwrap into the candidate, which wrote to the host file
 * and read a secret through them. Node's spawn closes only its own descriptors (they are close-on-exec).
 */

/**
 * The script (`bash -c`). Arguments: `$1` the lowest descriptor to close, `$2` the `mount` binary, `$3` an fstab
 * file of tmpfs to mount (`mount -a -T`: one exec for all of them) or `''`, then `cgroup.procs` files up to `--`,
 * then the command. A failed join or mount exits 125 with a message on stderr: the run fails closed rather than
 * uncapped.
 */
export const PREAMBLE_SCRIPT = [
  'keep=$1; mounter=$2; fstab=$3; shift 3',
  'for fd in /proc/self/fd/*; do fd=${fd##*/}; if [ "$fd" -ge "$keep" ]; then exec {fd}>&-; fi; done',
  'while [ "$1" != -- ]; do echo $$ >"$1" || { echo "zerr: cannot join cgroup $1" >&2; exit 125; }; shift; done; shift',
  'if [ -n "$fstab" ]; then "$mounter" -a -T "$fstab" || { echo "zerr: cannot mount the tmpfs of $fstab" >&2; exit 125; }; fi',
  'exec "$@"',
].join('\n');

/** A tmpfs the preamble mounts: `<options>` as for `mount -t tmpfs -o`, on the existing folder `<target>`. */
export interface PreambleMount {
  readonly options: string;
  readonly target: string;
}

/** The fstab text of `mounts` (paths escaped as fstab(5) requires). */
export function tmpfsFstab(mounts: readonly PreambleMount[]): string {
  const escape = (text: string): string => text.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return mounts.map((m) => `zerr-tmpfs ${escape(m.target)} tmpfs ${escape(m.options)} 0 0\n`).join('');
}

/** What the preamble does before exec'ing `command`. */
export interface PreambleOptions {
  /** bash binary. */
  readonly bashPath: string;
  /** Descriptors below this stay open (0-2 and the launch's extra descriptors). */
  readonly keepFdsBelow: number;
  /** `cgroup.procs` files to join. */
  readonly cgroupProcsFiles: readonly string[];
  /**
   * An fstab file ({@link tmpfsFstab}) of tmpfs to mount; when given, the preamble runs in a private mount
   * namespace made by `unshare`.
   */
  readonly fstab?: string;
  /** `unshare` and `mount` binaries (util-linux); needed with `fstab`. */
  readonly unsharePath?: string;
  readonly mountPath?: string;
  /** The rest of the command line. */
  readonly command: readonly string[];
}

/**
 * The full argv: `[unshare --mount --propagation private --] bash --norc --noprofile -p -c SCRIPT zerr-launch
 * ARGS... COMMAND...`.
 * The mount namespace is private, so the tmpfs mounts never appear on the host and vanish with the run.
 */
export function preambleArgv(options: PreambleOptions): string[] {
  const unshare =
    options.fstab === undefined ? [] : [options.unsharePath ?? 'unshare', '--mount', '--propagation', 'private', '--'];
  return [
    ...unshare,
    options.bashPath,
    '--norc', // bash reads ~/.bashrc when its stdin is a socket (node's pipes are), taking it for rshd
    '--noprofile',
    '-p', // privileged mode: no BASH_ENV, no functions or SHELLOPTS from the environment
    '-c',
    PREAMBLE_SCRIPT,
    'zerr-launch',
    String(options.keepFdsBelow),
    options.mountPath ?? 'mount',
    options.fstab ?? '',
    ...options.cgroupProcsFiles,
    '--',
    ...options.command,
  ];
}
