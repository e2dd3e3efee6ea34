/**
 * @module cli/commands/demo
 * `zerr demo`: the README's main job. Solves a handful of HumanEval problems with the replay provider serving the
 * CodeT authors' recorded CodeGen-Mono-16B samples (real model outputs, not a live model), then scores each chosen
 * candidate on the hidden HumanEval tests and prints it beside random choice among the same 100 samples.
 * The hidden tests and the recorded pass labels are used only for this scoring, after the choice is made.
 */
import type { Command } from 'commander';
import type { BenchmarkProblem, Sandbox, SolveTaskResult } from '../../index.js';
import { openEngine } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { integer, positiveInt } from '../option-parsers.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';
import { withInterrupts } from '../interrupts.js';
import { ProgressDisplay } from '../progress-display.js';
import { formatTable } from '../text-table.js';
import { loadRandomChoiceBaseline } from './demo-baseline.js';

/** Problems the demo solves by default: the first eight HumanEval problems (not hand-picked). */
export const DEFAULT_DEMO_PROBLEMS = Array.from({ length: 8 }, (_, index) => `HumanEval/${index}`);

interface DemoOptions extends ModelCallFlags {
  redis?: string;
  problems?: string;
  k: number;
  maxSamples: number;
  seed: number;
  store?: string;
  dataDir?: string;
  json?: boolean;
  unsafeNoSandbox?: boolean;
  pythonTypes?: boolean;
}

/** One row of the demo table. */
export interface DemoRow {
  readonly problem: string;
  readonly outcome: string;
  readonly chosenClassVotes: number;
  readonly runnerUpVotes: number;
  readonly samples: number;
  readonly redFlagged: number;
  readonly failedVerification: number;
  readonly visibleTests: number;
  readonly passedHiddenTests: boolean | null;
  /** Share of the 100 recorded samples that pass the hidden tests: the expected pass@1 of random choice. */
  readonly randomChoicePassRate: number | null;
}

