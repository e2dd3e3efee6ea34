/**
 * @module sandbox/bwrap/seccomp-filter
 * The seccomp filter every sandboxed program runs under (`bwrap --seccomp FD`): it denies the system calls no
 * verified function needs and that widen the kernel's attack surface or reach outside the sandbox - new namespaces,
 * mounts, ptrace, keyrings, eBPF, perf events, userfaultfd, io_uring, SysV IPC, module and clock administration.
 *
 * The filter is compiled by libseccomp through its Python binding (Debian's `python3-seccomp`), not by a
 * hand-written BPF assembler: libseccomp resolves syscall numbers per architecture, rejects foreign-architecture
 * and x32 calls (the `int 0x80` bypass) and emits the same program the kernel would load from `seccomp_load`.
 *
 * Why at run time and not at set-up time: the compiled program depends on the host's libseccomp and syscall
 * table, so a file written by `setup.sh` could go stale after an upgrade, and a filter file on disk could be
 * replaced by another local user. Compiling costs one `python3` start (about 50 ms) once per engine process;
 * the bytes then live in this process only (see {@link loadSeccompFilter}).
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Python that compiles the filter: the system interpreter, where Debian installs `python3-seccomp`. */
export const DEFAULT_SECCOMP_PYTHON = '/usr/bin/python3';

/** The install hint given when the filter cannot be compiled. */
export const SECCOMP_INSTALL_HINT = 'apt-get install python3-seccomp (Debian/Ubuntu) or dnf install python3-libseccomp (Fedora)';

/**
 * System calls answered with EPERM. Grouped by why; names unknown to the host's libseccomp are skipped.
 * `clone` is denied only with a `CLONE_NEW*` flag and `clone3` always, with ENOSYS so glibc falls back to
 * `clone` (whose flags a filter can see; clone3 passes them in memory).
 */
export const DENIED_SYSCALLS: readonly string[] = [
  // namespaces and mounts: no nested sandbox, no tmpfs of its own, no remount of what bwrap made read-only
  'unshare', 'setns', 'mount', 'umount', 'umount2', 'pivot_root', 'chroot', 'move_mount', 'open_tree', 'fsopen',
  'fsconfig', 'fsmount', 'fspick', 'mount_setattr',
  // other processes: ptrace-attach to the sandbox's pid 1 hung runs; /proc/<pid>/mem-style access
  'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'process_madvise', 'move_pages',
  'migrate_pages',
  // kernel attack surface no computation needs
  'keyctl', 'add_key', 'request_key', 'bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'io_uring_enter',
  'io_uring_register', 'fanotify_init', 'open_by_handle_at', 'name_to_handle_at', 'lookup_dcookie', 'memfd_secret',
  // SysV IPC: segments and queues outlive their processes and are invisible from the host's side
  'shmget', 'shmat', 'shmdt', 'shmctl', 'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop',
  'semctl',
  // host administration (already refused for lack of capabilities; denied so a kernel bug cannot change that)
  'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module', 'reboot', 'swapon', 'swapoff',
  'acct', 'quotactl', 'quotactl_fd', 'syslog', 'settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex',
  'iopl', 'ioperm', 'vhangup', 'uselib', 'nfsservctl', '_sysctl', 'sethostname', 'setdomainname',
  'create_module', 'get_kernel_syms', 'query_module',
];

/**
 * The libseccomp program (Python source, run with `python3 -I -c`): default ALLOW, EPERM for
 * {@link DENIED_SYSCALLS}, EPERM for `clone` with any `CLONE_NEW*` flag, ENOSYS for `clone3`, EPERM for the
 * terminal-injection ioctls TIOCSTI and TIOCLINUX, KILL_PROCESS for a foreign architecture. Writes the BPF
 * program to stdout. Exit 3 when the binding is missing.
 */
