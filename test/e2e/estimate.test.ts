/**
 * End-to-end tests of `zerr estimate` as users run it: the built CLI (`bin/zerr.js` -> dist/) in a child process;
 * the pilot solves a YAML spec through the replay provider with the real bubblewrap sandbox and a real SQLite store.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const DATA = resolve(ROOT, '..', 'shared');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');

interface CliResult { code: number; stdout: string; stderr: string }

let work: string;
function zerr(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], {
      cwd: work, env: { ...process.env, ZERR_DATA_DIR: DATA, ZERR_STORE: join(work, 'runs.sqlite'), CI: '1', ZERR_MODEL: '', ...env },
      maxBuffer: 32 * 1024 * 1024, timeout: 240_000,
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

/** The closed forms (MAKER §3.2), written out here independently of the engine. */
const perStep = (p: number, k: number) => 1 / (1 + ((1 - p) / p) ** k);
function kMinByCounting(p: number, steps: number, target: number): number {
  let k = 1;
  while (perStep(p, k) ** steps < target) k += 1;
  return k;
}

interface EstimateJson {
  input: { steps: number; p: number; validRate: number; parallelism: number } | null;
  pilot: { runId: string; samples: number; verified: number; largestClassVotes: number; p: number | null; validRate: number | null } | null;
  estimate: { kMin: number; expectedCalls: number; expectedCallsPerStep: number; expectedCostUsd: number; expectedWallMs: number; successProbability: number } | null;
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'commands', 'estimate.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-e2e-estimate-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr estimate from --steps and --p', () => {
  it("MAKER's Towers of Hanoi numbers as JSON: k_min 3, success >= the target", { timeout: 120_000 }, async () => {
    const result = await zerr(['estimate', '--steps', '1048575', '--p', '0.9978', '--target', '0.95', '--usd-in', '0.4', '--usd-out', '1.6', '--parallel', '8', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as EstimateJson;
    expect(report.pilot).toBeNull();
    expect(report.input).toMatchObject({ steps: 1_048_575, p: 0.9978, validRate: 1, parallelism: 8 });
    expect(report.estimate?.kMin).toBe(3);
    expect(report.estimate?.successProbability).toBeCloseTo(perStep(0.9978, 3) ** 1_048_575, 10);
    expect(report.estimate?.successProbability).toBeGreaterThanOrEqual(0.95);
    const calls = report.estimate?.expectedCalls ?? 0;
    expect(calls).toBeGreaterThan(3 * 1_048_575 * 0.99);
    expect(report.estimate?.expectedCostUsd).toBeCloseTo((calls * 400 * 0.4 + calls * 200 * 1.6) / 1e6, 6);
    expect(report.estimate?.expectedWallMs).toBeCloseTo((calls * 1000) / 8, 3);
  });

  it('prints a table by default', { timeout: 120_000 }, async () => {
    const result = await zerr(['estimate', '--steps', '100', '--p', '0.9']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^estimate: 100 step\(s\) at p = 0\.9/);
    expect(result.stdout).toMatch(new RegExp(`k_min\\s+${kMinByCounting(0.9, 100, 0.95)}\\n`));
    expect(result.stdout).toMatch(/expected calls\s+\d/);
    expect(result.stdout).toMatch(/expected wall time\s+/);
  });

  it('bad numbers exit 3 naming the flag', { timeout: 300_000 }, async () => {
    const cases: [string[], string][] = [
      [['--steps', '10', '--p', 'abc'], '--p'],
      [['--steps', '10', '--p', '0.4'], '--p'],
      [['--steps', '0', '--p', '0.9'], '--steps'],
      [['--steps', '10', '--p', '0.9', '--target', '1.5'], '--target'],
      [['--steps', '10', '--p', '0.9', '--parallel', '0'], '--parallel'],
      [['--steps', '10', '--p', '0.9', '--usd-in=-1'], '--usd-in'],
      [['--steps', '10', '--p', '0.9', '--tokens-out', 'many'], '--tokens-out'],
      [['--steps', '10', '--p', '0.9', '--call-latency-ms=-5'], '--call-latency-ms'],
    ];
    const results = await Promise.all(cases.map(([args]) => zerr(['estimate', ...args])));
    for (const [index, [args, flag]] of cases.entries()) {
      const result = results[index] as CliResult;
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(3);
      expect(result.stderr, args.join(' ')).toContain(flag);
      expect(result.stdout).toBe('');
    }
  });

  it('requirements text without --steps, and no --steps at all, exit 3 saying what to pass', { timeout: 180_000 }, async () => {
    const text = await zerr(['estimate', 'a todo list with due dates']);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain('estimating from requirements needs a model to decompose them (--model <uri>), or the number of steps (--steps N)');
    const none = await zerr(['estimate', '--p', '0.9']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('--steps is required');
    const noP = await zerr(['estimate', '--steps', '5']);
    expect(noP.code).toBe(3);
    expect(noP.stderr).toContain('--p is required');
  });
});

describe('zerr estimate --spec: p measured by a pilot', () => {
  // Ten recorded chat answers for clamp.yaml: six correct (three spellings of one behaviour), two that overfit the
  // visible tests (all with high = 10) and so form a second class, and two refusals (red-flagged).
  const correct = [
    'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n',
    'function clamp(x: number, low: number, high: number): number {\n  if (x < low) return low;\n  if (x > high) return high;\n  return x;\n}\n',
    'function clamp(x: number, low: number, high: number): number {\n  return x < low ? low : x > high ? high : x;\n}\n',
  ];
  const overfit = 'function clamp(x: number, low: number, high: number): number {\n  if (high === 10) return Math.min(Math.max(x, low), high);\n  return x;\n}\n';
  const fence = (code: string) => `Here it is:\n\`\`\`typescript\n${code}\`\`\`\n`;
  const completions = [...correct, ...correct, overfit, overfit, 'I cannot help with that.', "I'm sorry, I can't do that."].map((text) =>
    text.startsWith('function') ? fence(text) : text);

  it('measures p = largest class / verified and the valid rate, then estimates --steps', { timeout: 300_000 }, async () => {
    const replay = join(work, 'clamp-replay.jsonl');
    await writeFile(replay, `${JSON.stringify({ taskId: 'clamp', style: 'full-code', completions })}\n`);
    const result = await zerr(['estimate', '--spec', CLAMP, '--model', `replay:${replay}`, '--steps', '100', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as EstimateJson;
    expect(report.pilot).toMatchObject({ samples: 10, verified: 8, largestClassVotes: 6, p: 0.75, validRate: 0.8 });
    expect(report.input).toMatchObject({ steps: 100, p: 0.75, validRate: 0.8 });
    expect(report.estimate?.kMin).toBe(kMinByCounting(0.75, 100, 0.95));
    const rk = (1 / 3) ** (report.estimate?.kMin ?? 0);
    const votesPerStep = ((report.estimate?.kMin ?? 0) / 0.5) * ((1 - rk) / (1 + rk));
    expect(report.estimate?.expectedCallsPerStep).toBeCloseTo(votesPerStep / 0.8, 9);

    // The pilot is a recorded run like any other.
    const show = await zerr(['runs', 'show', report.pilot?.runId ?? '', '--json']);
    expect(show.code, show.stderr).toBe(0);
    const run = JSON.parse(show.stdout) as { kind: string; samples: unknown[]; votes: unknown[] };
    expect(run).toMatchObject({ kind: 'estimate-pilot' });
    expect(run.samples).toHaveLength(10);
    expect(run.votes).toHaveLength(8);

    // Human output names the measured p before the estimate; --steps defaults to 1.
    const human = await zerr(['estimate', '--spec', CLAMP, '--model', `replay:${replay}`, '--pilot-samples', '10']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('measured p = 0.75, valid rate = 0.8');
    expect(human.stdout).toMatch(/estimate: 1 step\(s\) at p = 0\.75/);
    expect(human.stdout.indexOf('measured p')).toBeLessThan(human.stdout.indexOf('k_min'));
  });

  it('--spec needs a model; --spec and --p together are refused; exit 3', { timeout: 180_000 }, async () => {
    const noModel = await zerr(['estimate', '--spec', CLAMP]);
    expect(noModel.code).toBe(3);
    expect(noModel.stderr).toContain('--model');
    const both = await zerr(['estimate', '--spec', CLAMP, '--p', '0.9', '--model', 'replay:codet']);
    expect(both.code).toBe(3);
    expect(both.stderr).toContain('not both');
  });

  it('decomposes free-text requirements with the model (one step per subtask) and pilots the first independent subtask', { timeout: 300_000 }, async () => {
    const fixtures = join(ROOT, 'test', 'fixtures', 'build');
    const requirements = await readFile(join(fixtures, 'text-stats.requirements.md'), 'utf8');
    const result = await zerr(['estimate', requirements, '--model', `replay:${join(fixtures, 'text-stats.replay.jsonl')}?seed=5`, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as {
      decomposition: { outcome: string; steps: string[] }; pilot: { taskId: string; samples: number; verified: number; p: number; validRate: number };
      input: { steps: number }; estimate: { kMin: number };
    };
    expect(output.decomposition.outcome).toBe('consensus');
    expect([...output.decomposition.steps].sort()).toEqual(['average-word-length', 'count-words', 'longest-word', 'split-words']);
    expect(output.input.steps).toBe(4);
    // split-words is the one subtask without dependencies: 6 recorded answers, 4 equivalent ones verified.
    expect(output.pilot).toMatchObject({ taskId: 'split-words', samples: 6, verified: 4, p: 1 });
    expect(output.pilot.validRate).toBeCloseTo(4 / 6, 10);
    expect(output.estimate.kMin).toBeGreaterThanOrEqual(1);
  });
});
