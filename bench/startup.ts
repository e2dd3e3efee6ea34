/**
 * @module bench/startup
 * `startup` (issue 13 #8): wall time of short `zerr` commands as a user runs them - a fresh `node bin/zerr.js`
 * process each time, from spawn to exit - against the targets `zerr spec check` <= 0.5 s and one `zerr verify` of a
 * TypeScript candidate <= 1.5 s on an idle 2-core machine. Commands run round-robin (each round runs every command
 * once) so that load changes touch all of them alike; the 1-minute load average is reported at the start and end.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Benchmark, BenchReport } from './lib/benchmark.js';
import { round1, spread } from './verify/sample.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const CLAMP_SPEC = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const CLAMP_TS = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n';
const PY_SPEC = [
  'id: add', 'name: add', 'description: Add two integers.', 'language: python',
  'signature: { entryPoint: add, inputs: [{ name: a, type: int }, { name: b, type: int }], output: { type: int } }',
  'testCases: [{ inputs: [1, 2], expected: 3 }]', '',
].join('\n');

/** One measured command: its label, arguments and target wall time (ms), if the issue sets one. */
interface Command {
  readonly label: string;
  readonly args: (work: string) => readonly string[];
  readonly targetMs?: number;
  /** Run `node <args>` rather than `node bin/zerr.js <args>`. */
  readonly bare?: boolean;
  /** Extra environment of each run (called once per run). */
  readonly env?: (work: string) => Promise<NodeJS.ProcessEnv>;
  /** Untimed clean-up after each run, with that run's environment (stops the analysis daemon a first run started). */
  readonly after?: (env: NodeJS.ProcessEnv, work: string) => Promise<void>;
}

/** A fresh, empty code-cache folder: the run compiles TypeScript as a user's very first run does. */
async function noCodeCache(work: string): Promise<NodeJS.ProcessEnv> {
  return { ZERR_CACHE_DIR: await mkdtemp(join(work, 'code-cache-')) };
}

/** The analysis daemon of the warm rows: one private socket folder for the whole benchmark. */
async function warmDaemon(work: string): Promise<NodeJS.ProcessEnv> {
  return { ZERR_DAEMON: 'on', ZERR_DAEMON_DIR: join(work, 'daemon') };
}

/** A user's very first verify: no daemon yet (a fresh socket folder) and an empty code-cache folder. */
async function firstRun(work: string): Promise<NodeJS.ProcessEnv> {
  return { ...(await noCodeCache(work)), ZERR_DAEMON: 'on', ZERR_DAEMON_DIR: await mkdtemp(join(work, 'daemon-')) };
}

/** Stops the analysis daemon of `env` (untimed), so that daemons started by first runs do not pile up. */
async function stopDaemon(env: NodeJS.ProcessEnv, work: string): Promise<void> {
  await new Promise<void>((done) => {
    execFile(process.execPath, [BIN, 'daemon', 'stop'], { cwd: work, env: { ...process.env, ...env }, timeout: 30_000 }, () => { done(); });
  });
}

const COMMANDS: readonly Command[] = [
  { label: 'node -e 0 (no zerr: the machine\'s speed, for reference)', args: () => ['-e', '0'], bare: true },
  { label: 'zerr --help', args: () => ['--help'] },
  { label: 'zerr spec check (TypeScript spec)', args: () => ['spec', 'check', CLAMP_SPEC], targetMs: 500 },
  { label: 'zerr spec check (Python spec)', args: (work) => ['spec', 'check', join(work, 'add.yaml')], targetMs: 500 },
  { label: 'zerr runs list', args: (work) => ['runs', 'list', '--store', join(work, 'runs.sqlite')] },
  { label: 'zerr keys create', args: (work) => ['keys', 'create', '--name', 'bench', '--store', join(work, 'runs.sqlite')] },
  { label: 'zerr verify (TypeScript candidate, 8 layers; analysis daemon running)', args: (work) => ['verify', CLAMP_SPEC, join(work, 'clamp.ts')], env: warmDaemon, targetMs: 1500 },
  { label: 'zerr verify --no-daemon (analysis worker in the process)', args: (work) => ['verify', CLAMP_SPEC, join(work, 'clamp.ts'), '--no-daemon'] },
  { label: 'zerr verify, first run (starts the daemon; empty code cache)', args: (work) => ['verify', CLAMP_SPEC, join(work, 'clamp.ts')], env: firstRun, after: stopDaemon },
];

