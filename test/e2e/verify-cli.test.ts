/**
 * End-to-end tests of `zerr verify <spec> <candidate-file>` as people and scripts run it: the built CLI
 * (`bin/zerr.js` -> dist/) in a child process, the real bubblewrap sandbox, no model. Exit codes 0 verified,
 * 2 rejected (one verdict line naming the layer and its reason), 3 bad input (one line on stderr naming the file
 * and what was expected), 5 no sandbox; `--json` prints the VerificationReport; `--all-layers` runs every layer.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const DATA = resolve(ROOT, '..', 'shared');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const LAYERS = ['syntax', 'types', 'security', 'static-analysis', 'unit-tests', 'contracts', 'property-tests', 'performance'];

const CLAMP_GOOD = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n';
const CLAMP_WRONG = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}\n';
const HAS_CLOSE_PY = `from typing import List


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for i, a in enumerate(numbers):
        for b in numbers[i + 1:]:
            if abs(a - b) < threshold:
                return True
    return False
`;

interface CliResult { code: number; stdout: string; stderr: string }

let work: string;
function zerr(args: readonly string[], options: { env?: Record<string, string>; nodeArgs?: readonly string[] } = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: work, env: { ...process.env, ZERR_DATA_DIR: DATA, ZERR_MODEL: '', CI: '1', ...options.env },
      maxBuffer: 16 * 1024 * 1024, timeout: 180_000,
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-verify-e2e-'));
  await writeFile(join(work, 'good.ts'), CLAMP_GOOD);
  await writeFile(join(work, 'wrong.ts'), CLAMP_WRONG);
  await writeFile(join(work, 'has_close.py'), HAS_CLOSE_PY);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr verify', () => {
  it('a correct candidate: one line per layer, a verdict line, exit 0; no model SDK is loaded and no run store is opened', async () => {
    const log = join(work, 'resolved.txt');
    const hooks = join(work, 'log-hooks.mjs');
    await writeFile(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');\n  return result;\n}\n`);
    const register = join(work, 'register-hooks.mjs');
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

    const result = await zerr(['verify', CLAMP, 'good.ts'], { nodeArgs: ['--import', register] });
    expect(result.code, result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out).toHaveLength(LAYERS.length + 1);
    LAYERS.forEach((layer, index) => {
      expect(out[index]).toMatch(new RegExp(`^(pass|skip) +${layer} +\\d+ ms  \\S`));
    });
    expect(out[LAYERS.length]).toMatch(/^verified: clamp passed every layer that applies \(\d passed, \d skipped\)$/);
    expect(result.stderr).toBe('');

    const loaded = (await readFile(log, 'utf8')).split('\n');
    expect(loaded.some((url) => url.endsWith('/dist/cli/commands/verify.js'))).toBe(true);
    expect(loaded.filter((url) => /node_modules\/(node-llama-cpp|openai|@anthropic-ai|@modelcontextprotocol|fastify)\//.test(url))).toEqual([]);
    expect(existsSync(join(work, '.zerr'))).toBe(false);
  });

  it('a wrong candidate: exit 2, the verdict names the failing layer and its reason on one line; later layers are listed as not run', async () => {
    const result = await zerr(['verify', CLAMP, 'wrong.ts']);
    expect(result.code, result.stderr).toBe(2);
    const out = lines(result.stdout);
    expect(out.at(-1)).toBe('rejected at unit-tests: test 2: clamp(-3, 0, 10) returned -3, expected 0');
    expect(out.filter((line) => line.startsWith('rejected'))).toHaveLength(1);
    expect(out.find((line) => / unit-tests /.test(line))).toMatch(/^FAIL +unit-tests +\d+ ms {2}test 2: /);
    expect(out.find((line) => / performance /.test(line))).toMatch(/^- +performance +- +not run/);
  });

  it('--json prints the VerificationReport; with --all-layers every layer runs after the failure', async () => {
    const good = await zerr(['verify', CLAMP, 'good.ts', '--json']);
    expect(good.code, good.stderr).toBe(0);
    const passed = JSON.parse(good.stdout) as { passed: boolean; failedLayer: string | null; results: { layer: string; status: string; reason: string; durationMs: number }[] };
    expect(passed).toMatchObject({ passed: true, failedLayer: null });
    expect(passed.results.map((r) => r.layer)).toEqual(LAYERS);
    expect(passed.results.every((r) => typeof r.durationMs === 'number' && r.reason !== '')).toBe(true);

    const wrong = await zerr(['verify', CLAMP, 'wrong.ts', '--json', '--all-layers']);
    expect(wrong.code, wrong.stderr).toBe(2);
    const failed = JSON.parse(wrong.stdout) as typeof passed;
    expect(failed).toMatchObject({ passed: false, failedLayer: 'unit-tests' });
    expect(failed.results.map((r) => r.layer)).toEqual(LAYERS);
    expect(failed.results.find((r) => r.layer === 'unit-tests')).toMatchObject({ status: 'fail', reason: 'test 2: clamp(-3, 0, 10) returned -3, expected 0' });
    expect(failed.results.find((r) => r.layer === 'contracts')?.status).toBe('pass');
  });

  it('a dataset problem and a Python candidate (humaneval:HumanEval/0)', async () => {
    const result = await zerr(['verify', 'humaneval:HumanEval/0', 'has_close.py', '--no-python-types']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(lines(result.stdout).at(-1)).toMatch(/^verified: HumanEval\/0 passed/);
  });

  it('bad input is exit 3 with one line on stderr naming the file and what was expected, no stack trace', async () => {
    await mkdir(join(work, 'a-folder'), { recursive: true });
    await writeFile(join(work, 'empty.ts'), '  \n');
    await writeFile(join(work, 'clamp.py'), 'def clamp(x, low, high):\n    return x\n');
    await writeFile(join(work, 'bad-spec.yaml'), (await readFile(CLAMP, 'utf8')).replace('timeoutMs: 1000', 'timeoutMs: -5'));
    const cases: readonly (readonly [readonly string[], RegExp])[] = [
      [[CLAMP, 'missing.ts'], /^zerr verify: candidate file missing\.ts: not found; expected a file holding the typescript code of clamp \(spec clamp\)$/],
      [[CLAMP, 'a-folder'], /^zerr verify: candidate file a-folder is a directory; expected /],
      [[CLAMP, 'empty.ts'], /^zerr verify: candidate file empty\.ts is empty; expected /],
      [[CLAMP, 'clamp.py'], /^zerr verify: candidate file clamp\.py is python \(\.py\) but spec clamp is typescript; expected /],
      [['bad-spec.yaml', 'good.ts'], /^zerr verify: invalid task spec \(1 issue\): bad-spec\.yaml: limits\.timeoutMs: got -5, expected a positive integer$/],
      [['missing.yaml', 'good.ts'], /^zerr verify: Task spec file not found or not readable: missing\.yaml \(no such file\); expected a task spec file: YAML or JSON$/],
      [['clamp', 'good.ts'], /^zerr verify: clamp: expected a task spec file \(\.yaml, \.yml or \.json\) or a dataset problem <dataset>:<problem-id>/],
      [['humaneval:HumanEval/999', 'good.ts'], /^zerr verify: Dataset humaneval .* has no problem "HumanEval\/999"/],
    ];
    for (const [args, message] of cases) {
      const result = await zerr(['verify', ...args]);
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(lines(result.stderr), args.join(' ')).toHaveLength(1);
      expect(lines(result.stderr)[0], args.join(' ')).toMatch(message);
      expect(result.stderr, args.join(' ')).not.toMatch(/^\s+at /m);
    }
  });

  it('no sandbox is exit 5; --unsafe-no-sandbox verifies anyway and says so loudly', async () => {
    const emptyBin = join(work, 'empty-bin');
    await mkdir(emptyBin, { recursive: true });
    const refused = await zerr(['verify', CLAMP, 'good.ts'], { env: { PATH: emptyBin } });
    expect(refused.code).toBe(5);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/No sandbox available: bubblewrap .* --unsafe-no-sandbox/);
    // A spec without preconditions runs nothing in the sandbox before the layers: still refused before any layer line.
    const plain = join(work, 'plain-add.yaml');
    await writeFile(plain, 'id: add\nname: add\ndescription: Add.\nlanguage: typescript\nsignature: { entryPoint: add, inputs: [{ name: a, type: number }, { name: b, type: number }], output: { type: number } }\ntestCases: [{ inputs: [1, 2], expected: 3 }]\n');
    await writeFile(join(work, 'add.ts'), 'function add(a: number, b: number): number {\n  return a + b;\n}\n');
    const plainRefused = await zerr(['verify', plain, 'add.ts'], { env: { PATH: emptyBin } });
    expect(plainRefused.code, plainRefused.stderr).toBe(5);
    expect(plainRefused.stdout).toBe('');
    expect(plainRefused.stderr).toMatch(/No sandbox available: bubblewrap .* --unsafe-no-sandbox/);

    const unsafe = await zerr(['verify', CLAMP, 'wrong.ts', '--unsafe-no-sandbox'], { env: { PATH: emptyBin } });
    expect(unsafe.code, unsafe.stderr).toBe(2);
    expect(unsafe.stderr).toContain('WARNING: --unsafe-no-sandbox');
    expect(lines(unsafe.stdout).at(-1)).toMatch(/^rejected at unit-tests: test 2: /);
  });
});

describe('zerr verify with the analysis daemon', () => {
  // A private socket folder, and the daemon switched back on (the test configuration switches it off).
  const daemonEnv = (): Record<string, string> => ({ ZERR_DAEMON: '', ZERR_DAEMON_DIR: join(work, 'daemon') });
  interface Status { running: boolean; requests?: number; pid?: number }
  const status = async (): Promise<Status> => JSON.parse((await zerr(['daemon', 'status', '--json'], { env: daemonEnv() })).stdout) as Status;
  // Layer, status and reason; measured times in reasons (the performance layer's medians) vary from run to run.
  const verdicts = (stdout: string) => (JSON.parse(stdout) as { results: { layer: string; status: string; reason: string }[] }).results
    .map(({ layer, status: s, reason }) => ({ layer, status: s, reason: reason.replace(/\d+(\.\d+)? ms\b/g, '<t> ms') }));
  afterAll(async () => {
    await zerr(['daemon', 'stop'], { env: daemonEnv() });
  });

  it('the first verify starts it, the next ones use it, and their verdicts are those of --no-daemon; ZERR_DAEMON=off starts none', async () => {
    const off = await zerr(['verify', CLAMP, 'good.ts'], { env: { ...daemonEnv(), ZERR_DAEMON: 'off' } });
    expect(off.code, off.stderr).toBe(0);
    expect(await status()).toMatchObject({ running: false });

    await writeFile(join(work, 'untyped.ts'), 'function clamp(x: number, low: number, high: number): number {\n  return String(x);\n}\n');
    await writeFile(join(work, 'hostile.ts'), 'function clamp(x: number, low: number, high: number): number {\n  return eval("x");\n}\n');
    const first = await zerr(['verify', CLAMP, 'good.ts', '--json'], { env: daemonEnv() });
    expect(first.code, first.stderr).toBe(0);
    const started = await status();
    expect(started).toMatchObject({ running: true });
    for (const file of ['good.ts', 'wrong.ts', 'untyped.ts', 'hostile.ts']) {
      const before = (await status()).requests ?? 0;
      const viaDaemon = await zerr(['verify', CLAMP, file, '--json', '--all-layers'], { env: daemonEnv() });
      const after = await status();
      const local = await zerr(['verify', CLAMP, file, '--json', '--all-layers', '--no-daemon'], { env: daemonEnv() });
      expect(viaDaemon.code, file).toBe(local.code);
      expect(verdicts(viaDaemon.stdout), file).toEqual(verdicts(local.stdout));
      expect(after.pid, file).toBe(started.pid); // one daemon served them all
      expect((after.requests ?? 0) - before, file).toBe(3); // the type check and the two lints of this verify
      expect((await status()).requests, `${file}: --no-daemon sent nothing`).toBe(after.requests);
    }
    const rejected = JSON.parse((await zerr(['verify', CLAMP, 'untyped.ts', '--json'], { env: daemonEnv() })).stdout) as { failedLayer: string };
    expect(rejected.failedLayer).toBe('types');
  }, 240_000);

  it('three verifies started at once with no daemon: all verified, none fell back, one daemon answers afterwards', async () => {
    const env = { ZERR_DAEMON: '', ZERR_DAEMON_DIR: join(work, 'daemon-race') };
    const runs = await Promise.all([1, 2, 3].map(() => zerr(['--log-level', 'warn', 'verify', CLAMP, 'good.ts'], { env })));
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe(''); // no "analysis daemon not used" line
    }
    const after = JSON.parse((await zerr(['daemon', 'status', '--json'], { env })).stdout) as { running: boolean; requests: number };
    expect(after).toMatchObject({ running: true });
    expect(after.requests).toBeGreaterThanOrEqual(3); // at least one verify's three analyses (a daemon that lost the race exits)
    await zerr(['daemon', 'stop'], { env });
  }, 120_000);

  it('a socket folder others may use is refused: verify runs the analysis itself, and says why with --log-level warn', async () => {
    const open = join(work, 'open-daemon-folder');
    await mkdir(open, { recursive: true, mode: 0o755 });
    await chmod(open, 0o755);
    const quiet = await zerr(['verify', CLAMP, 'good.ts'], { env: { ZERR_DAEMON: '', ZERR_DAEMON_DIR: open } });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    const told = await zerr(['--log-level', 'warn', 'verify', CLAMP, 'good.ts'], { env: { ZERR_DAEMON: '', ZERR_DAEMON_DIR: open } });
    expect(told.code, told.stderr).toBe(0);
    const line = JSON.parse(told.stderr.trim()) as { level: number; msg: string; reason: string };
    expect(line).toMatchObject({ level: 40, msg: 'analysis daemon not used: type checks and lints run in this process' });
    expect(line.reason).toBe(`no place for the analysis daemon's socket: ${open} is open to other users (mode 755; expected 700)`);
  }, 60_000);

  it('zerr daemon stop ends it; status says so; start brings it back and says when it already runs', async () => {
    const stopped = await zerr(['daemon', 'stop', '--json'], { env: daemonEnv() });
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: true });
    expect(await status()).toMatchObject({ running: false });
    const again = await zerr(['daemon', 'stop'], { env: daemonEnv() });
    expect(again.stdout).toMatch(/^nothing to stop: no analysis daemon answers on /);
    const start = await zerr(['daemon', 'start', '--json', '--idle-timeout', '60'], { env: daemonEnv() });
    expect(start.code, start.stderr).toBe(0);
    expect(JSON.parse(start.stdout)).toMatchObject({ alreadyRunning: false, idleTimeoutMs: 60_000 });
    const human = await zerr(['daemon', 'start'], { env: daemonEnv() });
    expect(human.stdout).toMatch(/^analysis daemon already running: pid \d+, socket /);
    expect((await zerr(['daemon', 'status'], { env: daemonEnv() })).stdout).toMatch(/^analysis daemon running: pid \d+, up \d+ s, 0 requests \(no request yet\)/);
  }, 120_000);
});

