/**
 * @module cli/commands/build
 * `zerr build "<requirements>"` and `zerr resume <run-id>`: requirements -> decomposition DAG -> verified tasks ->
 * integrated project in a git repository, with `report.json` / `REPORT.md`. Exit 0 when the build completed, 6 when
 * it paused (a budget was hit, or it waits on escalations: `zerr escalations list`), 4 when the model is
 * unavailable (the build is paused and resumable), 3 for bad input. `SOURCE_DATE_EPOCH` (seconds) fixes the commit
 * dates, so that the same build gives the same commit shas.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { BuildBudgets, BuildResult, Engine } from '../../index.js';
import { chosenModel, optionOrConfigured } from '../cli-config.js';
import { openEngine, openStore } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { integer, positiveInt, positiveNumber } from '../option-parsers.js';
import { chosenVote, withVoteOptions, type VoteFlags } from '../vote-options.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';
import { withInterrupts } from '../interrupts.js';
import { ProgressDisplay } from '../progress-display.js';

interface CommonOptions extends ModelCallFlags {
  redis?: string;
  model?: string;
  store?: string;
  json?: boolean;
  unsafeNoSandbox?: boolean;
  maxCostUsd?: number;
  maxTokens?: number;
  maxWallMs?: number;
  waitForEscalations: number;
}

interface BuildCommandOptions extends CommonOptions, VoteFlags {
  requirementsFile?: string;
  out: string;
  name?: string;
  language?: 'typescript' | 'python';
  maxLines?: number;
  maxComplexity?: number;
  maxDepth?: number;
  k?: number;
  maxSamples?: number;
  decomposeK?: number;
  decomposeMaxSamples?: number;
  concurrency?: number;
  seed?: number;
}

/** Registers `build` and `resume` on `program`. */
export function registerBuildCommands(program: Command, setExit: (code: number) => void): void {
  const withCommon = (command: Command): Command => withModelCallOptions(command)
    .option('-m, --model <uri>', 'model URI (env ZERR_MODEL); resume defaults to the model the build started with')
    .option('--max-cost-usd <usd>', 'stop (resumable) when the run has cost this much; needs a priced model (looked up, or ?inputUsdPerMTok=..&outputUsdPerMTok=.. in the model URI)', positiveNumber('--max-cost-usd'))
    .option('--max-tokens <n>', 'stop (resumable) after this many tokens over the run', positiveInt('--max-tokens'))
    .option('--max-wall-ms <ms>', 'stop (resumable) after this much wall time over the run', positiveInt('--max-wall-ms'))
    .option('--wait-for-escalations <ms>', 'when only escalations block, wait this long for answers before pausing', integer('--wait-for-escalations'), 0)
    .option('--store <file>', 'run store (SQLite) path, default <project>/.zerr/runs.sqlite (env ZERR_STORE)')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--redis <url>', 'scale-out: samples go to zerr worker processes through this Redis (redis://host:port; env ZERR_REDIS); this process records and votes', process.env['ZERR_REDIS'])
    .option('--json', 'print the result as JSON on stdout (no progress display)');

  withCommon(withVoteOptions(program
    .command('build')
    .description('Build a project from requirements: decomposition DAG, verified tasks, integration, git commits, report')
    .argument('[requirements...]', 'the requirements text (or --requirements-file)')
    .option('-f, --requirements-file <file>', 'read the requirements from a file')
    .option('-o, --out <dir>', 'output folder (a git repository); an unfinished build there is resumed', 'zerr-build')
    .option('--name <name>', 'project name (package.json / pyproject.toml; a Python package is named after it)')
    .addOption(new Option('--language <language>', 'language of the project (default typescript)').choices(['typescript', 'python']))
    .option('--max-lines <n>', 'atomic task: estimated lines at most (default 40)', positiveInt('--max-lines'))
    .option('--max-complexity <n>', 'atomic task: cyclomatic complexity at most (default 10)', positiveInt('--max-complexity'))
    .option('--max-depth <n>', 'decomposition levels below the requirements (default 2)', integer('--max-depth'))
    .option('-k, --k <n>', 'first-to-ahead-by-k margin per task (default 3)', positiveInt('--k'))
    .option('--max-samples <n>', 'sample budget per task (default 12)', positiveInt('--max-samples'))
    .option('--decompose-k <n>', 'margin for decomposition proposals (default 2)', positiveInt('--decompose-k'))
    .option('--decompose-max-samples <n>', 'proposals sampled per decomposition (default 8)', positiveInt('--decompose-max-samples'))
    .option('--concurrency <n>', 'tasks solved at once (default 2)', positiveInt('--concurrency'))
    .option('--seed <n>', 'seed of generated inputs and samples (default 42)', integer('--seed')), 'every task is decided right'))
    .action(async (words: string[], options: BuildCommandOptions, command: Command) => {
      const requirements = options.requirementsFile === undefined ? words.join(' ') : await readFile(options.requirementsFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        error.path ??= options.requirementsFile; // EISDIR from a read names no path
        throw error;
      });
      if (requirements.trim() === '') {
        process.stderr.write('zerr build: no requirements given. Pass them as text (zerr build "A library that ...") or with --requirements-file.\n');
        setExit(ExitCode.badInput);
        return;
      }
      const model = await chosenModel(options.model);
      if (model === undefined) {
        process.stderr.write('zerr build: no model given. Pass --model (or set ZERR_MODEL, or routes.coder in zerr.config.yaml), e.g. --model llama-cpp:./model.gguf, --model "openai:qwen2.5-coder?baseURL=http://127.0.0.1:8000/v1" or --model replay:<file.jsonl>.\n');
        setExit(ExitCode.badInput);
        return;
      }
      const k = await optionOrConfigured(command, 'k', options.k);
      const maxSamples = await optionOrConfigured(command, 'maxSamples', options.maxSamples);
      const voting = await chosenVote(command, options);
      if ('error' in voting) {
        process.stderr.write(`zerr build: ${voting.error}\n`);
        setExit(ExitCode.badInput);
        return;
      }
      const request = {
        requirements,
        ...pick(options, ['name', 'language', 'maxLines', 'maxComplexity', 'maxDepth', 'decomposeK', 'decomposeMaxSamples', 'concurrency', 'seed']),
        ...(k === undefined ? {} : { k }), ...(maxSamples === undefined ? {} : { maxSamples }),
        vote: voting.vote, ...(voting.target === undefined ? {} : { target: voting.target }),
        budgets: budgetsOf(options),
      };
      const epoch = process.env['SOURCE_DATE_EPOCH'];
      const commitEpochMs = epoch !== undefined && /^\d+$/.test(epoch) ? Number(epoch) * 1000 : undefined;
      await withEngine(model, options, setExit, (engine, signal) => engine.build(request, {
        outDir: options.out, escalationWaitMs: options.waitForEscalations, signal,
        ...(commitEpochMs === undefined ? {} : { commitEpochMs }),
      }));
    });

  withCommon(program
    .command('resume')
    .description('Resume a paused or killed run: a build from its last checkpoint, a solve or demo run from its recorded samples (nothing finished is redone)')
    .argument('<run-id>')
    .option('--data-dir <dir>', 'folder holding bench/ and recorded/ for replay models (default ../shared, env ZERR_DATA_DIR)'))
    .action(async (runId: string, options: CommonOptions & { dataDir?: string }) => {
      const store = await openStore(options.store);
      let run: { kind: string; model: string } | undefined;
      try {
        run = await store.getRun(runId);
      } finally {
        await store.close();
      }
      if (run === undefined) {
        const { RunNotFoundError } = await loadEngineApi();
        throw new RunNotFoundError({ runId });
      }
      const given = options.model ?? process.env['ZERR_MODEL'];
      const model = given === undefined || given === '' ? run.model : given;
      if (run.kind !== 'build') {
        await resumeSolveRun(runId, model, options, setExit);
        return;
      }
      const budgets = budgetsOf(options);
      await withEngine(model, options, setExit, (engine, signal) => engine.resumeBuild(runId, {
        ...(Object.keys(budgets).length === 0 ? {} : { budgets }), escalationWaitMs: options.waitForEscalations, signal,
      }));
    });
}