/** Registers `demo` on `program`. */
export function registerDemoCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(program
    .command('demo')
    .description('Solve HumanEval problems from recorded real CodeGen-16B samples (replay provider) and score the choices on the hidden tests')
    .option('--problems <ids>', 'comma-separated HumanEval ids, or "all" (default HumanEval/0..7)')
    .option('-k, --k <n>', 'first-to-ahead-by-k margin', positiveInt('--k'), 3)
    .option('--max-samples <n>', 'sample budget per problem (at most 100 recorded)', positiveInt('--max-samples'), 20)
    .option('--seed <n>', 'seed of the replay order and generated inputs', integer('--seed'), 42)
    .option('--store <file>', 'run store path (default <project>/.zerr/runs.sqlite)')
    .option('--data-dir <dir>', 'folder holding recorded/ and bench/ (default ../shared, env ZERR_DATA_DIR)')
    .option('--python-types', 'also type-check the Python candidates with pyright (off in the demo: 1.5-4.5 s per candidate)')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--redis <url>', 'scale-out: the samples go to zerr worker processes (--model "replay:codet?seed=<seed>" --no-python-types) through this Redis')
    .option('--json', 'print the rows as JSON on stdout'))
    .action(async (options: DemoOptions) => {
      const dataOptions = options.dataDir === undefined ? {} : { dataDir: options.dataDir };
      const ids = options.problems === undefined ? DEFAULT_DEMO_PROBLEMS
        : options.problems === 'all' ? Array.from({ length: 164 }, (_, index) => `HumanEval/${index}`)
        : options.problems.split(',').map((id) => id.trim()).filter((id) => id !== '');
      const { resolveDatasetProblem } = await loadEngineApi();
      const problems: BenchmarkProblem[] = [];
      for (const id of ids) problems.push(await resolveDatasetProblem(`codet:${id}`, { ...dataOptions, visibleExamples: true }));
      const baseline = await loadRandomChoiceBaseline(dataOptions);
      const model = `replay:codet?seed=${options.seed}`;
      const { engine, sandbox } = await openEngine({
        model, unsafeNoSandbox: options.unsafeNoSandbox === true, pythonTypes: options.pythonTypes === true,
        ...(options.store === undefined ? {} : { store: options.store }), ...dataOptions, ...modelCallOptionsOf(options),
        ...(options.redis === undefined ? {} : { redis: options.redis }),
      });
      const progress = await ProgressDisplay.create({ enabled: options.json !== true });
      engine.on(progress.onEvent);
      try {
        if (options.json !== true) {
          process.stderr.write(
            `zerr demo: ${problems.length} HumanEval problems, recorded CodeGen-Mono-16B samples (CodeT, temperature 0.8) served by the replay provider.\n` +
            'This is recorded real model output, not a live model: to solve your own tasks, pass --model to `zerr solve` (see README).\n' +
            `Verification: syntax, ${options.pythonTypes === true ? 'types (pyright)' : 'types skipped (pyright off; --python-types turns it on)'}, security, static analysis, unit tests (docstring examples), contracts, properties.\n`,
          );
        }
        const { runId, results } = await withInterrupts((signal) => engine.run(problems.map((problem) => problem.spec), {
          kind: 'demo', k: options.k, maxSamples: options.maxSamples, seed: options.seed, signal,
        }));
        const rows: DemoRow[] = [];
        for (const [index, result] of results.entries()) {
          const problem = problems[index] as BenchmarkProblem;
          rows.push(await demoRow(problem, result, sandbox, baseline.get(problem.spec.id) ?? null));
        }
        progress.stop();
        if (options.json === true) process.stdout.write(`${JSON.stringify({ runId, model, k: options.k, maxSamples: options.maxSamples, rows }, null, 2)}\n`);
        else process.stdout.write(await formatDemoTable(runId, rows));
        setExit(ExitCode.ok);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

async function demoRow(
  problem: BenchmarkProblem, result: SolveTaskResult, sandbox: Sandbox, random: number | null,
): Promise<DemoRow> {
  const { scoreOnHiddenTests } = await loadEngineApi();
  const score = result.code === null ? null : await scoreOnHiddenTests({ sandbox, problem, code: result.code, timeoutMs: 10_000 });
  return {
    problem: problem.spec.id, outcome: result.outcome, chosenClassVotes: result.votes, runnerUpVotes: result.runnerUpVotes,
    samples: result.samples, redFlagged: result.redFlagged, failedVerification: result.failedVerification,
    visibleTests: problem.spec.testCases.length, passedHiddenTests: score === null ? null : score.passed, randomChoicePassRate: random,
  };
}

/**
 * The demo's table ({@link formatTable}: one row per problem, counts right-aligned), then a totals line comparing
 * zerr's choices against random choice.
 */
export async function formatDemoTable(runId: string, rows: readonly DemoRow[]): Promise<string> {
  const header = ['problem', 'outcome', 'class votes', 'runner-up', 'samples', 'red-flagged', 'failed verif.', 'visible tests', 'hidden tests', 'random choice'];
  const body = rows.map((row) => [
    row.problem, row.outcome, String(row.chosenClassVotes), String(row.runnerUpVotes), String(row.samples), String(row.redFlagged),
    String(row.failedVerification), String(row.visibleTests),
    row.passedHiddenTests === null ? 'no code' : row.passedHiddenTests ? 'pass' : 'FAIL',
    row.randomChoicePassRate === null ? '-' : `${(row.randomChoicePassRate * 100).toFixed(0)}%`,
  ]);
  const passed = rows.filter((row) => row.passedHiddenTests === true).length;
  const randoms = rows.map((row) => row.randomChoicePassRate).filter((rate): rate is number => rate !== null);
  const randomMean = randoms.length === 0 ? 0 : randoms.reduce((sum, rate) => sum + rate, 0) / randoms.length;
  const consensus = rows.filter((row) => row.outcome === 'consensus').length;
  return [
    `run ${runId}`,
    await formatTable({ head: header, rows: body, alignRight: [2, 3, 4, 5, 6, 7, 9] }),
    `zerr: ${passed}/${rows.length} chosen candidates pass the hidden tests (pass@1 ${((passed / Math.max(1, rows.length)) * 100).toFixed(1)}%); ` +
      `consensus on ${consensus}/${rows.length}.`,
    `random choice among the same 100 recorded samples: expected pass@1 ${(randomMean * 100).toFixed(1)}%.`,
    '',
  ].join('\n');
}
