/**
 * @module sandbox/bwrap/bwrap-launch
 * The one place that turns a sandboxed program into the host command line that starts it under bubblewrap. Both
 * ways of running (`BwrapSandbox.run`, to completion, and `BwrapSandbox.start`, interactive) launch through
 * {@link prepareBwrapLaunch}, and the availability probe through {@link prepareCommandLaunch}, so every
 * hardening step applies to all three:
 *
 * 1. inherited descriptors >= 3 closed, cgroup joined, capped tmpfs mounted (`launch-preamble.ts`), before
 * 2. the privilege drop (`setpriv`, when the engine is root), then
 * 3. bwrap's namespaces with nested user namespaces disabled and the seccomp filter (`bwrap-args.ts`,
 *    `seccomp-filter.ts`), then
 * 4. the program's rlimits (`prlimit`, `runtime-command.ts`).
 *
 * The whole tree's memory and tasks are capped by a per-run cgroup (`run-cgroup.ts`), or, where the host allows
 * none, by RLIMIT_AS/RLIMIT_NPROC plus the tree watchdog (`tree-watchdog.ts`). The writable tmpfs are capped in
 * bytes and inodes by mounting them with `size=` and `nr_inodes=` in a private mount namespace (engine is root),
 * or, where that is impossible, in bytes by bwrap's `--size` and in inodes by the watchdog.
 *
 * Start-up cost (2-core machine, 40 interleaved runs of a trivial python program): about 18 ms per run (median
 * 51 -> 69 ms), 25-35 ms when the machine is loaded; by step: bash preamble ~5 ms, `unshare --mount` ~3-4 ms,
 * the private tmpfs (`mount -a` and the mount namespace's teardown) ~8-13 ms, cgroup ~2 ms, bwrap's new flags and
 * the seccomp filter ~1 ms. The filter's compilation (~80 ms) and the host probe run once per process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedSandboxLimits } from '../sandbox-limits.js';
import type { SandboxRuntime } from '../sandbox.js';
import { SandboxUnavailableError } from '../sandbox-unavailable-error.js';
import { spawnCapped } from '../spawn-capped.js';
import { buildRuntimeCommand, minimalEnv, type RuntimePaths } from '../runtime-command.js';
import {
  bwrapArgs,
  DEFAULT_TMPFS_INODES,
  DEFAULT_TMPFS_SIZE_MB,
  privilegeDropPrefix,
  SANDBOX_UID,
  SANDBOX_WORK_FOLDER,
  type BwrapWorkFolder,
  type PremountedTmpfs,
} from './bwrap-args.js';
import { findExecutable } from './find-executable.js';
import { preambleArgv, tmpfsFstab } from './launch-preamble.js';
import { createRunCgroup, detectCgroupParents, removeStaleRunCgroups, type CgroupDetection, type RunCgroup } from './run-cgroup.js';
import { closeQuietly, DEFAULT_SECCOMP_PYTHON, loadSeccompFilter, SECCOMP_INSTALL_HINT, type SeccompFilter } from './seccomp-filter.js';
import { startTreeWatchdog, type TreeWatchdog } from './tree-watchdog.js';

/**
 * How the whole process tree's memory and task count are capped. `auto`: a per-run cgroup where the host allows
 * one, else the watchdog. `watchdog`: always the watchdog (to exercise the fallback).
 */
export type ProcessTreeCap = 'auto' | 'watchdog';

/** What to launch. */
export interface BwrapLaunchRequest {
  readonly runtime: SandboxRuntime;
  /** Relative path (inside the work folder) of the program. */
  readonly entry: string;
  readonly args: readonly string[];
  readonly limits: ResolvedSandboxLimits;
  readonly paths: RuntimePaths;
  /** Host folder holding the run's input files, their relative paths and any folders to mount (bound read-only at `/sandbox`). */
  readonly workFolder: BwrapWorkFolder;
  /** bubblewrap binary. Default `bwrap`. */
  readonly bwrapPath?: string;
  /** setpriv binary. Default `setpriv`. */
  readonly setprivPath?: string;
  /** Python with `python3-seccomp` that compiles the filter. Default `/usr/bin/python3`. */
  readonly seccompPythonPath?: string;
  /** Default `auto`. */
  readonly processTreeCap?: ProcessTreeCap;
}

/**
 * A prepared launch: spawn `command` with `args`, the environment `env`, and `extraStdio` as the child's file
 * descriptors 3, 4, ... (after stdin, stdout, stderr); call `dispose()` once the process has ended.
 */
export interface BwrapLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** File descriptors (or 'ignore') for the child's fds 3, 4, ...: the seccomp filter at fd 3. */
  readonly extraStdio: readonly (number | 'ignore')[];
  /**
   * Releases what the launch holds: closes the filter's descriptor, kills what is left of the tree and removes its
   * cgroup, stops the watchdog, removes the tmpfs mount points. Never throws. Idempotent.
   */
  dispose(): Promise<void>;
}

