import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { BwrapSandbox } from './bwrap-sandbox.js';
import { detectSandbox } from './detect-sandbox.js';
import { InvalidArgumentError } from '../../errors/index.js';

const sandbox = new BwrapSandbox();
let hostDir: string;

beforeAll(async () => {
  hostDir = await mkdtemp(join(tmpdir(), 'zerr-host-'));
  await chmod(hostDir, 0o777); // only the mount namespace, not file permissions, may keep writes out
});
afterAll(async () => {
  await sandbox.close();
  await rm(hostDir, { recursive: true, force: true });
});

const py = (code: string, limits = {}) =>
  sandbox.run({ runtime: 'python', files: { 'main.py': code }, entry: 'main.py', limits });
const node = (code: string, limits = {}) =>
  sandbox.run({ runtime: 'node', files: { 'main.cjs': code }, entry: 'main.cjs', limits });

describe('BwrapSandbox', () => {
  test('detects bubblewrap and runs both runtimes with a private work folder', async () => {
    expect((await detectSandbox()).available).toBe(true);
    const r = await py('import os; print(os.getcwd(), os.getuid(), open("main.py").read()[:6])');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe('/sandbox 65534 import');
    const n = await node('console.log(require("fs").readdirSync(".").join(","), process.env.HOME)');
    expect(n.stdout.trim()).toBe('main.cjs /sandbox');
  });

  test('has no network: a server on the host loopback sees no connection', async () => {
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const n = await node(
        `const s = require('net').connect(${port}, '127.0.0.1');
         s.on('connect', () => { console.log('CONNECTED'); s.end(); });
         s.on('error', (e) => console.log('ERR', e.code));`,
      );
      const p = await py(
        `import socket\ntry:\n    socket.create_connection(('127.0.0.1', ${port}), timeout=2); print('CONNECTED')\nexcept OSError as e:\n    print('ERR', e)`,
      );
      expect(n.stdout).toMatch(/^ERR /);
      expect(p.stdout).toMatch(/^ERR /);
      expect(n.stdout + p.stdout).not.toContain('CONNECTED');
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  test('cannot write outside its folder nor read host secrets', async () => {
    const marker = `zerr-escape-${Date.now()}`;
    const r = await py(
      `import os
for path in [${JSON.stringify(join(hostDir, 'escaped.txt'))}, '/tmp/${marker}', '/usr/${marker}', '/${marker}']:
    try:
        with open(path, 'w') as f: f.write('x')
        print('WROTE', path)
    except OSError as e:
        print('NOWRITE', path, type(e).__name__)
for path in ['/etc/shadow', '/etc/passwd', '/root', '/home', ${JSON.stringify(process.env['HOME'] ?? '/root')}]:
    try:
        print('SEE', path, os.listdir(path) if os.path.isdir(path) else open(path).read()[:20])
    except OSError as e:
        print('NOREAD', path, type(e).__name__)
`,
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain('SEE');
    expect(readdirSync(hostDir)).toEqual([]);
    expect(existsSync(`/tmp/${marker}`)).toBe(false);
    expect(existsSync(`/usr/${marker}`)).toBe(false);
    expect(existsSync(`/${marker}`)).toBe(false);
  });

  test('property: no write escapes, whatever the target path', async () => {
    const segment = fc.stringMatching(/^[a-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.constantFrom('abs', 'dotdot', 'tmp'), async (parts, style) => {
        const target =
          style === 'abs' ? join(hostDir, ...parts) : style === 'dotdot' ? `../../../..${hostDir}/${parts.join('/')}` : `/tmp/${parts.join('/')}`;
        await py(
          `import os\np = ${JSON.stringify(target)}\ntry:\n    os.makedirs(os.path.dirname(p), exist_ok=True)\n    open(p, 'w').write('x')\nexcept OSError:\n    pass`,
        );
        expect(await readdir(hostDir)).toEqual([]);
      }),
      { numRuns: 8 },
    );
  });

  test('node cannot start child processes or workers (permission model)', async () => {
    const r = await node(
      `try { require('child_process').spawnSync('/bin/echo', ['hi']); console.log('SPAWNED'); } catch (e) { console.log('DENIED', e.code); }
       try { new (require('worker_threads').Worker)('1', { eval: true }); console.log('WORKER'); } catch (e) { console.log('DENIED', e.code); }`,
    );
    expect(r.stdout).toContain('DENIED ERR_ACCESS_DENIED');
    expect(r.stdout).not.toContain('SPAWNED');
    expect(r.stdout).not.toContain('WORKER');
  });

  test('python children are contained: they die with the sandbox and see nothing more', async () => {
    const marker = `zerr${Date.now()}`;
    const r = await py(
      `import os, subprocess
print(subprocess.run(['/usr/bin/id', '-u'], capture_output=True, text=True).stdout.strip())
if os.fork() == 0:
    os.setsid()
    os.execv('/bin/sleep', ['/bin/sleep', '300', '${marker}'])
print('parent done')`,
    );
    expect(r.stdout).toContain('65534');
    const survivors = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
        } catch {
          return false;
        }
      });
    expect(survivors).toEqual([]);
  });

  test('a fork bomb is stopped by RLIMIT_NPROC and the wall clock', async () => {
    const r = await py(`import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass`, {
      maxProcesses: 16,
      wallTimeMs: 3000,
    });
    expect(r.timedOut || r.exitCode !== 0 || r.signal !== null).toBe(true);
    expect(r.durationMs).toBeLessThan(30_000);
  });

  test('an infinite loop is killed by the wall clock', async () => {
    const r = await node('while (true) {}', { wallTimeMs: 1000 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(r.durationMs).toBeLessThan(15_000);
  });

  test('memory bombs are contained (python RLIMIT_AS, node heap limit)', async () => {
    const p = await py('a = []\nwhile True:\n    a.append(bytearray(10**7))', { memoryLimitMb: 128 });
    expect(p.timedOut).toBe(false);
    expect(p.exitCode).not.toBe(0);
    expect(p.stderr).toContain('MemoryError');
    const n = await node('const a = []; while (true) a.push(new Array(1e6).fill(1.5));', { memoryLimitMb: 128 });
    expect(n.timedOut).toBe(false);
    expect(n.exitCode === 0 && n.signal === null).toBe(false);
  });

  test('an output flood is truncated and the process killed', async () => {
    const r = await py("while True:\n    print('x' * 1000)", { maxOutputBytes: 10_000 });
    expect(r.outputTruncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(10_000);
    expect(r.timedOut).toBe(false);
  });

  test('the work folder is removed after the run', async () => {
    // A private TMPDIR for this worker process, so sandboxes of tests running in parallel cannot disturb the count.
    const previous = process.env['TMPDIR'];
    const privateTmp = await mkdtemp(join(tmpdir(), 'zerr-tmpdir-'));
    await chmod(privateTmp, 0o755); // the sandbox runs as uid 65534 and must traverse it
    process.env['TMPDIR'] = privateTmp;
    try {
      await py('print(1)');
      expect(readdirSync(privateTmp).filter((n) => n.startsWith('zerr-sbx-'))).toEqual([]);
      await node('console.log(1)');
      expect(readdirSync(privateTmp)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = previous;
      rmSync(privateTmp, { recursive: true, force: true });
    }
  });

  test('rejects bad requests with InvalidArgumentError and honours abort', async () => {
    await expect(sandbox.run({ runtime: 'python', files: { '../x.py': '' }, entry: '../x.py' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(sandbox.run({ runtime: 'python', files: { 'a.py': '' }, entry: 'b.py' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const controller = new AbortController();
    const pending = sandbox.run({ runtime: 'python', files: { 'a.py': 'while True: pass' }, entry: 'a.py', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 300);
    await expect(pending).rejects.toThrow('stop');
  });

  test('the test process is unaffected after all of the above', async () => {
    const r = await node('console.log(6 * 7)');
    expect(r.stdout.trim()).toBe('42');
  });
});
