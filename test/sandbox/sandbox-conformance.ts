/**
 * @module test/sandbox/sandbox-conformance
 * The conformance suite every `Sandbox` implementation runs: the behaviour the contract promises, independent of
 * how isolation is done.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';

/** Registers the suite for one implementation. `newSandbox` is called once; the sandbox is closed afterwards. */
export function runSandboxConformance(name: string, newSandbox: () => Sandbox): void {
  describe(`Sandbox conformance: ${name}`, () => {
    const sandbox = newSandbox();
    afterAll(() => sandbox.close());

    test('runs node and python with files, args and stdin; reports the exit code', async () => {
      const n = await sandbox.run({
        runtime: 'node',
        files: { 'main.cjs': 'const fs = require("fs"); console.log(process.argv.slice(2).join("+"), fs.readFileSync("data/x.txt", "utf8"), fs.readFileSync(0, "utf8")); process.exitCode = 3;', 'data/x.txt': 'payload' },
        entry: 'main.cjs',
        args: ['a', 'b c'],
        stdin: 'in',
      });
      expect(n).toMatchObject({ exitCode: 3, signal: null, timedOut: false, outputTruncated: false });
      expect(n.stdout.trim()).toBe('a+b c payload in');
      const p = await sandbox.run({
        runtime: 'python',
        files: { 'main.py': 'import sys\nprint(sys.argv[1:], sys.stdin.read())\nprint("err", file=sys.stderr)' },
        entry: 'main.py',
        args: ['z'],
        stdin: 'hello',
      });
      expect(p.exitCode).toBe(0);
      expect(p.stdout.trim()).toBe("['z'] hello");
      expect(p.stderr.trim()).toBe('err');
    });

    test('the work folder is the writable current directory', async () => {
      const r = await sandbox.run({
        runtime: 'python',
        files: { 'main.py': 'open("out.txt", "w").write("ok")\nprint(open("out.txt").read())' },
        entry: 'main.py',
      });
      expect(r.stdout.trim()).toBe('ok');
    });

    test('wall clock, output cap and crashes are results, not exceptions', async () => {
      const loop = await sandbox.run({ runtime: 'python', files: { 'a.py': 'while True: pass' }, entry: 'a.py', limits: { wallTimeMs: 700 } });
      expect(loop.timedOut).toBe(true);
      const flood = await sandbox.run({
        runtime: 'node',
        files: { 'a.cjs': 'for (;;) console.error("e".repeat(1000))' },
        entry: 'a.cjs',
        limits: { maxOutputBytes: 4096 },
      });
      expect(flood.outputTruncated).toBe(true);
      expect(Buffer.byteLength(flood.stderr)).toBeLessThanOrEqual(4096);
      const crash = await sandbox.run({ runtime: 'node', files: { 'a.cjs': 'process.abort()' }, entry: 'a.cjs' });
      expect(crash.signal).toBe('SIGABRT');
    });

    test('CPU time is limited by RLIMIT_CPU', async () => {
      const r = await sandbox.run({
        runtime: 'python',
        files: { 'a.py': 'while True: pass' },
        entry: 'a.py',
        limits: { cpuTimeSec: 1, wallTimeMs: 20_000 },
      });
      expect(r.timedOut).toBe(false);
      expect(['SIGXCPU', 'SIGKILL']).toContain(r.signal);
    });

    test('closed sandboxes refuse new runs', async () => {
      const other = newSandbox();
      await other.close();
      await other.close();
      await expect(other.run({ runtime: 'python', files: { 'a.py': '' }, entry: 'a.py' })).rejects.toMatchObject({ code: 'sandbox_unavailable' });
    });
  });
}
