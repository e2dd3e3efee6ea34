import { chmodSync, closeSync, mkdtempSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SandboxUnavailableError } from '../sandbox-unavailable-error.js';
import { loadLaunchHost } from './bwrap-launch.js';
import { detectSandbox } from './detect-sandbox.js';
import { compileSeccompFilter, DENIED_SYSCALLS, holdSeccompFilter } from './seccomp-filter.js';

function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(256);
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) chunks.push(Buffer.from(buffer.subarray(0, n)));
  return Buffer.concat(chunks);
}

describe('seccomp filter', () => {
  test('denies what the issue names, and compiles to a BPF program with libseccomp', async () => {
    for (const name of ['unshare', 'setns', 'mount', 'ptrace', 'keyctl', 'bpf', 'perf_event_open', 'userfaultfd']) {
      expect(DENIED_SYSCALLS).toContain(name);
    }
    const program = await compileSeccompFilter();
    expect(program.length % 8).toBe(0);
    expect(program.length / 8).toBeGreaterThan(DENIED_SYSCALLS.length / 2);
  });

  test('each open() gives a descriptor that reads the whole program from its start', async () => {
    const program = Buffer.from('0123456789abcdef', 'utf8');
    const held = await holdSeccompFilter(program);
    const first = held.open();
    const second = held.open();
    try {
      expect(readAll(first)).toEqual(program);
      expect(readAll(second)).toEqual(program);
    } finally {
      closeSync(first);
      closeSync(second);
    }
  });

  test('without python3-seccomp the sandbox is unavailable, with the install hint', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'zerr-no-seccomp-'));
    const python = join(folder, 'python3');
    writeFileSync(python, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n'); // -S: no dist-packages, so no seccomp module
    chmodSync(python, 0o755);
    try {
      await expect(compileSeccompFilter({ pythonPath: python })).rejects.toThrow('python3-seccomp is missing');
      await expect(loadLaunchHost(python)).rejects.toBeInstanceOf(SandboxUnavailableError);
      await expect(loadLaunchHost('/nonexistent/python3')).rejects.toThrow(/apt-get install python3-seccomp/);
      const detection = await detectSandbox({ seccompPythonPath: python });
      expect(detection.available).toBe(false);
      expect(detection.reason).toContain('apt-get install python3-seccomp');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
