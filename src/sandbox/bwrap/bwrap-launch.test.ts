import { existsSync, fstatSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveLimits } from '../sandbox-limits.js';
import { loadLaunchHost, prepareBwrapLaunch, removeStaleLaunches, tmpfsMountOptions, treeMemoryLimitMb, type BwrapLaunchRequest } from './bwrap-launch.js';

const request = (overrides: Partial<BwrapLaunchRequest> = {}): BwrapLaunchRequest => ({
  runtime: 'python',
  entry: 'main.py',
  args: [],
  limits: resolveLimits({}),
  paths: { prlimit: '/usr/bin/prlimit', node: process.execPath, python: '/usr/bin/python3' },
  workFolder: { hostPath: '/nonexistent-work-folder', files: ['main.py'] },
  ...overrides,
});

describe('prepareBwrapLaunch', () => {
  test('tree caps: the program\'s limit, both tmpfs full and slack', () => {
    expect(treeMemoryLimitMb('python', resolveLimits({}))).toBe(512 + 2 * 32 + 64);
    expect(treeMemoryLimitMb('node', resolveLimits({ memoryLimitMb: 128 }))).toBe(128 + 256 + 2 * 32 + 64);
    expect(treeMemoryLimitMb('python', resolveLimits({ fileSizeLimitMb: 16 }))).toBe(512 + 2 * 64 + 64);
    expect(tmpfsMountOptions(32)).toBe('size=33554432,nr_inodes=4096,mode=0755,uid=65534,gid=65534,nosuid,nodev');
  });

  test('starts with the preamble, passes the seccomp filter at fd 3, disables user namespaces; dispose releases all', async () => {
    const host = await loadLaunchHost();
    const launch = await prepareBwrapLaunch(request());
    const argv = [launch.command, ...launch.args];
    expect(launch.extraStdio).toHaveLength(1);
    const [filterFd] = launch.extraStdio;
    if (typeof filterFd !== 'number') throw new Error('no filter descriptor');
    expect(fstatSync(filterFd).size).toBe(host.seccomp.program.length);
    expect(argv).toContain('--norc');
    expect(argv.join(' ')).toContain('--disable-userns --assert-userns-disabled');
    expect(argv.join(' ')).toContain('--seccomp 3');
    const bwrapAt = argv.indexOf('bwrap');
    expect(bwrapAt).toBeGreaterThan(argv.indexOf('-c'));
    if (process.getuid?.() === 0) expect(argv[bwrapAt - 5]).toBe('setpriv');
    const procsFiles = argv.filter((a) => a.endsWith('/cgroup.procs'));
    const fstab = argv.find((a) => a.endsWith('/fstab'));
    const tmpfsFolders = ['/tmp', '/sandbox'].map((dest) => argv[argv.findIndex((a, i) => a === dest && argv[i - 2] === '--bind') - 1] ?? '');
    if (host.cgroup.available) expect(procsFiles.length).toBeGreaterThan(0);
    if (host.privateTmpfs !== undefined) {
      expect(argv[0]).toMatch(/unshare$/);
      const lines = readFileSync(fstab ?? '', 'utf8').trim().split('\n');
      expect(lines).toEqual(tmpfsFolders.map((folder) => `zerr-tmpfs ${folder} tmpfs ${tmpfsMountOptions(32)} 0 0`));
      tmpfsFolders.push(dirname(fstab ?? ''));
    } else {
      expect(fstab).toBeUndefined();
      expect(argv.join(' ')).toContain('--size 33554432 --tmpfs /tmp');
      tmpfsFolders.length = 0;
    }
    for (const path of [...procsFiles.map((p) => p.replace(/\/cgroup\.procs$/, '')), ...tmpfsFolders]) expect(existsSync(path)).toBe(true);
    await launch.dispose();
    await launch.dispose();
    expect(() => fstatSync(filterFd)).toThrow();
    for (const path of [...procsFiles.map((p) => p.replace(/\/cgroup\.procs$/, '')), ...tmpfsFolders]) expect(existsSync(path)).toBe(false);
  });

  test('the watchdog fallback makes no cgroup and marks the launch for the watchdog', async () => {
    const launch = await prepareBwrapLaunch(request({ processTreeCap: 'watchdog' }));
    try {
      const argv = [launch.command, ...launch.args];
      expect(argv.filter((a) => a.endsWith('/cgroup.procs'))).toEqual([]);
      expect(argv[argv.indexOf('--unsetenv') + 1]).toMatch(/^ZERR_LAUNCH_[0-9a-f]{16}$/);
    } finally {
      await launch.dispose();
    }
  });
});

describe('removeStaleLaunches', () => {
  test('removes the empty cgroups and tmpfs folders of engine processes that no longer exist, and nothing else', async () => {
    const host = await loadLaunchHost();
    const dead = 4_194_305; // above the largest pid_max: never a live process
    const stale = join(tmpdir(), `zerr-tmpfs-${String(dead)}-AbC123`);
    const live = join(tmpdir(), `zerr-tmpfs-${String(process.pid)}-AbC123`);
    for (const folder of [stale, live]) {
      mkdirSync(join(folder, 'tmp'), { recursive: true });
      mkdirSync(join(folder, 'sandbox'));
      writeFileSync(join(folder, 'fstab'), '');
    }
    const staleCgroup = host.cgroup.available ? join(host.cgroup.parents.memory, `zerr-run-${String(dead)}-abcdef`) : undefined;
    if (staleCgroup !== undefined) mkdirSync(staleCgroup);
    try {
      await removeStaleLaunches(host.cgroup);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(join(live, 'tmp'))).toBe(true);
      if (staleCgroup !== undefined) expect(existsSync(staleCgroup)).toBe(false);
    } finally {
      rmSync(stale, { recursive: true, force: true });
      rmSync(live, { recursive: true, force: true });
      if (staleCgroup !== undefined && existsSync(staleCgroup)) rmdirSync(staleCgroup);
    }
  });
});
