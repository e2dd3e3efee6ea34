import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import type { SandboxProcess, SandboxProcessEnd } from './sandbox.js';
import { SandboxProcessPool } from './sandbox-process-pool.js';
import type { InteractiveSpawn } from './spawn-interactive.js';

/** A fake spawned process that records what happened to it. */
function fakeSpawn(id: number, log: string[]): InteractiveSpawn & { die(): void } {
  let ended = false;
  const end: SandboxProcessEnd = { exitCode: null, signal: 'SIGKILL', stderr: '', timedOut: false, outputTruncated: false };
  const process: SandboxProcess = {
    send: () => undefined,
    nextLine: () => Promise.resolve({ kind: 'eof' }),
    kill: () => {
      if (!ended) log.push(`kill ${id}`);
      ended = true;
      return Promise.resolve(end);
    },
    ended: Promise.resolve(end),
  };
  return {
    process,
    activate: () => log.push(`activate ${id}`),
    hasEnded: () => ended,
    die: () => {
      ended = true;
    },
  };
}

function launcher(log: string[]) {
  const spawned: (InteractiveSpawn & { die(): void })[] = [];
  const launch = (): Promise<InteractiveSpawn> => {
    const s = fakeSpawn(spawned.length, log);
    spawned.push(s);
    log.push(`launch ${spawned.length - 1}`);
    return Promise.resolve(s);
  };
  return { launch, spawned };
}

describe('SandboxProcessPool', () => {
  test('the first take launches on the critical path and pre-starts spares; the next take gets a spare', async () => {
    const log: string[] = [];
    const { launch } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 2 });
    await pool.take('k', launch);
    expect(log).toEqual(['launch 0', 'launch 1', 'launch 2', 'activate 2']); // spares 0 and 1 first, then its own
    log.length = 0;
    await pool.take('k', launch);
    expect(log).toEqual(['launch 3', 'activate 0']); // spare 0 handed out, its replacement started
  });

  test('a spare that died while idle is never handed out, and is killed', async () => {
    const log: string[] = [];
    const { launch, spawned } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 1 });
    await pool.take('k', launch); // launches spare 0, then 1 for itself
    spawned[0]?.die();
    log.length = 0;
    await pool.take('k', launch);
    expect(log).toEqual(['launch 2', 'launch 3', 'activate 3']);
  });

  test('each key keeps its own spares; the least recently used key is dropped and its spares killed', async () => {
    const log: string[] = [];
    const { launch } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 1, maxKeys: 2 });
    await pool.take('a', launch); // spare 0, own 1
    await pool.take('b', launch); // spare 2, own 3
    log.length = 0;
    await pool.take('c', launch); // spare 4, own 5; 'a' dropped: spare 0 killed
    await Promise.resolve();
    expect(log).toContain('kill 0');
    expect(log).not.toContain('kill 2');
  });

  test('close kills every spare and stops pre-starting; later takes still launch', async () => {
    const log: string[] = [];
    const { launch } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 2 });
    await pool.take('k', launch);
    log.length = 0;
    await pool.close();
    expect(log.sort()).toEqual(['kill 0', 'kill 1']);
    log.length = 0;
    await pool.take('k', launch);
    expect(log).toEqual(['launch 3', 'activate 3']);
  });

  test('a real BwrapSandbox with pre-started processes lets a script end with exit 0 after close (not 13)', async () => {
    // Spares hold unref()ed pipes; close() must keep the event loop alive until each killed process has ended,
    // or Node ends the script with an unsettled top-level await (exit 13).
    const script = [
      "import { BwrapSandbox } from './src/sandbox/index.ts';",
      'const sandbox = new BwrapSandbox();',
      "const p = await sandbox.start({ runtime: 'python', files: { 'main.py': 'import sys\\nsys.stdin.readline()\\n' }, entry: 'main.py' });",
      'await p.kill();',
      'await new Promise((resolve) => setTimeout(resolve, 1500));', // the spares are up and idle
      'await sandbox.close();',
      "console.log('closed');",
    ].join('\n');
    const root = join(import.meta.dirname, '..', '..');
    const { stdout } = await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), ['--input-type=module', '-e', script], { cwd: root, timeout: 60_000 });
    expect(stdout.trim()).toBe('closed');
  }, 90_000);
});
