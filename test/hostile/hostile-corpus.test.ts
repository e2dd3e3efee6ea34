/**
 * @module test/hostile/hostile-corpus
 * Runs every hostile candidate of `test/fixtures/hostile/` through the real verification pipeline
 * (`createDefaultVerifier` on a real `BwrapSandbox`, unit tests from the spec) and checks, per fixture, the
 * verdict in {@link EXPECTED}, and, for the whole corpus, that nothing reached the host: no marker files in the
 * host folder, /tmp, the home folder or /; no connection to the loopback server; the engine's secret in no
 * result; no stray process carrying a fixture's marker; the test process alive and responsive.
 *
 * Placeholders the test substitutes in each fixture: `__MARKER__` (unique per fixture), `__HOST_DIR__` (a host
 * folder, mode 0777), `__PORT__` (the loopback server), `__SECRET_NAME__`, `__HOME__`, `__REPO__`.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../src/sandbox/index.js';
import { TaskSpecSchema, type TaskSpec } from '../../src/task-spec/task-spec.js';
import { createDefaultVerifier } from '../../src/verify/create-default-verifier.js';
import type { VerificationReport } from '../../src/verify/verifier.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(HERE, '../fixtures/hostile');
const REPO = resolve(HERE, '../..');

/**
 * Expected verdict of the `unit-tests` layer per fixture (the layer that executes the candidate; the pipeline runs
 * with `runAll` so it always does): `pass` = the attack was contained and add is still right; `fail` = the reason
 * matches. Static layers before it (security, static-analysis) may reject the source as well; that is recorded in
 * the printed table, not asserted: containment must hold even for code that a static check would let through.
 */
interface Expectation {
  readonly verdict: 'pass' | 'fail';
  /** Matches the unit-tests layer's reason. */
  readonly reason?: RegExp;
  /** Contained how (documentation; shown in the table the test prints). */
  readonly by: string;
  /** Runs alone (shares RLIMIT_NPROC of host uid 65534 with concurrent runs). */
  readonly exclusive?: boolean;
}