export const SECCOMP_FILTER_SCRIPT = `
import errno, json, os, sys
try:
    import seccomp
except ImportError as e:
    sys.stderr.write("python3-seccomp is missing: %s\\n" % e)
    sys.exit(3)
denied = json.loads(sys.argv[1])
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
f.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
eperm = seccomp.ERRNO(errno.EPERM)
known = []
for name in denied:
    try:
        f.add_rule(eperm, name)
        known.append(name)
    except (ValueError, RuntimeError, OSError):
        pass  # not a syscall of this architecture
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
for flag in (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000):
    f.add_rule(eperm, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
try:
    f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
except (ValueError, RuntimeError, OSError):
    pass
# TIOCSTI, TIOCLINUX (the command is an unsigned int: compare the low 32 bits only)
for request in (0x5412, 0x541C):
    f.add_rule(eperm, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, request))
if len(known) < len(denied) // 2:
    sys.stderr.write("libseccomp knows too few of the denied syscalls: %r\\n" % known)
    sys.exit(4)
out = os.fdopen(1, "wb", closefd=False)
out.flush()
f.export_bpf(out)
`;

/** Compiles the filter; resolves with the BPF program (a sequence of 8-byte `sock_filter` instructions). */
export function compileSeccompFilter(options: { readonly pythonPath?: string; readonly signal?: AbortSignal } = {}): Promise<Buffer> {
  const python = options.pythonPath ?? DEFAULT_SECCOMP_PYTHON;
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ['-I', '-c', SECCOMP_FILTER_SCRIPT, JSON.stringify(DENIED_SYSCALLS)],
      {
        encoding: 'buffer',
        timeout: 30_000,
        maxBuffer: 1024 * 1024,
        env: { PATH: '/usr/bin:/bin' },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString('utf8').trim() || error.message;
          reject(new Error(`cannot compile the seccomp filter with ${python}: ${detail}`, { cause: error }));
        } else if (stdout.length === 0 || stdout.length % 8 !== 0) {
          reject(new Error(`the seccomp filter from ${python} is not a BPF program (${String(stdout.length)} bytes)`));
        } else resolve(stdout);
      },
    );
  });
}

/**
 * A compiled filter held by this process: `open()` gives a fresh read-only descriptor positioned at its start
 * (bwrap reads the program from the descriptor until EOF), to pass as the child's fd 3 and close after spawning.
 */
export interface SeccompFilter {
  /** The BPF program. */
  readonly program: Buffer;
  /** Opens a new descriptor on the program. The caller closes it. */
  open(): number;
}

/**
 * Keeps `program` in an unlinked file: written once to a private folder, held open by this process, and removed
 * from the file system at once, so no other process can replace it; each {@link SeccompFilter.open} reopens it
 * through `/proc/self/fd` with its own offset, so concurrent launches do not share a read position.
 */
export async function holdSeccompFilter(program: Buffer): Promise<SeccompFilter> {
  const folder = await mkdtemp(join(tmpdir(), 'zerr-seccomp-'));
  let held: number;
  try {
    const path = join(folder, 'filter.bpf');
    writeFileSync(path, program, { mode: 0o600 });
    held = openSync(path, 'r');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  return {
    program,
    open: () => openSync(`/proc/self/fd/${String(held)}`, 'r'),
  };
}

const compiled = new Map<string, Promise<SeccompFilter>>();

/**
 * The filter for this process, compiled on first use with `pythonPath` and kept for the life of the process (a
 * cache of a fact about the host, like its syscall table, not engine state). A failure is not cached.
 *
 * @throws Error when the filter cannot be compiled (python3-seccomp missing: see {@link SECCOMP_INSTALL_HINT}).
 */
export function loadSeccompFilter(pythonPath: string = DEFAULT_SECCOMP_PYTHON): Promise<SeccompFilter> {
  let pending = compiled.get(pythonPath);
  if (pending === undefined) {
    pending = compileSeccompFilter({ pythonPath }).then(holdSeccompFilter);
    pending.catch(() => compiled.delete(pythonPath));
    compiled.set(pythonPath, pending);
  }
  return pending;
}

/** Closes a descriptor, ignoring errors (already closed). */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
