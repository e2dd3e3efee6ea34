/**
 * @module test/helpers/system-pytest
 * The system python's pytest, which runs the test files of a built Python project in a folder of their own (as users
 * run them). `scripts/setup.sh` installs it (Debian's python3-pytest); zerr's own verdicts never need it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Whether `/usr/bin/python3 -m pytest` can run. */
export function systemPythonHasPytest(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `files` (relative path -> content) into a fresh temp folder, runs `python3 -m pytest -q` there and returns
 * its stdout; the folder is removed afterwards.
 * @throws the child process error (with its stdout) when pytest fails.
 */
export function runPytestOn(files: Readonly<Record<string, string>>): string {
  const folder = mkdtempSync(join(tmpdir(), 'zerr-pytest-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), content);
    }
    return execFileSync('/usr/bin/python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: folder, encoding: 'utf8' });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