const TEST_1_WRONG = /^test 1: .*returned -1, expected 3/;
/** The table: every fixture file must appear here, and every entry must have a file. */
const EXPECTED: Readonly<Record<string, Expectation>> = {
  't01-read-host-files.ts': { verdict: 'pass', by: 'sealed vm context (no process); bwrap: no /etc, /root, /home, /work' },
  't02-write-host.ts': { verdict: 'pass', by: 'sealed vm context; permission model (no fs write); bwrap mount ns' },
  't03-socket-loopback.ts': { verdict: 'pass', by: 'sealed vm context; bwrap net namespace' },
  't04-dns-http.ts': { verdict: 'pass', by: 'no fetch/require in context; bwrap net namespace' },
  't05-child-process.ts': { verdict: 'pass', by: 'sealed vm context; permission model (no child processes)' },
  't06-worker-threads.ts': { verdict: 'pass', by: 'sealed vm context; permission model (no workers)' },
  't07-env-secret.ts': { verdict: 'pass', by: 'no process in context; bwrap --clearenv, pid namespace' },
  't08-infinite-loop.ts': { verdict: 'fail', reason: /timed out after 1000 ms/, by: 'vm per-call timeout' },
  't09-never-settles.ts': { verdict: 'fail', reason: /timed out after 1000 ms/, by: 'per-call promise timer' },
  't10-memory-bomb.ts': { verdict: 'fail', reason: /timed out|crashed|RangeError|memory/i, by: 'V8 heap limit / vm timeout' },
  't11-output-flood.ts': { verdict: 'pass', by: 'console is a no-op created inside the context: nothing reaches the host (the output cap stays behind it)' },
  't12-timer-keepalive.ts': { verdict: 'pass', by: 'no timers in context; harness process.exit after the result' },
  't13-prototype-pollution.ts': { verdict: 'fail', reason: TEST_1_WRONG, by: 'pollution stays in the sealed context' },
  't14-fake-exit.ts': { verdict: 'fail', reason: TEST_1_WRONG, by: 'process.exit unreachable from the context' },
  't15-forge-result-line.ts': { verdict: 'fail', reason: TEST_1_WRONG, by: 'no output path from the context; outcomes are values only, judged outside' },
  't16-kill-parent.ts': { verdict: 'pass', by: 'no process in context; bwrap pid namespace' },
  't17-stack-trace-escape.ts': { verdict: 'pass', by: 'strict host frames: CallSite getThis/getFunction give nothing' },
  't18-thenable-callback-escape.ts': { verdict: 'pass', by: 'settle callbacks are context closures' },
  'p01-read-host-files.py': { verdict: 'pass', by: 'bwrap: only /usr (ro), private /tmp,/dev,/proc; tmpfs work folder' },
  'p02-write-host.py': { verdict: 'pass', by: 'bwrap mount ns: host folder/home absent, / read-only, /tmp private' },
  'p03-socket-loopback.py': { verdict: 'pass', by: 'bwrap net namespace (loopback down)' },
  'p04-dns-http.py': { verdict: 'pass', by: 'bwrap net namespace, no /etc/resolv.conf' },
  'p05-subprocess.py': { verdict: 'pass', by: 'children stay in the sandbox; pid ns dies with the run' },
  'p06-env-secret.py': { verdict: 'pass', by: '--clearenv; pid namespace hides host /proc/<pid>' },
  'p07-infinite-loop.py': { verdict: 'fail', reason: /timed out after 1000 ms/, by: 'per-call SIGALRM' },
  'p08-ignore-signals.py': { verdict: 'fail', reason: /\(timeout\)/, by: 'host-side per-call deadline (perCall + 1 s) kills the process' },
  'p09-memory-bomb.py': { verdict: 'fail', reason: /MemoryError|crashed|timed out/, by: 'RLIMIT_AS' },
  'p10-fork-bomb.py': { verdict: 'fail', reason: /timeout|timed out|crashed|BlockingIOError/, by: 'RLIMIT_NPROC + wall clock + pid ns', exclusive: true },
  'p11-output-flood.py': { verdict: 'fail', reason: /\(output-limit\)/, by: 'output cap' },
  'p12-fake-exit.py': { verdict: 'fail', reason: /\(crashed\).*ended during a call/, by: 'no outcome line for the call = crash' },
  'p13-forge-guess.py': { verdict: 'fail', reason: TEST_1_WRONG, by: 'printed lines go to stderr (the protocol runs on private fds); verdicts are decided outside the process' },
  'p14-forge-frames.py': {
    verdict: 'fail',
    reason: TEST_1_WRONG,
    by: 'the harness only sends values: a forged outcome document is not the protocol (and would be no more than returning a value); the verdict is the engine\'s',
  },
  'p15-symlink-escape.py': { verdict: 'pass', by: 'links resolve in the sandbox mount ns; work folder is a tmpfs' },
  'p16-kill-parent.py': {
    verdict: 'pass',
    by: 'seccomp denies ptrace (EPERM), and SIGKILL of the parent or pid 1 reaches only the sandbox init, which ignores it: the call still returns a + b',
  },
  'p17-huge-files.py': { verdict: 'pass', by: 'RLIMIT_FSIZE + size-capped tmpfs (fix in bwrap-args.ts)' },
  'p18-proc-mountinfo.py': { verdict: 'pass', by: 'host paths named in mountinfo do not exist in the mount ns' },
  'p19-dev-tcp.py': { verdict: 'pass', by: 'bwrap net namespace' },
  'p20-sleep-past-wall.py': { verdict: 'fail', reason: /timed out after 1000 ms/, by: 'per-call SIGALRM interrupts sleep' },
  'p21-keepalive-threads.py': { verdict: 'pass', by: 'os._exit after the result; pid ns killed with bwrap init' },
};

function addSpec(language: 'typescript' | 'python'): TaskSpec {
  const ts = language === 'typescript';
  return TaskSpecSchema.parse({
    id: `hostile/add-${language}`,
    name: 'add',
    description: 'Return the sum of two integers.',
    language,
    signature: {
      entryPoint: 'add',
      inputs: [
        { name: 'a', type: ts ? 'number' : 'int' },
        { name: 'b', type: ts ? 'number' : 'int' },
      ],
      output: { type: ts ? 'number' : 'int' },
    },
    testCases: [
      { inputs: [1, 2], expected: 3 },
      { inputs: [-5, 5], expected: 0 },
      { inputs: [10, 20], expected: 30 },
    ],
    limits: { timeoutMs: 1000 },
  });
}

interface Outcome {
  readonly file: string;
  readonly marker: string;
  readonly report: VerificationReport;
  readonly strays: readonly string[];
  readonly ms: number;
}

const sandbox = new BwrapSandbox();
// pyright (python-types) checks nothing the sandbox contains; left out to keep the corpus fast.
const verifier = createDefaultVerifier({
  sandbox,
  runner: new SandboxCandidateRunner({ sandbox, startupAllowanceMs: 2000 }),
  pythonTypes: false,
});
const secretName = 'ZERR_HOSTILE_SECRET';
const secretValue = `s3cr3t-${randomBytes(12).toString('hex')}`;
const runId = randomBytes(4).toString('hex');
const files = readdirSync(FIXTURES).filter((f) => /\.(ts|py)$/.test(f)).sort();
const outcomes = new Map<string, Outcome>();
let hostDir = '';
let server: Server;
let port = 0;
let connections = 0;

function processesWith(marker: string): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
}

