import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import type { SandboxProcess, SandboxProcessEnd } from './sandbox.js';
import { SandboxProcessPool } from './sandbox-process-pool.js';
import type { InteractiveSpawn } from './spawn-interactive.js';

/** A fake spawned process that records what happened to it; it ends when killed or when it dies. */
function fakeSpawn(id: number, log: string[]): InteractiveSpawn & { die(): void } {
  let ended = false;
  const end: SandboxProcessEnd = { exitCode: null, signal: 'SIGKILL', stderr: '', timedOut: false, outputTruncated: false };
  let resolveEnded: (e: SandboxProcessEnd) => void = () => undefined;
  const endedPromise = new Promise<SandboxProcessEnd>((resolve) => {
    resolveEnded = resolve;
  });
  const finish = (): void => {
    ended = true;
    resolveEnded(end);
  };
  const process: SandboxProcess = {
    send: () => undefined,
    nextLine: () => Promise.resolve({ kind: 'eof' }),
    kill: () => {
      if (!ended) log.push(`kill ${id}`);
      finish();
      return endedPromise;
    },
    ended: endedPromise,
  };
  return { process, activate: () => log.push(`activate ${id}`), hasEnded: () => ended, die: finish };
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

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SandboxProcessPool', () => {
  test('the first take launches on demand; spares start only once it has ended; the next take gets a spare', async () => {
    const log: string[] = [];
    const { launch } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 2 });
    const first = await pool.take('k', launch);
    await settle();
    expect(log).toEqual(['launch 0', 'activate 0']); // nothing spawned while the caller works
    await first.kill();
    await settle();
    expect(log).toEqual(['launch 0', 'activate 0', 'kill 0', 'launch 1', 'launch 2']);
    log.length = 0;
    await pool.take('k', launch);
    expect(log).toEqual(['activate 1']); // a spare, no launch on the critical path
  });

  test('prestart launches one spare now, even with sparesPerKey 0, and only one; the next take gets it', async () => {
    const log: string[] = [];
    const { launch } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 0 });
    pool.prestart('k', launch);
    pool.prestart('k', launch); // one is already starting: no second
    await settle();
    expect(log).toEqual(['launch 0']);
    const taken = await pool.take('k', launch);
    expect(log).toEqual(['launch 0', 'activate 0']);
    await taken.kill();
    await settle();
    expect(log).toEqual(['launch 0', 'activate 0', 'kill 0']); // sparesPerKey 0: no refill
    await pool.close();
    pool.prestart('k', launch); // closed: nothing
    await settle();
    expect(log).toHaveLength(3);
  });

  test('a spare that died while idle is never handed out', async () => {
    const log: string[] = [];
    const { launch, spawned } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 1 });
    await (await pool.take('k', launch)).kill(); // 0 used; spare 1 started
    await settle();
    spawned[1]?.die();
    log.length = 0;
    await pool.take('k', launch);
    expect(log).toEqual(['launch 2', 'activate 2']);
  });

  test('each key keeps its own spares; the least recently used key is dropped and its spares killed', async () => {
    const log: string[] = [];
    const { launch } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 1, maxKeys: 2 });
    await (await pool.take('a', launch)).kill(); // 0 used, spare 1 for 'a'
    await (await pool.take('b', launch)).kill(); // 2 used, spare 3 for 'b'
    await settle();
    log.length = 0;
    const c = await pool.take('c', launch); // 4 for 'c'; 'a' dropped: spare 1 killed
    await settle();
    expect(log).toContain('kill 1');
    expect(log).not.toContain('kill 3');
    await c.kill();
    await settle();
    expect(log).toContain('launch 5'); // the spare of 'c'
  });

  test('close kills every spare and every process still handed out, and stops pre-starting', async () => {
    const log: string[] = [];
    const { launch } = launcher(log);
    const pool = new SandboxProcessPool({ sparesPerKey: 2 });
    await (await pool.take('k', launch)).kill(); // 0 used; spares 1, 2
    await settle();
    await pool.take('k', launch); // 1 handed out, still running
    log.length = 0;
    await pool.close();
    await settle();
    expect(log.sort()).toEqual(['kill 1', 'kill 2']);
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
