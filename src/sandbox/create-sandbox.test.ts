import { describe, expect, test } from 'vitest';
import { createSandbox } from './create-sandbox.js';
import { detectSandbox } from './bwrap/detect-sandbox.js';
import { SandboxUnavailableError } from './sandbox-unavailable-error.js';
import { UnsafeNoSandbox, UNSAFE_SANDBOX_WARNING } from './unsafe/unsafe-no-sandbox.js';

describe('createSandbox', () => {
  test('returns bwrap when it works', async () => {
    const sandbox = await createSandbox();
    expect(sandbox.kind).toBe('bwrap');
    await sandbox.close();
  });

  test('refuses to run without isolation unless allowed, with an actionable reason', async () => {
    const detection = await detectSandbox({ bwrapPath: '/nonexistent/bwrap' });
    expect(detection.available).toBe(false);
    if (!detection.available) expect(detection.reason).toContain('apt-get install bubblewrap');
    const error = await createSandbox({ bwrap: { bwrapPath: '/nonexistent/bwrap' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxUnavailableError);
    expect((error as SandboxUnavailableError).code).toBe('sandbox_unavailable');
    expect((error as Error).message).toContain('--unsafe-no-sandbox');
  });

  test('awaitProbe false: returned before the probe answers; a start throws the probe\'s reason, and runs work where bwrap does', async () => {
    const broken = await createSandbox({ bwrap: { bwrapPath: '/nonexistent/bwrap' }, awaitProbe: false });
    expect(broken.kind).toBe('bwrap');
    const request = { runtime: 'node' as const, files: { 'a.cjs': 'process.stdin.once("data", () => { console.log("up"); });' }, entry: 'a.cjs' };
    const error = await broken.start(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxUnavailableError);
    expect((error as Error).message).toMatch(/^No sandbox available: bubblewrap \(\/nonexistent\/bwrap\) is not installed: .*--unsafe-no-sandbox\.$/);
    broken.prestart?.(request); // a prestart on a broken sandbox throws nothing; the next start reports again
    expect(await broken.start(request).catch((e: unknown) => e)).toBeInstanceOf(SandboxUnavailableError);
    await broken.close();

    const working = await createSandbox({ awaitProbe: false, bwrap: { prestart: 0 } });
    working.prestart?.(request);
    const process = await working.start(request);
    process.send('go');
    expect(await process.nextLine(10_000)).toEqual({ kind: 'line', text: 'up', atMs: expect.any(Number) as number });
    await process.kill();
    await working.close();
  });

  test('falls back to the unsafe sandbox only when allowed, and warns loudly', async () => {
    const warnings: string[] = [];
    const sandbox = await createSandbox({
      allowUnsafe: true,
      bwrap: { bwrapPath: '/nonexistent/bwrap' },
      unsafe: { warn: (m) => warnings.push(m) },
    });
    expect(sandbox.kind).toBe('unsafe-no-sandbox');
    expect(warnings).toEqual([UNSAFE_SANDBOX_WARNING]);
    expect(warnings[0]).toContain('WITHOUT isolation');
    await sandbox.close();
  });
});

describe('UnsafeNoSandbox', () => {
  const sandbox = new UnsafeNoSandbox({ warn: () => undefined });

  test('runs programs with the same limits and timeouts', async () => {
    const ok = await sandbox.run({ runtime: 'python', files: { 'a.py': 'print(40 + 2)' }, entry: 'a.py' });
    expect(ok.stdout.trim()).toBe('42');
    const loop = await sandbox.run({ runtime: 'node', files: { 'a.cjs': 'for (;;) {}' }, entry: 'a.cjs', limits: { wallTimeMs: 800 } });
    expect(loop.timedOut).toBe(true);
    const flood = await sandbox.run({
      runtime: 'node',
      files: { 'a.cjs': 'for (;;) process.stdout.write("y".repeat(4096))' },
      entry: 'a.cjs',
      limits: { maxOutputBytes: 5000 },
    });
    expect(flood.outputTruncated).toBe(true);
    const spawn = await sandbox.run({
      runtime: 'node',
      files: { 'a.cjs': 'try { require("child_process").execSync("true"); console.log("SPAWNED") } catch (e) { console.log(e.code) }' },
      entry: 'a.cjs',
    });
    expect(spawn.stdout.trim()).toBe('ERR_ACCESS_DENIED');
    await sandbox.close();
  });
});