/** `zerr resume` of a solve or demo run: its undecided tasks continue from their recorded samples. */
async function resumeSolveRun(runId: string, model: string, options: CommonOptions & { dataDir?: string }, setExit: (code: number) => void): Promise<void> {
  const { engine } = await openEngine({
    model, unsafeNoSandbox: options.unsafeNoSandbox === true,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...modelCallOptionsOf(options), ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    archetypes: ['decomposer'],
    ...(options.redis === undefined || options.redis === '' ? {} : { redis: options.redis }),
  });
  const progress = await ProgressDisplay.create({ enabled: options.json !== true });
  engine.on(progress.onEvent);
  try {
    const result = await withInterrupts((signal) => engine.resumeRun(runId, {
      signal, ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    }));
    progress.stop();
    if (options.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const lines = [`run ${result.runId}: completed`];
      for (const task of result.results) lines.push(`  task ${task.taskId}: ${task.outcome} (${task.votes} votes, runner-up ${task.runnerUpVotes}, ${task.samples} samples) - ${task.reason}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    setExit(result.results.every((task) => task.outcome === 'consensus') ? ExitCode.ok : ExitCode.noConsensus);
  } finally {
    progress.stop();
    await engine.close();
  }
}

/** Opens the engine, runs `work` with progress and Ctrl-C handling (a clean, resumable pause), prints the result. */
async function withEngine(
  model: string, options: CommonOptions, setExit: (code: number) => void,
  work: (engine: Engine, signal: AbortSignal) => Promise<BuildResult>,
): Promise<void> {
  const { engine } = await openEngine({
    model, unsafeNoSandbox: options.unsafeNoSandbox === true, ...(options.store === undefined ? {} : { store: options.store }),
    ...modelCallOptionsOf(options), ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    archetypes: ['decomposer'],
    ...(options.redis === undefined || options.redis === '' ? {} : { redis: options.redis }),
  });
  const progress = await ProgressDisplay.create({ enabled: options.json !== true });
  engine.on(progress.onEvent);
  try {
    const result = await withInterrupts((signal) => work(engine, signal));
    progress.stop();
    if (options.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(summary(result));
    setExit(result.status === 'completed' ? ExitCode.ok : ExitCode.paused);
  } finally {
    progress.stop();
    await engine.close();
  }
}

function summary(result: BuildResult): string {
  const { report } = result;
  const t = report.totals;
  const lines = [
    `build ${result.runId}: ${result.status} - ${result.reason}`,
    `  ${t.settled}/${t.tasks} tasks settled (${Object.entries(t.bySource).map(([source, count]) => `${source} ${count}`).join(', ') || 'none'}), ${t.samples} samples, ${t.redFlagged} red-flagged, tokens in/out ${t.inputTokens}/${t.outputTokens}`,
    ...report.commits.map((commit) => `  commit ${commit.sha.slice(0, 10)} ${commit.message.split('\n')[0] ?? ''}`),
    ...report.remaining.map((remaining) => `  remaining ${remaining.id}: ${remaining.why}`),
    `  output: ${result.outDir} (REPORT.md, report.json)`,
  ];
  if (result.status === 'paused') lines.push(`  continue with: zerr resume ${result.runId}`);
  return `${lines.join('\n')}\n`;
}

function budgetsOf(options: CommonOptions): BuildBudgets {
  return {
    ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(options.maxWallMs === undefined ? {} : { maxWallMs: options.maxWallMs }),
  };
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
