import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawnCapped } from '../spawn-capped.js';
import { preambleArgv, tmpfsFstab, type PreambleOptions } from './launch-preamble.js';

const OPEN_FDS = 'import os\nfds = []\nfor fd in range(3, 1024):\n    try:\n        os.fstat(fd); fds.append(fd)\n    except OSError:\n        pass\nprint(fds)';

async function runPreamble(options: Omit<PreambleOptions, 'bashPath'>, extraStdio: number[] = []) {
  const [head = 'bash', ...rest] = preambleArgv({ bashPath: '/bin/bash', ...options });
  return spawnCapped({ command: head, args: rest, cwd: '/', env: { PATH: '/usr/bin:/bin' }, extraStdio, wallTimeMs: 10_000, maxOutputBytes: 65_536 });
}

describe('launch preamble', () => {
  test('closes every descriptor from keepFdsBelow up, keeps those below', async () => {
    const fds = [openSync('/dev/null', 'r'), openSync('/dev/null', 'r'), openSync('/dev/null', 'r')];
    try {
      const r = await runPreamble({ keepFdsBelow: 4, cgroupProcsFiles: [], command: ['/usr/bin/python3', '-I', '-c', OPEN_FDS] }, fds);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('[3]');
      const all = await runPreamble({ keepFdsBelow: 3, cgroupProcsFiles: [], command: ['/usr/bin/python3', '-I', '-c', OPEN_FDS] }, fds);
      expect(all.stdout.trim()).toBe('[]');
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  });

  test('fails closed (exit 125) when it cannot join a cgroup', async () => {
    const r = await runPreamble({ keepFdsBelow: 3, cgroupProcsFiles: ['/nonexistent/cgroup.procs'], command: ['/bin/echo', 'RAN'] });
    expect(r.exitCode).toBe(125);
    expect(r.stdout).not.toContain('RAN');
    expect(r.stderr).toContain('zerr: cannot join cgroup /nonexistent/cgroup.procs');
  });

  test('does not read ~/.bashrc or BASH_ENV although its stdin is a socket', async () => {
    const [head = 'bash', ...rest] = preambleArgv({ bashPath: '/bin/bash', keepFdsBelow: 3, cgroupProcsFiles: [], command: ['/bin/echo', 'ok'] });
    const r = await spawnCapped({
      command: head,
      args: rest,
      cwd: '/',
      env: { PATH: '/usr/bin:/bin', BASH_ENV: '/nonexistent/bash-env', HOME: '/nonexistent-home' },
      wallTimeMs: 10_000,
      maxOutputBytes: 4096,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  });

  test.skipIf(process.getuid?.() !== 0)('mounts inode-capped tmpfs in a private mount namespace the host never sees', async () => {
    const target = mkdtempSync(join(tmpdir(), 'zerr preamble-')); // a space: fstab escapes it
    writeFileSync(`${target}.fstab`, tmpfsFstab([{ options: 'size=1048576,nr_inodes=8', target }]));
    try {
      const r = await runPreamble({
        keepFdsBelow: 3,
        cgroupProcsFiles: [],
        fstab: `${target}.fstab`,
        unsharePath: 'unshare',
        mountPath: 'mount',
        command: ['/usr/bin/python3', '-I', '-c', `import os; s = os.statvfs(${JSON.stringify(target)}); print(s.f_files, s.f_blocks * s.f_frsize)`],
      });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('8 1048576');
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(target);
    } finally {
      rmSync(target, { recursive: true, force: true });
      rmSync(`${target}.fstab`, { force: true });
    }
  });

  test.skipIf(process.getuid?.() !== 0)('fails closed (exit 125) when a tmpfs cannot be mounted', async () => {
    const fstab = join(mkdtempSync(join(tmpdir(), 'zerr-preamble-')), 'fstab');
    writeFileSync(fstab, tmpfsFstab([{ options: 'size=1048576', target: '/nonexistent/target' }]));
    try {
      const r = await runPreamble({ keepFdsBelow: 3, cgroupProcsFiles: [], fstab, unsharePath: 'unshare', mountPath: 'mount', command: ['/bin/echo', 'RAN'] });
      expect(r.exitCode).toBe(125);
      expect(r.stdout).not.toContain('RAN');
      expect(r.stderr).toContain(`zerr: cannot mount the tmpfs of ${fstab}`);
    } finally {
      rmSync(dirname(fstab), { recursive: true, force: true });
    }
  });
});
