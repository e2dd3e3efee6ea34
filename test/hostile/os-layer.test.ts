/**
 * @module test/hostile/os-layer
 * Runs every hostile program of `test/fixtures/hostile/os/` through a real `BwrapSandbox` and checks what the
 * sandbox's OS layer must hold: inherited descriptors closed, nested namespaces / mounts / ptrace / dangerous
 * syscalls refused with EPERM, and the host's shared memory, kernel slab and task count bounded by the run's caps
 * while it runs (sampled every 50 ms from `/proc/meminfo` and the run's pids cgroup). The memfd attack runs a
 * second time through the fallback (no cgroup: RLIMIT_AS/NPROC plus the tree watchdog).
 *
 * Prints a table: fixture, result, and the memfd runs' host Shmem high-water marks in MiB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/bwrap/bwrap-sandbox.js';
import { DEFAULT_TMPFS_INODES } from '../../src/sandbox/bwrap/bwrap-args.js';
import { loadLaunchHost, prepareBwrapLaunch, TREE_TASK_SLACK, treeMemoryLimitMb } from '../../src/sandbox/bwrap/bwrap-launch.js';
import { detectCgroupParents } from '../../src/sandbox/bwrap/run-cgroup.js';
import { resolveLimits } from '../../src/sandbox/sandbox-limits.js';
import type { SandboxLimits, SandboxRunResult } from '../../src/sandbox/sandbox.js';
import { spawnCapped } from '../../src/sandbox/spawn-capped.js';
import { createWorkFolder } from '../../src/sandbox/work-folder.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(HERE, '../fixtures/hostile/os');
const REPO = resolve(HERE, '../..');
const MIB = 1024 * 1024;

/** Host memory other processes on a shared machine may add during a run, in MiB (the bounds' allowance). */
const HOST_NOISE_MB = 64;

/**
 * What the tree watchdog (20 ms polls) may let a tree write past a cap before it kills it, in MiB; measured up to
 * about 150 MiB for 4 processes writing memfds on a 2-core machine.
 */
const WATCHDOG_OVERSHOOT_MB = 256;

/** This host's launch facilities: with a cgroup and a private tmpfs, caps are exact; without, the watchdog's. */
const host = await loadLaunchHost();

const sandbox = new BwrapSandbox();
const rows: { fixture: string; result: string; shmemPeakMb?: string }[] = [];

afterAll(async () => {
  await sandbox.close();
  console.log('\nOS-layer hostile fixtures');
  console.table(rows);
});

const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const runPython = (code: string, limits: SandboxLimits = {}): Promise<SandboxRunResult> =>
  sandbox.run({ runtime: 'python', files: { 'main.py': code }, entry: 'main.py', limits });

/** `label -> outcome` from the fixture's `LABEL OUTCOME` lines. */
function outcomes(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map((words) => [words.slice(0, -1).join(' '), words.at(-1) ?? ''] as const),
  );
}

/** Host `Shmem` and `Slab` from /proc/meminfo, in MiB. */
function hostMemoryMb(): { shmem: number; slab: number } {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / 1024;
  return { shmem: field('Shmem'), slab: field('Slab') };
}

/** Tasks in this process's run cgroups (`pids.current`), summed; 0 without a pids cgroup. */
function runCgroupTasks(): number {
  const detection = detectCgroupParents();
  const parent = detection.available ? detection.parents.pids : undefined;
  if (parent === undefined) return 0;
  let tasks = 0;
  for (const name of readdirSync(parent).filter((n) => n.startsWith(`zerr-run-${String(process.pid)}-`))) {
    try {
      tasks += Number(readFileSync(join(parent, name, 'pids.current'), 'utf8'));
    } catch {
      // removed meanwhile
    }
  }
  return tasks;
}

/** Runs `action` while sampling the host every 50 ms; high-water marks over the value before, in MiB / tasks. */
async function sampled<T>(action: () => Promise<T>): Promise<{ value: T; shmemMb: number; slabMb: number; tasks: number }> {
  const base = hostMemoryMb();
  const peak = { ...base, tasks: 0 };
  const sample = (): void => {
    const now = hostMemoryMb();
    peak.shmem = Math.max(peak.shmem, now.shmem);
    peak.slab = Math.max(peak.slab, now.slab);
    peak.tasks = Math.max(peak.tasks, runCgroupTasks());
  };
  const timer = setInterval(sample, 50);
  try {
    const value = await action();
    sample();
    return { value, shmemMb: peak.shmem - base.shmem, slabMb: peak.slab - base.slab, tasks: peak.tasks };
  } finally {
    clearInterval(timer);
  }
}