async function timeOnce(command: Command, work: string): Promise<{ ms: number; code: number; stderr: string }> {
  const args = command.args(work);
  const extra = (await command.env?.(work)) ?? {};
  const env = { ...process.env, CI: '1', ZERR_MODEL: '', ZERR_DAEMON: 'off', ...extra };
  const started = performance.now();
  const result = await new Promise<{ ms: number; code: number; stderr: string }>((done) => {
    execFile(process.execPath, command.bare === true ? args : [BIN, ...args], { cwd: work, env, timeout: 120_000 }, (error, _stdout, stderr) => {
      done({ ms: performance.now() - started, code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr });
    });
  });
  await command.after?.(extra, work);
  return result;
}

/** The benchmark. */
export const benchmark: Benchmark = {
  name: 'startup',
  description: 'Wall time of short zerr commands in a fresh process each (spawn to exit), round-robin, against the targets: spec check <= 0.5 s, verify <= 1.5 s on an idle 2-core machine.',
  async run(context): Promise<BenchReport> {
    const rounds = context.quick ? 1 : 10;
    const work = await mkdtemp(join(tmpdir(), 'zerr-startup-'));
    const loadAtStart = loadavg()[0] ?? 0;
    const times = new Map<string, number[]>(COMMANDS.map((c) => [c.label, []]));
    try {
      await writeFile(join(work, 'clamp.ts'), CLAMP_TS);
      await writeFile(join(work, 'add.yaml'), PY_SPEC);
      // One untimed round (not in the quick form): OS file cache, the bwrap probe's binaries, the store file created.
      if (!context.quick) for (const command of COMMANDS) await timeOnce(command, work);
      for (let round = 0; round < rounds; round++) {
        for (const command of COMMANDS) {
          const result = await timeOnce(command, work);
          if (result.code !== 0) throw new Error(`startup: \`zerr ${command.args(work).join(' ')}\` exited ${result.code}: ${result.stderr.trim().slice(-400)}`);
          times.get(command.label)?.push(result.ms);
        }
        context.log(`round ${round + 1}/${rounds}: ${COMMANDS.map((c) => `${c.label.split(' (')[0]} ${Math.round(times.get(c.label)?.at(-1) ?? 0)} ms`).join(', ')}`);
      }
    } finally {
      await stopDaemon(await warmDaemon(work), work);
      await rm(work, { recursive: true, force: true });
    }
    const loadAtEnd = loadavg()[0] ?? 0;
    const rows = COMMANDS.map((command) => {
      const s = spread(times.get(command.label) ?? []);
      const verdict = command.targetMs === undefined ? '-' : s.median <= command.targetMs ? 'met' : 'missed';
      return [command.label, s.n, s.median, s.p10, s.p90, command.targetMs ?? '-', verdict];
    });
    return {
      config: { rounds, quick: context.quick, loadAverage1m: { start: round1(loadAtStart), end: round1(loadAtEnd) }, cores: cpus().length },
      seeds: {},
      figures: Object.fromEntries(COMMANDS.map((c) => [c.label, spread(times.get(c.label) ?? [])])),
      tables: [{ title: 'Wall time per command, fresh process (ms)', columns: ['command', 'runs', 'median', 'p10', 'p90', 'target', 'target met'], rows }],
      notes: [
        `1-minute load average ${round1(loadAtStart)} at the start, ${round1(loadAtEnd)} at the end (${cpus().length} cores). The targets are for an idle machine: with a load above the core count the figures are inflated.`,
        'Each command is `node bin/zerr.js ...` (the built CLI in dist/), timed from spawn to exit, one untimed warm-up round first (OS file cache).',
        '`zerr verify` runs all eight layers in the bubblewrap sandbox. Its type check and lints (TypeScript, its lib, ESLint: about 1 CPU-s to load) go to the analysis daemon (decision 016), which keeps them loaded between commands; the first row is a verify with the daemon running (started by the warm-up round), as every verify after a user\'s first finds it. `--no-daemon` starts the analysis worker thread in the process instead, first, from the candidate file\'s extension. The sandbox\'s probe and a harness process for the candidate start at once, on the other core, while the spec and the modules load. TypeScript loads from a V8 code cache in the user\'s cache folder (`task-spec/v8-code-cache.ts`).',
        'The last row is a user\'s very first verify: no daemon yet (the run starts it and waits for it to answer) and an empty code-cache folder; the daemon it started is stopped after each such run, untimed.',
        '`spec check` of the TypeScript spec (clamp, precondition `low <= high`) evaluates the precondition on the visible and 100 generated inputs with the fast path\'s evaluator, without a sandbox (decision 011); a precondition off the fast path runs in the sandboxed judge (about 0.25 s more). The Python spec has none. Neither loads the spinner library (ora, about 80 ms), which only a terminal gets.',
      ],
    };
  },
};