async function runFixture(file: string): Promise<Outcome> {
  const marker = `zerrhostile${runId}${file.replace(/\W/g, '')}`;
  const code = readFileSync(join(FIXTURES, file), 'utf8')
    .replaceAll('__MARKER__', marker)
    .replaceAll('__HOST_DIR__', hostDir)
    .replaceAll('__PORT__', String(port))
    .replaceAll('__SECRET_NAME__', secretName)
    .replaceAll('__HOME__', homedir())
    .replaceAll('__REPO__', REPO);
  const language = file.endsWith('.ts') ? 'typescript' : 'python';
  const started = performance.now();
  const report = await verifier.verify({ spec: addSpec(language), candidate: { language, code } }, { runAll: true });
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 100)); // let a killed tree finish dying
  return { file, marker, report, strays: processesWith(marker), ms };
}

beforeAll(async () => {
  process.env[secretName] = secretValue;
  hostDir = mkdtempSync(join(tmpdir(), 'zerr-hostile-host-'));
  chmodSync(hostDir, 0o777); // only isolation, not file modes, may keep the sandbox out
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as { port: number }).port;
  const queue = files.filter((f) => EXPECTED[f]?.exclusive !== true);
  const workers = Array.from({ length: 4 }, async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) outcomes.set(file, await runFixture(file));
  });
  await Promise.all(workers);
  for (const file of files.filter((f) => EXPECTED[f]?.exclusive === true)) outcomes.set(file, await runFixture(file));
  const rows = [...outcomes.values()].map((o) => {
    const failed = o.report.results.find((r) => r.status === 'fail');
    const unit = o.report.results.find((r) => r.layer === 'unit-tests');
    const first = failed ? `first fail: ${failed.layer}` : 'all layers pass';
    return `${o.file.padEnd(34)} ${first.padEnd(28)} ${String(Math.round(o.ms)).padStart(6)} ms  unit-tests ${unit?.status ?? '-'}: ${(unit?.reason ?? '').slice(0, 80)}`;
  });
  console.log(`hostile corpus (${files.length} fixtures):\n${rows.sort().join('\n')}`);
}, 600_000);

afterAll(async () => {
  delete process.env[secretName];
  server.close();
  await sandbox.close();
  rmSync(hostDir, { recursive: true, force: true });
});

describe('hostile corpus', () => {
  test('the table covers every fixture, and there are at least 25 in both languages', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(files.filter((f) => f.endsWith('.ts')).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((f) => f.endsWith('.py')).length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(EXPECTED).sort()).toEqual(files);
    for (const file of files) expect(readFileSync(join(FIXTURES, file), 'utf8')).toMatch(/^(\/\*\*\n \* |# )Hostile fixture: /);
  });

  test.each(files)('%s: verdict as in the table, with a reason, no stray processes', (file) => {
    const outcome = outcomes.get(file);
    const expected = EXPECTED[file];
    expect(outcome).toBeDefined();
    expect(expected).toBeDefined();
    if (outcome === undefined || expected === undefined) return;
    const unitTests = outcome.report.results.find((r) => r.layer === 'unit-tests');
    expect(unitTests).toBeDefined();
    for (const result of outcome.report.results) expect(result.reason.length).toBeGreaterThan(0);
    const reasons = outcome.report.results.map((r) => `${r.layer}: ${r.reason}`).join('\n');
    expect(reasons).not.toContain('ESCAPED');
    if (expected.verdict === 'pass') {
      expect(unitTests?.status, reasons).toBe('pass');
      expect(unitTests?.reason).toBe('all 3 tests passed');
    } else {
      expect(unitTests?.status, reasons).toBe('fail');
      expect(unitTests?.reason).toMatch(expected.reason ?? /./);
      expect(outcome.report.passed).toBe(false);
    }
    expect(outcome.strays).toEqual([]);
  });

  test('nothing reached the host file system', () => {
    expect(readdirSync(hostDir)).toEqual([]);
    for (const outcome of outcomes.values()) {
      for (const path of [join('/tmp', outcome.marker), join(homedir(), outcome.marker), join('/', outcome.marker), join(REPO, outcome.marker)]) {
        expect(existsSync(path), path).toBe(false);
      }
    }
  });

  test('the loopback server saw no connection, and still accepts the test process', async () => {
    expect(connections).toBe(0);
    await new Promise<void>((ok, fail) => connect(port, '127.0.0.1', ok).on('error', fail));
    await new Promise((r) => setTimeout(r, 50));
    expect(connections).toBe(1);
  });

  test('the secret appears in no report', () => {
    expect(outcomes.size).toBe(files.length);
    for (const outcome of outcomes.values()) expect(JSON.stringify(outcome.report)).not.toContain(secretValue);
  });

  test('the test process is alive and responsive', async () => {
    expect(process.kill(process.pid, 0)).toBe(true);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 10));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
