/**
 * @module sandbox/bwrap/run-cgroup
 * A control group per sandboxed run that caps memory (process memory, tmpfs and memfd pages, kernel slab such as
 * inodes and dentries) and the number of tasks across the run's whole process tree. Works with cgroup v1 (the
 * `memory` and `pids` hierarchies) and v2 (one unified hierarchy), found from `/proc/self/cgroup` and
 * `/proc/self/mountinfo`; where neither can be written (non-root without delegation, read-only cgroupfs) the caller
 * falls back to rlimits and the tree watchdog (`tree-watchdog.ts`).
 *
 * Why (hostile-corpus finding): RLIMIT_AS caps one process's address space, not the tree, and not memfd pages
 * written with write(2): four forked processes each filled a memfd and held 2 GiB of host shared memory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { readFile, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Where per-run cgroups are created: one parent folder per controller (the same folder for v2). */
export interface CgroupParents {
  readonly version: 'v1' | 'v2';
  /** Parent folder of per-run memory cgroups. */
  readonly memory: string;
  /** Parent folder of per-run pids cgroups (undefined: the pids controller is not available; RLIMIT_NPROC only). */
  readonly pids: string | undefined;
}

/** Result of {@link detectCgroupParents}. */
export type CgroupDetection =
  | { readonly available: true; readonly parents: CgroupParents; readonly reason: string }
  | { readonly available: false; readonly reason: string };

/** One line of `/proc/self/mountinfo` that mounts a cgroup hierarchy. */
export interface CgroupMount {
  readonly fsType: 'cgroup' | 'cgroup2';
  /** The mount's root inside the hierarchy (`/` unless a sub-tree is bind-mounted). */
  readonly root: string;
  readonly mountPoint: string;
  /** v1: the controllers in the super options (`memory`, `pids`, ...). */
  readonly controllers: readonly string[];
}

/** Parses the cgroup mounts out of `/proc/self/mountinfo` text. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const [fsType, , superOptions = ''] = right.split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const root = unescapeMountPath(fields[3] ?? '/');
    const mountPoint = unescapeMountPath(fields[4] ?? '');
    mounts.push({ fsType, root, mountPoint, controllers: fsType === 'cgroup' ? superOptions.split(',') : [] });
  }
  return mounts;
}

/** Parses `/proc/self/cgroup`: controller list (`''` for v2) to path. */
export function parseProcCgroup(text: string): { readonly controllers: readonly string[]; readonly path: string }[] {
  const entries: { controllers: string[]; path: string }[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (match === null) continue;
    entries.push({ controllers: (match[2] ?? '').split(',').filter(Boolean), path: match[3] ?? '/' });
  }
  return entries;
}

/**
 * The folder of this process's own cgroup in the hierarchy mounted by `mount`, given the path from
 * `/proc/self/cgroup`; undefined when the mount does not show it (a sub-tree mounted elsewhere).
 */
export function ownCgroupFolder(mount: CgroupMount, path: string): string | undefined {
  const root = mount.root === '/' ? '' : mount.root;
  if (root !== '' && path !== root && !path.startsWith(`${root}/`)) return undefined;
  const folder = posix.join(mount.mountPoint, path.slice(root.length));
  return folder.length > 1 && folder.endsWith('/') ? folder.slice(0, -1) : folder;
}

/**
 * Finds where this process may create per-run cgroups, trying cgroup v1 (memory + pids hierarchies) first, then
 * v2: this process's own cgroup when its `cgroup.subtree_control` enables memory (or can be made to: `+memory
 * +pids` is written to it, which the kernel refuses while the cgroup holds processes), else its parent, so run
 * cgroups are siblings of the engine's (v2 forbids processes in a cgroup that distributes controllers to its
 * children). Each candidate is checked by creating and removing a probe cgroup. Never throws.
 */