/**
 * Size of each writable tmpfs of a run (`/tmp`, `/sandbox`), in MiB: four files of the largest allowed size,
 * at least {@link DEFAULT_TMPFS_SIZE_MB}. Bounds the host RAM one run can fill to twice this.
 */
export function tmpfsSizeMb(limits: ResolvedSandboxLimits): number {
  return Math.max(DEFAULT_TMPFS_SIZE_MB, 4 * limits.fileSizeLimitMb);
}

/** Memory of the whole tree beyond the program's own limit and its tmpfs: kernel memory, libraries, bwrap. */
export const TREE_MEMORY_SLACK_MB = 64;

/** Extra tree memory for node: V8 keeps young generation, code and array buffers outside the old-space cap. */
export const NODE_TREE_MEMORY_SLACK_MB = 256;

/** Tasks of the tree beyond `maxProcesses`: the preamble, a transient `mount`, bwrap's monitor and its pid 1. */
export const TREE_TASK_SLACK = 4;

/**
 * Memory cap of a run's whole process tree, in MiB: the program's limit (`memoryLimitMb`, plus
 * {@link NODE_TREE_MEMORY_SLACK_MB} for node), both tmpfs full ({@link tmpfsSizeMb} each), and
 * {@link TREE_MEMORY_SLACK_MB}. With python's defaults: 512 + 2 * 32 + 64 = 640 MiB.
 */
export function treeMemoryLimitMb(runtime: SandboxRuntime, limits: ResolvedSandboxLimits): number {
  const program = runtime === 'node' ? limits.memoryLimitMb + NODE_TREE_MEMORY_SLACK_MB : limits.memoryLimitMb;
  return program + 2 * tmpfsSizeMb(limits) + TREE_MEMORY_SLACK_MB;
}

/** Builds the launch of one sandboxed program. @throws SandboxUnavailableError when the seccomp filter cannot be built. */
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
  return prepareCommandLaunch({
    command,
    workFolder: request.workFolder,
    nodePath: request.paths.node,
    tmpfsSizeMb: tmpfsSizeMb(request.limits),
    treeMemoryLimitMb: treeMemoryLimitMb(request.runtime, request.limits),
    maxProcesses: request.limits.maxProcesses,
    ...(request.bwrapPath !== undefined ? { bwrapPath: request.bwrapPath } : {}),
    ...(request.setprivPath !== undefined ? { setprivPath: request.setprivPath } : {}),
    ...(request.seccompPythonPath !== undefined ? { seccompPythonPath: request.seccompPythonPath } : {}),
    ...(request.processTreeCap !== undefined ? { processTreeCap: request.processTreeCap } : {}),
  });
}

/** What {@link prepareCommandLaunch} launches: any command, with the caps of one run. */
export interface CommandLaunchRequest {
  /** The command run inside bwrap (absolute paths). */
  readonly command: readonly string[];
  /** Input files bound at `/sandbox`, or undefined for none (the probe). */
  readonly workFolder: BwrapWorkFolder | undefined;
  /** The node binary (its install prefix is bound when outside `/usr`). */
  readonly nodePath: string;
  readonly tmpfsSizeMb: number;
  readonly treeMemoryLimitMb: number;
  readonly maxProcesses: number;
  readonly bwrapPath?: string;
  readonly setprivPath?: string;
  readonly seccompPythonPath?: string;
  readonly processTreeCap?: ProcessTreeCap;
}

