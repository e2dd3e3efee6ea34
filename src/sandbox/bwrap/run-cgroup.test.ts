import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawnCapped } from '../spawn-capped.js';
import { preambleArgv } from './launch-preamble.js';
import { createRunCgroup, detectCgroupParents, ownCgroupFolder, parseCgroupMounts, parseProcCgroup } from './run-cgroup.js';

const HYBRID_MOUNTINFO = [
  '30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const HYBRID_PROC_CGROUP = '9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n0::/\n';

describe('cgroup discovery', () => {
  test('parses v1 and v2 mounts and this process\'s cgroup paths', () => {
    const mounts = parseCgroupMounts(HYBRID_MOUNTINFO);
    expect(mounts.map((m) => [m.fsType, m.mountPoint])).toEqual([
      ['cgroup', '/sys/fs/cgroup/memory'],
      ['cgroup', '/sys/fs/cgroup/pids'],
      ['cgroup', '/sys/fs/cgroup/systemd'],
      ['cgroup2', '/sys/fs/cgroup/unified'],
    ]);
    expect(mounts[0]?.controllers).toContain('memory');
    expect(parseProcCgroup(HYBRID_PROC_CGROUP)).toEqual([
      { controllers: ['name=systemd'], path: '/' },
      { controllers: ['pids'], path: '/' },
      { controllers: ['memory'], path: '/process_api/abc' },
      { controllers: [], path: '/' },
    ]);
    const [escaped] = parseCgroupMounts('1 0 0:1 / /sys/fs/cgroup\\040x rw - cgroup2 cgroup2 rw');
    expect(escaped?.mountPoint).toBe('/sys/fs/cgroup x');
  });

  test('maps a cgroup path to its folder, through a mount of a sub-tree too', () => {
    const v1 = { fsType: 'cgroup' as const, root: '/', mountPoint: '/sys/fs/cgroup/memory', controllers: ['memory'] };
    expect(ownCgroupFolder(v1, '/process_api/abc')).toBe('/sys/fs/cgroup/memory/process_api/abc');
    const v2 = { fsType: 'cgroup2' as const, root: '/', mountPoint: '/sys/fs/cgroup', controllers: [] };
    expect(ownCgroupFolder(v2, '/')).toBe('/sys/fs/cgroup');
    const sub = { fsType: 'cgroup2' as const, root: '/user.slice/u', mountPoint: '/sys/fs/cgroup', controllers: [] };
    expect(ownCgroupFolder(sub, '/user.slice/u/app')).toBe('/sys/fs/cgroup/app');
    expect(ownCgroupFolder(sub, '/system.slice')).toBeUndefined();
  });

  test('reports why no cgroup can be used', () => {
    const none = detectCgroupParents({ mountinfo: '', procCgroup: '0::/\n' });
    expect(none).toEqual({ available: false, reason: 'no cgroup v1 memory hierarchy and no cgroup v2 mount' });
    // A "memory hierarchy" that is a plain folder: a child can be made but has no memory.limit_in_bytes.
    const fake = mkdtempSync(join(tmpdir(), 'zerr-fake-cgroup-'));
    try {
      const fakeDetection = detectCgroupParents({
        mountinfo: `34 30 0:31 / ${fake} rw - cgroup cgroup rw,memory`,
        procCgroup: '4:memory:/\n',
      });
      expect(fakeDetection.available).toBe(false);
      expect(fakeDetection.reason).toContain('has no memory.limit_in_bytes');
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

const host = detectCgroupParents();

describe.skipIf(!host.available)('per-run cgroup on this host', () => {
  test('caps memory and tasks, holds the preamble\'s whole tree, and is removed with what is left in it', async () => {
    if (!host.available) return;
    const cgroup = await createRunCgroup(host.parents, { memoryLimitMb: 100, maxTasks: 20 });
    const [memory] = cgroup.folders;
    if (memory === undefined) throw new Error('no memory folder');
    const limitFile = host.parents.version === 'v1' ? 'memory.limit_in_bytes' : 'memory.max';
    expect(readFileSync(join(memory, limitFile), 'utf8').trim()).toBe(String(100 * 1024 * 1024));
    if (host.parents.pids !== undefined) {
      expect(readFileSync(join(cgroup.folders.at(-1) ?? '', 'pids.max'), 'utf8').trim()).toBe('20');
    }
    const argv = preambleArgv({
      bashPath: '/bin/bash',
      keepFdsBelow: 3,
      cgroupProcsFiles: cgroup.procsFiles,
      command: ['/bin/cat', '/proc/self/cgroup'],
    });
    const [head = 'bash', ...rest] = argv;
    const r = await spawnCapped({ command: head, args: rest, cwd: '/', env: { PATH: '/usr/bin:/bin' }, wallTimeMs: 10_000, maxOutputBytes: 65_536 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(memory.split('/').at(-1));
    // A process left behind in the cgroup is killed by remove().
    const leftover = spawn(argv[0] ?? 'bash', [...argv.slice(1, -2), '/bin/sleep', '60'], { stdio: 'ignore', detached: true });
    await new Promise((done) => setTimeout(done, 300));
    expect(readFileSync(cgroup.procsFiles[0] ?? '', 'utf8').trim()).toBe(String(leftover.pid));
    const exited = new Promise((done) => leftover.on('exit', done));
    await cgroup.remove();
    await exited;
    for (const folder of cgroup.folders) expect(existsSync(folder)).toBe(false);
    await cgroup.remove(); // idempotent
  });
});