export function detectCgroupParents(
  files: { readonly mountinfo?: string; readonly procCgroup?: string } = {},
): CgroupDetection {
  let mounts: CgroupMount[];
  let own: ReturnType<typeof parseProcCgroup>;
  try {
    mounts = parseCgroupMounts(files.mountinfo ?? readFileSync('/proc/self/mountinfo', 'utf8'));
    own = parseProcCgroup(files.procCgroup ?? readFileSync('/proc/self/cgroup', 'utf8'));
  } catch (error) {
    return { available: false, reason: `cannot read this process's cgroups: ${String(error)}` };
  }
  const reasons: string[] = [];
  const v1Folder = (controller: string): string | undefined => {
    const mount = mounts.find((m) => m.fsType === 'cgroup' && m.controllers.includes(controller));
    const entry = own.find((e) => e.controllers.includes(controller));
    return mount === undefined || entry === undefined ? undefined : ownCgroupFolder(mount, entry.path);
  };
  const v1Memory = v1Folder('memory');
  if (v1Memory !== undefined) {
    const memoryProblem = probeParent(v1Memory, 'memory.limit_in_bytes');
    if (memoryProblem === undefined) {
      const v1Pids = v1Folder('pids');
      const pids = v1Pids !== undefined && probeParent(v1Pids, 'pids.max') === undefined ? v1Pids : undefined;
      return {
        available: true,
        parents: { version: 'v1', memory: v1Memory, pids },
        reason: `cgroup v1 under ${v1Memory}${pids === undefined ? ' (no pids controller: RLIMIT_NPROC only)' : ` and ${pids}`}`,
      };
    }
    reasons.push(`cgroup v1 memory at ${v1Memory}: ${memoryProblem}`);
  }
  const unified = mounts.find((m) => m.fsType === 'cgroup2');
  const v2Entry = own.find((e) => e.controllers.length === 0);
  const v2Own = unified !== undefined && v2Entry !== undefined ? ownCgroupFolder(unified, v2Entry.path) : undefined;
  if (v2Own !== undefined) {
    for (const candidate of v2Own === unified?.mountPoint ? [v2Own] : [v2Own, dirname(v2Own)]) {
      const problem = enableV2Controllers(candidate) ?? probeParent(candidate, 'memory.max');
      if (problem === undefined) {
        const pids = probeParent(candidate, 'pids.max') === undefined ? candidate : undefined;
        return {
          available: true,
          parents: { version: 'v2', memory: candidate, pids },
          reason: `cgroup v2 under ${candidate}${pids === undefined ? ' (no pids controller: RLIMIT_NPROC only)' : ''}`,
        };
      }
      reasons.push(`cgroup v2 at ${candidate}: ${problem}`);
    }
  }
  if (reasons.length === 0) reasons.push('no cgroup v1 memory hierarchy and no cgroup v2 mount');
  return { available: false, reason: reasons.join('; ') };
}