/** Builds the hardened launch of `command`. @throws SandboxUnavailableError when the seccomp filter cannot be built. */
export async function prepareCommandLaunch(request: CommandLaunchRequest): Promise<BwrapLaunch> {
  const host = await loadLaunchHost(request.seccompPythonPath ?? DEFAULT_SECCOMP_PYTHON);
  const releases: (() => Promise<void> | void)[] = [];
  const release = async (): Promise<void> => {
    for (const step of releases.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // dispose never throws
      }
    }
  };
  try {
    let cgroup: RunCgroup | undefined;
    if (request.processTreeCap !== 'watchdog' && host.cgroup.available) {
      cgroup = await createRunCgroup(host.cgroup.parents, {
        memoryLimitMb: request.treeMemoryLimitMb,
        maxTasks: request.maxProcesses + TREE_TASK_SLACK,
      });
      releases.push(() => cgroup?.remove());
    }
    let premounted: PremountedTmpfs | undefined;
    let fstab: string | undefined;
    if (host.privateTmpfs !== undefined) {
      // Empty mount points on the host; the tmpfs mounts exist only in the launch's private mount namespace.
      const folder = await mkdtemp(join(tmpdir(), `${TMPFS_FOLDER_PREFIX}${String(process.pid)}-`));
      premounted = { tmp: join(folder, 'tmp'), sandbox: join(folder, 'sandbox') };
      const targets = [premounted.tmp, ...(request.workFolder === undefined ? [] : [premounted.sandbox])];
      fstab = join(folder, 'fstab');
      releases.push(async () => {
        for (const target of targets) await rmdir(target).catch(() => undefined);
        await rm(join(folder, 'fstab'), { force: true });
        await rmdir(folder);
      });
      await chmod(folder, 0o755); // bwrap, already dropped to the sandbox uid, must traverse it
      for (const target of targets) await mkdir(target);
      await writeFile(fstab, tmpfsFstab(targets.map((target) => ({ options: tmpfsMountOptions(request.tmpfsSizeMb), target }))));
    }
    // The watchdog caps what neither a cgroup (memory) nor a private tmpfs (inodes) caps here.
    const watched = cgroup === undefined || premounted === undefined;
    const marker = watched ? `ZERR_LAUNCH_${randomBytes(8).toString('hex')}` : undefined;
    const filterFd = host.seccomp.open();
    releases.push(() => closeQuietly(filterFd));
    const extraStdio = [filterFd];
    const argv = preambleArgv({
      bashPath: host.bash,
      keepFdsBelow: 3 + extraStdio.length,
      cgroupProcsFiles: cgroup?.procsFiles ?? [],
      ...(fstab !== undefined ? { fstab } : {}),
      ...(host.privateTmpfs !== undefined ? host.privateTmpfs : {}),
      command: [
        ...privilegeDropPrefix(request.setprivPath ?? 'setpriv'),
        request.bwrapPath ?? 'bwrap',
        ...bwrapArgs({
          nodePath: request.nodePath,
          workFolder: request.workFolder,
          tmpfsSizeMb: request.tmpfsSizeMb,
          ...(premounted !== undefined ? { premountedTmpfs: premounted } : {}),
          seccompFd: 3,
          ...(marker !== undefined ? { launchMarker: marker } : {}),
          env: minimalEnv(SANDBOX_WORK_FOLDER),
          command: request.command,
        }),
      ],
    });
    if (marker !== undefined) {
      const watchdog: TreeWatchdog = startTreeWatchdog({
        marker,
        maxMemoryBytes: cgroup === undefined ? request.treeMemoryLimitMb * 1024 * 1024 : Number.POSITIVE_INFINITY,
        ...(premounted === undefined
          ? { maxTmpfsInodes: DEFAULT_TMPFS_INODES, tmpfsPaths: ['/tmp', ...(request.workFolder ? [SANDBOX_WORK_FOLDER] : [])] }
          : {}),
      });
      releases.push(() => watchdog.stop());
    }
    const [head = 'bash', ...rest] = argv;
    let disposed: Promise<void> | undefined;
    return {
      command: head,
      args: rest,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      extraStdio,
      dispose: () => (disposed ??= release()),
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Name prefix of the host folders holding a run's tmpfs mount points: `zerr-tmpfs-<engine pid>-XXXXXX`. */
const TMPFS_FOLDER_PREFIX = 'zerr-tmpfs-';

/**
 * Removes what launches of engine processes that no longer exist left behind (killed, or exited before disposing
 * them): empty per-run cgroups and tmpfs mount-point folders (only ever empty on the host: their tmpfs lived in a
 * private mount namespace). Never throws.
 */
export async function removeStaleLaunches(cgroup: CgroupDetection): Promise<void> {
  if (cgroup.available) removeStaleRunCgroups(cgroup.parents);
  let names: string[];
  try {
    names = await readdir(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const owner = new RegExp(`^${TMPFS_FOLDER_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`).exec(name)?.[1];
    if (owner === undefined || existsSync(`/proc/${owner}`)) continue;
    const folder = join(tmpdir(), name);
    for (const entry of ['tmp', 'sandbox']) await rmdir(join(folder, entry)).catch(() => undefined);
    await rm(join(folder, 'fstab'), { force: true }).catch(() => undefined);
    await rmdir(folder).catch(() => undefined);
  }
}

/** `mount -o` options of one run's tmpfs: bytes and inodes capped, owned by the sandbox uid. */
export function tmpfsMountOptions(sizeMb: number): string {
  return `size=${String(sizeMb * 1024 * 1024)},nr_inodes=${String(DEFAULT_TMPFS_INODES)},mode=0755,uid=${String(SANDBOX_UID)},gid=${String(SANDBOX_UID)},nosuid,nodev`;
}

/** What this host offers the launch, found once per process (see {@link loadLaunchHost}). */
export interface LaunchHost {
  readonly seccomp: SeccompFilter;
  readonly bash: string;
  readonly cgroup: CgroupDetection;
  /** `unshare`/`mount` for inode-capped tmpfs in a private mount namespace (engine is root), else undefined. */
  readonly privateTmpfs: { readonly unsharePath: string; readonly mountPath: string } | undefined;
  /** Why there is no private tmpfs (bwrap's bytes-only `--tmpfs` and the watchdog's inode cap then), or undefined. */
  readonly privateTmpfsReason: string | undefined;
}

const hosts = new Map<string, Promise<LaunchHost>>();

/**
 * The host's launch facilities, probed on first use and kept for the life of the process (facts about the host,
 * like its syscall table, not engine state; a failure is not kept): the compiled seccomp filter, `bash`, where
 * per-run cgroups can be made, and whether inode-capped tmpfs can be mounted (as root: `unshare --mount` and
 * `mount -o nr_inodes=`; about 10 ms once). Also removes what dead engine processes left
 * ({@link removeStaleLaunches}).
 *
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when the seccomp filter cannot be compiled, or bash is
 *   missing: the sandbox does not run without them.
 */
export function loadLaunchHost(seccompPythonPath: string = DEFAULT_SECCOMP_PYTHON): Promise<LaunchHost> {
  let pending = hosts.get(seccompPythonPath);
  if (pending === undefined) {
    pending = probeLaunchHost(seccompPythonPath);
    pending.catch(() => hosts.delete(seccompPythonPath));
    hosts.set(seccompPythonPath, pending);
  }
  return pending;
}

async function probeLaunchHost(seccompPythonPath: string): Promise<LaunchHost> {
  const bash = findExecutable('/bin/bash') ?? findExecutable('bash');
  if (bash === undefined) throw new SandboxUnavailableError('bash is missing; it starts every sandboxed run: apt-get install bash.');
  const cgroup = detectCgroupParents();
  // The filter's compilation (a Python process), the clean-up and the tmpfs probe (child processes) run at once:
  // start-up of a short command such as `zerr spec check` waits for the slowest, not for their sum.
  const [seccomp, tmpfs] = await Promise.all([
    loadSeccompFilter(seccompPythonPath).catch((error: unknown) => {
      throw new SandboxUnavailableError(
        `The sandbox's seccomp filter cannot be built (${error instanceof Error ? error.message : String(error)}): ${SECCOMP_INSTALL_HINT}.`,
        { cause: error },
      );
    }),
    probePrivateTmpfs(),
    removeStaleLaunches(cgroup),
  ]);
  return { seccomp, bash, cgroup, privateTmpfs: tmpfs.tools, privateTmpfsReason: tmpfs.reason };
}

/** Mounts a 1 MiB, 16-inode tmpfs in a throw-away private mount namespace to see whether runs can have one. */
async function probePrivateTmpfs(): Promise<{ tools?: { unsharePath: string; mountPath: string }; reason?: string }> {
  if (process.getuid?.() !== 0) {
    return { reason: 'not root: tmpfs capped in bytes by bwrap and in inodes by the tree watchdog' };
  }
  const unsharePath = findExecutable('unshare');
  const mountPath = findExecutable('mount');
  if (unsharePath === undefined || mountPath === undefined) return { reason: 'unshare or mount (util-linux) is missing' };
  const folder = await mkdtemp(join(tmpdir(), 'zerr-tmpfs-probe-'));
  try {
    const result = await spawnCapped({
      command: unsharePath,
      args: ['--mount', '--propagation', 'private', '--', mountPath, '-t', 'tmpfs', '-o', 'size=1048576,nr_inodes=16', 'zerr-probe', folder],
      cwd: '/',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      wallTimeMs: 10_000,
      maxOutputBytes: 4096,
    });
    if (result.exitCode === 0) return { tools: { unsharePath, mountPath } };
    return { reason: `cannot mount a private tmpfs (${result.stderr.trim().slice(0, 200) || `exit ${String(result.exitCode)}`})` };
  } catch (error) {
    return { reason: `cannot mount a private tmpfs (${String(error)})` };
  } finally {
    await rmdir(folder).catch(() => undefined);
  }
}

/** One line on the hardening a host gives each run, for the availability probe's report. */
export function describeLaunchHost(host: LaunchHost): string {
  const tree = host.cgroup.available
    ? `memory and tasks capped by ${host.cgroup.reason}`
    : `no cgroup (${host.cgroup.reason}): RLIMIT_AS/NPROC plus the tree watchdog`;
  const tmpfs = host.privateTmpfs !== undefined ? 'tmpfs capped in bytes and inodes' : `tmpfs: ${host.privateTmpfsReason ?? 'bytes only'}`;
  return `seccomp filter (${String(host.seccomp.program.length / 8)} BPF instructions), nested user namespaces disabled, ${tree}, ${tmpfs}`;
}
