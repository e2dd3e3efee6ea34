/**
 * @module sandbox/bwrap/tree-watchdog
 * The fallback for hosts where no cgroup can be made per run (non-root without delegation): a timer that measures
 * the memory a sandboxed tree holds beyond RLIMIT_AS's reach and SIGKILLs the tree when it passes a cap.
 *
 * Measured every `intervalMs` (default 20 ms): for every process of the sandbox (listed from the sandbox's own `/proc`, reached
 * from the host as `/proc/<sandbox pid 1>/root/proc`) its anonymous and shared resident memory (`RssAnon`,
 * `RssShmem`) plus the allocated size of every memfd it holds open (counted once per inode; memfd pages written
 * with write(2) are in no process's address space), and optionally the inodes used in the sandbox's tmpfs
 * mounts (`statfs`). A poll costs about a millisecond; the overshoot past the cap is what the tree can allocate in
 * one interval. SysV shared memory, invisible from the host, is denied by the seccomp filter.
 */
import { readdirSync, readFileSync, readlinkSync, statSync, statfsSync } from 'node:fs';

/** What the watchdog watches and its caps. */
export interface TreeWatchdogOptions {
  /** A string found only in the command line of the launched process (its root). */
  readonly marker: string;
  /** Cap on the tree's anonymous + shared resident memory plus memfd sizes, in bytes (`Infinity`: not measured). */
  readonly maxMemoryBytes: number;
  /** Cap on the inodes used in each of `tmpfsPaths` (paths inside the sandbox). Default: not checked. */
  readonly maxTmpfsInodes?: number;
  /** Paths of the sandbox's tmpfs mounts, as seen inside, e.g. `/tmp`. Default none. */
  readonly tmpfsPaths?: readonly string[];
  /** Poll interval in ms once the sandbox is found (before: a quarter of it). Default 20. */
  readonly intervalMs?: number;
}

/** A running watchdog. */
export interface TreeWatchdog {
  /** Stops polling. Idempotent. */
  stop(): void;
  /** Why the tree was killed, or undefined while it was not. */
  readonly killedReason: () => string | undefined;
  /** Highest memory seen, in bytes. */
  readonly peakMemoryBytes: () => number;
}

/** Starts polling. The timer is unref'd; `stop()` must be called when the launch is disposed. */
export function startTreeWatchdog(options: TreeWatchdogOptions): TreeWatchdog {
  let rootPid: number | undefined;
  let sandboxPid: number | undefined;
  let killedReason: string | undefined;
  let peak = 0;
  const poll = (): void => {
    if (killedReason !== undefined) return;
    rootPid ??= findChild(process.pid, (pid) => readText(`/proc/${String(pid)}/cmdline`).includes(options.marker));
    if (rootPid === undefined) return;
    sandboxPid ??= findChild(rootPid, (pid) => insideSandbox(pid));
    if (sandboxPid === undefined) return;
    // Both may have exited and their pids been reused since the last poll: measure and kill only what is still ours.
    if (!readText(`/proc/${String(rootPid)}/cmdline`).includes(options.marker) || parentOf(sandboxPid) !== rootPid || !insideSandbox(sandboxPid)) {
      return;
    }
    const memory = Number.isFinite(options.maxMemoryBytes) ? treeMemoryBytes(sandboxPid) : 0;
    peak = Math.max(peak, memory);
    if (memory > options.maxMemoryBytes) {
      killedReason = `the process tree held ${mib(memory)} MiB (cap ${mib(options.maxMemoryBytes)} MiB)`;
    } else if (options.maxTmpfsInodes !== undefined) {
      for (const path of options.tmpfsPaths ?? []) {
        const used = usedInodes(`/proc/${String(sandboxPid)}/root${path}`);
        if (used > options.maxTmpfsInodes) {
          killedReason = `${path} held ${String(used)} inodes (cap ${String(options.maxTmpfsInodes)})`;
          break;
        }
      }
    }
    if (killedReason !== undefined) {
      for (const pid of [sandboxPid, rootPid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  };
  const intervalMs = options.intervalMs ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped || killedReason !== undefined) return;
    timer = setTimeout(
      () => {
        poll();
        schedule();
      },
      sandboxPid === undefined ? Math.max(1, intervalMs / 4) : intervalMs,
    );
    timer.unref();
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
    killedReason: () => killedReason,
    peakMemoryBytes: () => peak,
  };
}

/** First child of `parent` (by scanning `/proc/<pid>/stat`) for which `accept` holds. */
function findChild(parent: number, accept: (pid: number) => boolean): number | undefined {
  for (const pid of numericEntries('/proc')) {
    if (parentOf(pid) === parent && accept(pid)) return pid;
  }
  return undefined;
}

/** The parent pid from `/proc/<pid>/stat` (after the parenthesised command name, which may hold spaces). */
function parentOf(pid: number): number | undefined {
  const stat = readText(`/proc/${String(pid)}/stat`);
  if (stat === '') return undefined;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Whether `pid` runs in a sandbox that bubblewrap has finished building (its root is no longer the host's). */
function insideSandbox(pid: number): boolean {
  try {
    const root = statSync(`/proc/${String(pid)}/root/`);
    const host = statSync('/');
    return (root.dev !== host.dev || root.ino !== host.ino) && statSync(`/proc/${String(pid)}/root/proc/1`).isDirectory();
  } catch {
    return false;
  }
}

/** Sum over the sandbox's processes of RssAnon + RssShmem, plus the allocated bytes of distinct open memfds. */
function treeMemoryBytes(sandboxPid: number): number {
  const proc = `/proc/${String(sandboxPid)}/root/proc`;
  const memfds = new Map<string, number>();
  let total = 0;
  for (const pid of numericEntries(proc)) {
    const status = readText(`${proc}/${String(pid)}/status`);
    for (const field of ['RssAnon', 'RssShmem']) {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      total += Number(match?.[1] ?? 0) * 1024;
    }
    for (const fd of numericEntries(`${proc}/${String(pid)}/fd`)) {
      const path = `${proc}/${String(pid)}/fd/${String(fd)}`;
      try {
        if (!readlinkSync(path).startsWith('/memfd:')) continue;
        const stat = statSync(path);
        memfds.set(`${String(stat.dev)}:${String(stat.ino)}`, stat.blocks * 512);
      } catch {
        // closed meanwhile
      }
    }
  }
  for (const bytes of memfds.values()) total += bytes;
  return total;
}

function usedInodes(path: string): number {
  try {
    const stat = statfsSync(path);
    return stat.files - stat.ffree;
  } catch {
    return 0;
  }
}

function numericEntries(folder: string): number[] {
  try {
    return readdirSync(folder)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(0);
}