/** Makes `memory` and `pids` available to children of a v2 cgroup; a message when that is impossible. */
function enableV2Controllers(folder: string): string | undefined {
  try {
    const enabled = readFileSync(join(folder, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
    if (enabled.includes('memory')) return undefined;
    const available = readFileSync(join(folder, 'cgroup.controllers'), 'utf8').split(/\s+/);
    if (!available.includes('memory')) return 'the memory controller is not delegated here';
    writeFileSync(join(folder, 'cgroup.subtree_control'), available.includes('pids') ? '+memory +pids' : '+memory');
    return undefined;
  } catch (error) {
    return `cannot enable the memory controller for children (${errorCode(error)})`;
  }
}

/** Creates and removes a child of `folder` and checks it has `limitFile`; a message when that fails. */
function probeParent(folder: string, limitFile: string): string | undefined {
  const probe = join(folder, `zerr-probe-${String(process.pid)}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(probe);
  } catch (error) {
    return `cannot create a child cgroup (${errorCode(error)})`;
  }
  try {
    return existsSync(join(probe, limitFile)) ? undefined : `a child cgroup has no ${limitFile}`;
  } finally {
    try {
      rmdirSync(probe);
    } catch {
      // an empty cgroup that cannot be removed now is removed by its parent's owner later
    }
  }
}

/**
 * Removes the empty per-run cgroups (`zerr-run-<pid>-*`) of engine processes that no longer exist: left behind
 * when an engine was killed, or exited, before disposing its launches. Never throws.
 */
export function removeStaleRunCgroups(parents: CgroupParents): void {
  for (const parent of new Set([parents.memory, parents.pids ?? parents.memory])) {
    let names: string[];
    try {
      names = readdirSync(parent);
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = /^zerr-run-(\d+)-[0-9a-f]+$/.exec(name)?.[1];
      if (owner === undefined || existsSync(`/proc/${owner}`)) continue;
      try {
        rmdirSync(join(parent, name));
      } catch {
        // still holds tasks (they die with their bwrap) or already gone
      }
    }
  }
}

/** Caps of one run's cgroup. */
export interface RunCgroupLimits {
  /** Memory of the whole tree (process memory, tmpfs/memfd pages, kernel memory), in MiB. No swap on top. */
  readonly memoryLimitMb: number;
  /** Tasks (processes and threads) of the whole tree. */
  readonly maxTasks: number;
}

/** A per-run cgroup: the first process of the launch writes its pid to each of `procsFiles` before it execs. */
export interface RunCgroup {
  /** `cgroup.procs` files to join (one per hierarchy). */
  readonly procsFiles: readonly string[];
  /** The folders (memory first). */
  readonly folders: readonly string[];
  /** Kills what is left in the cgroup and removes it. Never throws. Idempotent. */
  remove(): Promise<void>;
}

const MIB = 1024 * 1024;

/**
 * Creates the cgroup(s) of one run under `parents` and writes the caps: v1 `memory.limit_in_bytes` (and
 * `memory.memsw.limit_in_bytes`, so nothing spills to swap) and `pids.max`; v2 `memory.max`, `memory.swap.max = 0`,
 * `memory.oom.group = 1` (an OOM kill takes the whole tree) and `pids.max`. Going over the memory cap OOM-kills
 * inside the tree only; over the task cap, fork/clone fail with EAGAIN.
 *
 * @throws Error when a folder cannot be created or a cap cannot be written (what was created is removed).
 */
export async function createRunCgroup(parents: CgroupParents, limits: RunCgroupLimits): Promise<RunCgroup> {
  const name = `zerr-run-${String(process.pid)}-${randomBytes(6).toString('hex')}`;
  const memory = join(parents.memory, name);
  const pids = parents.pids === undefined ? undefined : join(parents.pids, name);
  const folders = pids === undefined || pids === memory ? [memory] : [memory, pids];
  const created: string[] = [];
  const cgroup: RunCgroup = {
    procsFiles: folders.map((f) => join(f, 'cgroup.procs')),
    folders,
    remove: once(() => removeFolders(created)),
  };
  try {
    for (const folder of folders) {
      mkdirSync(folder);
      created.push(folder);
    }
    const bytes = String(limits.memoryLimitMb * MIB);
    if (parents.version === 'v1') {
      await writeFile(join(memory, 'memory.limit_in_bytes'), bytes);
      await writeOptional(join(memory, 'memory.memsw.limit_in_bytes'), bytes);
    } else {
      await writeFile(join(memory, 'memory.max'), bytes);
      await writeOptional(join(memory, 'memory.swap.max'), '0');
      await writeOptional(join(memory, 'memory.oom.group'), '1');
    }
    if (pids !== undefined) await writeFile(join(pids, 'pids.max'), String(limits.maxTasks));
  } catch (error) {
    await cgroup.remove();
    throw error;
  }
  return cgroup;
}

async function writeOptional(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/** SIGKILLs the tasks left in each folder and removes it, retrying while they exit (up to about 2 s). */
async function removeFolders(folders: readonly string[]): Promise<void> {
  for (const folder of [...folders].reverse()) {
    await writeOptional(join(folder, 'cgroup.kill'), '1').catch(() => undefined);
    for (let attempt = 0; attempt < 40; attempt += 1) {
      try {
        await rmdir(folder);
        break;
      } catch (error) {
        if (errorCode(error) === 'ENOENT') break;
        await killTasks(folder);
        await delay(50);
      }
    }
  }
}

async function killTasks(folder: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(folder, 'cgroup.procs'), 'utf8');
  } catch {
    return;
  }
  for (const pid of text.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action().catch(() => undefined));
}

function errorCode(error: unknown): string {
  return String((error as { code?: unknown }).code ?? error);
}

/** Undoes the octal escapes (`\040` for a space) of mountinfo paths. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