/** Expects every listed label to have come out as `expected`, and records the row. */
function expectAll(name: string, result: SandboxRunResult, labels: readonly string[], expected: string): void {
  const seen = outcomes(result.stdout);
  const got = labels.map((label) => `${label}=${seen.get(label) ?? 'missing'}`);
  rows.push({ fixture: name, result: got.join(' ') });
  expect(result.stderr).toBe('');
  expect(got).toEqual(labels.map((label) => `${label}=${expected}`));
}

describe('OS layer: hostile fixtures', () => {
  test('o01: descriptors 40 and 41 open in the engine\'s parent reach neither the candidate nor the host', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'zerr-fds-'));
    const log = join(folder, 'host.log');
    const secretFile = join(folder, 'secret.txt');
    const secret = `zerr-secret-${String(Date.now())}`;
    writeFileSync(log, '');
    writeFileSync(secretFile, secret);
    const logFd = openSync(log, 'a');
    const secretFd = openSync(secretFile, 'r');
    try {
      // A separate engine process started like `exec 40>>host.log 41<secret.txt; zerr solve`: fds 40 and 41 open,
      // not close-on-exec, in the process that runs BwrapSandbox.
      const engine = `
        import { fstatSync } from 'node:fs';
        const { BwrapSandbox } = await import(${JSON.stringify(pathToFileURL(join(REPO, 'src/sandbox/bwrap/bwrap-sandbox.ts')).href)});
        const engineHas = [40, 41].map((fd) => { try { fstatSync(fd); return true; } catch { return false; } });
        const sandbox = new BwrapSandbox();
        const result = await sandbox.run({ runtime: 'python', files: { 'main.py': ${JSON.stringify(fixture('o01-inherited-fds.py'))} }, entry: 'main.py' });
        await sandbox.close();
        process.stdout.write(JSON.stringify({ engineHas, result }));`;
      const stdio: ('pipe' | 'ignore' | number)[] = ['ignore', 'pipe', 'pipe', ...Array<'ignore'>(37).fill('ignore'), logFd, secretFd];
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', engine], { cwd: REPO, stdio });
      let out = '';
      let err = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code, err).toBe(0);
      const { engineHas, result } = JSON.parse(out) as { engineHas: boolean[]; result: SandboxRunResult };
      const seen = outcomes(result.stdout);
      rows.push({ fixture: 'o01-inherited-fds.py', result: `engine had fds 40,41=${engineHas.join(',')}; ${result.stdout.trim().replace(/\n/g, '; ')}` });
      expect(engineHas).toEqual([true, true]); // the attack was really set up
      expect(seen.get('WRITE40')).toBe('EBADF');
      expect(seen.get('READ41')).toBe('EBADF');
      expect(seen.get('OPEN')).toBe('[]');
      expect(readFileSync(log, 'utf8')).toBe('');
      expect(result.stdout + result.stderr).not.toContain(secret);
    } finally {
      closeSync(logFd);
      closeSync(secretFd);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('o02: no nested user namespace (seccomp EPERM, clone3 ENOSYS, bwrap --disable-userns)', async () => {
    const r = await runPython(fixture('o02-nested-userns.py'));
    expectAll('o02-nested-userns.py', r, ['UNSHARE_USER', 'UNSHARE_USER_MNT', 'UNSHARE_MNT', 'UNSHARE_NET', 'CLONE_NEWUSER'], 'EPERM');
    expect(outcomes(r.stdout).get('CLONE3')).toBe('ENOSYS');
  });

  test('o03: no tmpfs of its own: unshare, mount and fsopen fail with EPERM', async () => {
    const { value: r, shmemMb } = await sampled(() => runPython(fixture('o03-mount-tmpfs.py')));
    expectAll('o03-mount-tmpfs.py', r, ['UNSHARE_USER_MNT', 'MOUNT', 'FSOPEN'], 'EPERM');
    expect(Number(outcomes(r.stdout).get('WRITTEN_MIB'))).toBeLessThanOrEqual(32);
    expect(shmemMb).toBeLessThan(32 + HOST_NOISE_MB);
  });

  test('o04: pid 1 cannot be traced, written or stopped; the run ends normally', async () => {
    const r = await runPython(fixture('o04-ptrace-pid1.py'), { wallTimeMs: 5000 });
    expectAll('o04-ptrace-pid1.py', r, ['PTRACE_ATTACH', 'PTRACE_SEIZE', 'PTRACE_INTERRUPT', 'PROCESS_VM_WRITEV'], 'EPERM');
    expect(outcomes(r.stdout).get('PROC_MEM_RW')).toBe('EACCES');
    expect(r.stdout).toContain('DONE');
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(0);
  });

  const memfdLimits = { memoryLimitMb: 256, wallTimeMs: 15_000 };
  const memfdCapMb = treeMemoryLimitMb('python', resolveLimits(memfdLimits));

  test('o05: memfds from 4 forked processes stay under the tree memory cap (cgroup)', async () => {
    const { value: r, shmemMb } = await sampled(() => runPython(fixture('o05-memfd-fork.py'), memfdLimits));
    rows.push({
      fixture: 'o05-memfd-fork.py (cgroup)',
      result: `${r.signal ?? `exit ${String(r.exitCode)}`}; ${r.stdout.trim().replace(/\n/g, '; ') || 'no output'}`,
      shmemPeakMb: `${shmemMb.toFixed(0)} (cap ${String(memfdCapMb)})`,
    });
    expect(r.stdout).not.toMatch(/holds 512 MiB/);
    expect(r.timedOut).toBe(false);
    expect(shmemMb).toBeLessThan(memfdCapMb + (host.cgroup.available ? 0 : WATCHDOG_OVERSHOOT_MB) + HOST_NOISE_MB);
  });

  test('o05: memfds from 4 forked processes are stopped by the watchdog where no cgroup can be made', async () => {
    const limits = resolveLimits(memfdLimits);
    const folder = await createWorkFolder({ 'main.py': fixture('o05-memfd-fork.py') }, process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined);
    try {
      const launch = await prepareBwrapLaunch({
        runtime: 'python',
        entry: 'main.py',
        args: [],
        limits,
        paths: { prlimit: '/usr/bin/prlimit', node: process.execPath, python: '/usr/bin/python3' },
        workFolder: { hostPath: folder.path, files: ['main.py'] },
        processTreeCap: 'watchdog',
      });
      const { value: r, shmemMb } = await sampled(async () => {
        try {
          return await spawnCapped({
            command: launch.command,
            args: launch.args,
            env: launch.env,
            extraStdio: launch.extraStdio,
            cwd: folder.path,
            wallTimeMs: limits.wallTimeMs,
            maxOutputBytes: limits.maxOutputBytes,
          });
        } finally {
          await launch.dispose();
        }
      });
      rows.push({
        fixture: 'o05-memfd-fork.py (watchdog)',
        result: `${r.signal ?? `exit ${String(r.exitCode)}`}; ${r.stdout.trim().replace(/\n/g, '; ') || 'no output'}`,
        shmemPeakMb: `${shmemMb.toFixed(0)} (cap ${String(memfdCapMb)})`,
      });
      expect(r.signal).toBe('SIGKILL');
      expect(r.timedOut).toBe(false);
      expect(r.stdout).not.toMatch(/holds 512 MiB/);
      expect(shmemMb).toBeLessThan(memfdCapMb + WATCHDOG_OVERSHOOT_MB + HOST_NOISE_MB);
    } finally {
      await folder.remove();
    }
  });

  test('o06: an inode flood stops at the tmpfs inode cap and costs the host little slab', async () => {
    const { value: r, slabMb } = await sampled(() => runPython(fixture('o06-inode-flood.py')));
    const seen = outcomes(r.stdout);
    rows.push({ fixture: 'o06-inode-flood.py', result: `${r.stdout.trim().replace(/\n/g, '; ')}; host slab +${slabMb.toFixed(1)} MiB` });
    // About 1 KiB of slab (inode + dentry) per file: 4 MiB for the cap, 231 MB for 400,000 files uncapped.
    const capMb = (DEFAULT_TMPFS_INODES * 2 * 1024) / MIB;
    if (host.privateTmpfs !== undefined) {
      expect(seen.get('STOPPED')).toBe('ENOSPC'); // nr_inodes
      expect(Number(seen.get('CREATED'))).toBeLessThan(DEFAULT_TMPFS_INODES);
      expect(slabMb).toBeLessThan(capMb + HOST_NOISE_MB);
    } else {
      expect(r.signal).toBe('SIGKILL'); // the watchdog's inode cap
      expect(slabMb).toBeLessThan(capMb + WATCHDOG_OVERSHOOT_MB + HOST_NOISE_MB);
    }
  });

  test('o07: keyctl, bpf, perf_event_open, userfaultfd, io_uring and friends fail with EPERM', async () => {
    const r = await runPython(fixture('o07-kernel-surface.py'));
    expectAll(
      'o07-kernel-surface.py',
      r,
      ['KEYCTL', 'ADD_KEY', 'REQUEST_KEY', 'BPF', 'PERF_EVENT_OPEN', 'USERFAULTFD', 'IO_URING_SETUP', 'OPEN_BY_HANDLE_AT', 'FANOTIFY_INIT', 'KEXEC_LOAD', 'INIT_MODULE', 'MEMFD_SECRET'],
      'EPERM',
    );
  });

  test('o08: setns into any namespace fails with EPERM', async () => {
    const r = await runPython(fixture('o08-setns.py'));
    const labels = ['1', 'self'].flatMap((pid) => ['user', 'mnt', 'net', 'pid', 'cgroup'].map((kind) => `SETNS ${pid} ${kind}`));
    expectAll('o08-setns.py', r, labels, 'EPERM');
  });

  test('o09: a thread-and-fork bomb stays within the task cap and ends with the wall clock', async () => {
    const limits = { maxProcesses: 32, wallTimeMs: 3000 };
    const { value: r, tasks } = await sampled(() => runPython(fixture('o09-thread-fork-bomb.py'), limits));
    rows.push({ fixture: 'o09-thread-fork-bomb.py', result: `timedOut=${String(r.timedOut)} ${r.signal ?? ''}; peak tasks in the run cgroup ${String(tasks)}` });
    expect(r.durationMs).toBeLessThan(limits.wallTimeMs + 5000);
    expect(r.exitCode === 0 && r.signal === null).toBe(false);
    expect(tasks).toBeLessThanOrEqual(limits.maxProcesses + TREE_TASK_SLACK);
    expect(existsSync('/proc/self')).toBe(true);
  });

  test('o10: SysV shared memory, queues and semaphores are refused', async () => {
    const { value: r, shmemMb } = await sampled(() => runPython(fixture('o10-sysv-ipc.py')));
    expectAll('o10-sysv-ipc.py', r, ['SHMGET', 'MSGGET', 'SEMGET'], 'EPERM');
    expect(shmemMb).toBeLessThan(HOST_NOISE_MB);
  });

  test('o11: TIOCSTI and TIOCLINUX fail with EPERM, high request bits included', async () => {
    const r = await runPython(fixture('o11-tiocsti.py'));
    const labels = ['TIOCSTI', 'TIOCSTI_HIGH_BITS', 'TIOCLINUX'].flatMap((name) => [0, 1, 2].map((fd) => `${name} ${String(fd)}`));
    expectAll('o11-tiocsti.py', r, labels, 'EPERM');
  });

  test('every fixture in the folder has a test and says what it tries and what contains it', () => {
    const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.py'));
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) expect(readFileSync(join(FIXTURES, name), 'utf8')).toMatch(/^# Hostile fixture: .+Contained: /);
    expect(names.sort()).toEqual([
      'o01-inherited-fds.py', 'o02-nested-userns.py', 'o03-mount-tmpfs.py', 'o04-ptrace-pid1.py', 'o05-memfd-fork.py',
      'o06-inode-flood.py', 'o07-kernel-surface.py', 'o08-setns.py', 'o09-thread-fork-bomb.py', 'o10-sysv-ipc.py',
      'o11-tiocsti.py',
    ]);
  });
});
