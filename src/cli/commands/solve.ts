/**
 * @module cli/commands/solve
 * `zerr solve <spec-file|dataset:problem-id>`: one task through the full loop; writes the verified code and a JSON
 * report; exit 0 on consensus, 2 without, 3 bad input, 4 model unavailable, 5 no sandbox.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { BenchmarkProblem, SolveTaskResult, TaskSpec } from '../../index.js';
import { chosenModel, optionOrConfigured } from '../cli-config.js';
import { openEngine } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { formatCounts } from '../format-counts.js';
import { integer, positiveInt, positiveNumber } from '../option-parsers.js';
import { chosenVote, withVoteOptions, type VoteFlags } from '../vote-options.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';
import { withInterrupts } from '../interrupts.js';
import { ProgressDisplay } from '../progress-display.js';

interface SolveOptions extends ModelCallFlags, VoteFlags {
  model?: string;
  maxCostUsd?: number;
  k: number;
  maxSamples: number;
  parallelism?: number;
  fallback: 'best-partial' | 'escalate';
  seed: number;
  out: string;
  store?: string;
  json?: boolean;
  score?: boolean;
  unsafeNoSandbox?: boolean;
  dataDir?: string;
  pythonTypes: boolean;
}

/** Registers `solve` on `program`. */
export function registerSolveCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(withVoteOptions(program
    .command('solve')
    .description('Solve one task spec (YAML/JSON file) or dataset problem (e.g. humaneval-ts:HumanEval_0_has_close_elements)')
    .argument('<target>', 'spec file (.yaml/.yml/.json) or <dataset>:<problem-id>')
    .option('-m, --model <uri>', 'model: llama-cpp:<file.gguf>, openai:<model>?baseURL=..., anthropic:<model>, replay:codet, replay:<file.jsonl> (env ZERR_MODEL)')
    .option('-k, --k <n>', 'first-to-ahead-by-k margin', positiveInt('--k'), 3)
    .option('--max-samples <n>', 'sample budget for the task: answers (calls that failed after their retries count apart)', positiveInt('--max-samples'), 20)
    .option('--max-cost-usd <usd>', 'stop (paused, resumable) when the priced answers have cost this much; needs a priced model', positiveNumber('--max-cost-usd'))
    .option('--parallelism <n>', 'samples in flight at once (default k)', positiveInt('--parallelism'))
    .addOption(new Option('--fallback <mode>', 'without consensus').choices(['best-partial', 'escalate']).default('best-partial'))
    .option('--seed <n>', 'seed of generated inputs and sample order', integer('--seed'), 42)
    .option('-o, --out <dir>', 'where to write the code and report.json', 'zerr-out')
    .option('--store <file>', 'run store (SQLite) path, default <project>/.zerr/runs.sqlite (env ZERR_STORE)')
    .option('--score', 'for dataset problems: score the chosen code on the hidden tests afterwards (scoring only)')
    .option('--data-dir <dir>', 'folder holding bench/ and recorded/ (default ../shared, env ZERR_DATA_DIR)')
    .option('--no-python-types', 'skip pyright type checking of Python candidates (1.5-4.5 s each)')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--json', 'print the result as JSON on stdout (no progress display)'), 'the decision is right'))
    .action(async (target: string, options: SolveOptions, command: Command) => {
      const model = await chosenModel(options.model);
      const k = await optionOrConfigured(command, 'k', options.k);
      const maxSamples = await optionOrConfigured(command, 'maxSamples', options.maxSamples);
      const parallelism = await optionOrConfigured(command, 'parallelism', options.parallelism);
      const voting = await chosenVote(command, options);
      if ('error' in voting) {
        process.stderr.write(`zerr solve: ${voting.error}\n`);
        setExit(ExitCode.badInput);
        return;
      }
      if (model === undefined) {
        process.stderr.write('zerr solve: no model given. Pass --model (or set ZERR_MODEL, or routes.coder in zerr.config.yaml), e.g. --model llama-cpp:./model.gguf, --model "openai:qwen2.5-coder?baseURL=http://127.0.0.1:8000/v1" or --model replay:codet (recorded HumanEval samples).\n');
        setExit(ExitCode.badInput);
        return;
      }
      const problem = await loadTarget(target, options.dataDir);
      await mkdir(options.out, { recursive: true }); // an unusable --out is bad input now, not after the run
      const { engine, sandbox, priceSource } = await openEngine({
        model, unsafeNoSandbox: options.unsafeNoSandbox === true, pythonTypes: options.pythonTypes,
        ...(options.store === undefined ? {} : { store: options.store }),
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
        ...modelCallOptionsOf(options), ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
      });
      const progress = await ProgressDisplay.create({ enabled: options.json !== true });
      engine.on(progress.onEvent);
      try {
        const { runId, results } = await withInterrupts((signal) => engine.run([problem.spec], {
          k, maxSamples, fallback: options.fallback, seed: options.seed, signal,
          ...(voting.vote === 'adaptive' ? { adaptiveK: voting.target === undefined ? {} : { target: voting.target } } : {}),
          ...(parallelism === undefined ? {} : { parallelism }),
          ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
        }));
        const result = results[0] as SolveTaskResult;
        const hidden = options.score === true && problem.hidden !== undefined && result.code !== null
          // A class's suite runs several unittest classes (ClassEval's labels allow 10 s each); a function's, one check.
          ? await (await loadEngineApi()).scoreOnHiddenTests({ sandbox, problem: { spec: problem.spec, hidden: problem.hidden }, code: result.code, timeoutMs: problem.spec.taskType === 'class' ? 60_000 : 10_000 })
          : undefined;
        const files = await writeOutputs(options.out, runId, problem.spec, result, hidden);
        const report = { runId, model, priceSource, ...result, hiddenTests: hidden ?? null, files };
        if (options.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printSummary(report);
        setExit(result.outcome === 'consensus' ? ExitCode.ok : ExitCode.noConsensus);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

/** A spec file or a dataset problem (with hidden tests for scoring). */
async function loadTarget(target: string, dataDir: string | undefined): Promise<{ spec: TaskSpec; hidden?: BenchmarkProblem['hidden'] }> {
  const { loadTaskSpec, resolveDatasetProblem } = await loadEngineApi();
  if (/\.(ya?ml|json)$/i.test(target)) return { spec: await loadTaskSpec(target) };
  const problem = await resolveDatasetProblem(target, { ...(dataDir === undefined ? {} : { dataDir }) });
  return { spec: problem.spec, hidden: problem.hidden };
}

async function writeOutputs(
  outDir: string, runId: string, spec: TaskSpec, result: SolveTaskResult, hidden: unknown,
): Promise<{ code: string | null; report: string }> {
  const dir = join(outDir, runId);
  await mkdir(dir, { recursive: true });
  const extension = spec.language === 'python' ? 'py' : 'ts';
  const codePath = result.code === null ? null : join(dir, `${spec.signature.entryPoint}.${extension}`);
  if (codePath !== null && result.code !== null) await writeFile(codePath, result.code);
  const reportPath = join(dir, 'report.json');
  await writeFile(reportPath, `${JSON.stringify({ runId, spec, result, hiddenTests: hidden ?? null }, null, 2)}\n`);
  return { code: codePath, report: reportPath };
}

function printSummary(report: SolveTaskResult & { runId: string; model: string; priceSource: string | null; hiddenTests: { passed: boolean; testClasses?: Readonly<Record<string, boolean>> } | null; files: { code: string | null; report: string } }): void {
  const lines = [
    `run ${report.runId} (${report.model})`,
    `task ${report.taskId}: ${report.outcome}`,
    `  ${report.reason}`,
    `  model calls: ${report.samples} answered, ${report.failedCalls} without an answer${formatCounts(report.failedCallsByCause)}, ${report.retries} retries`,
    `  samples ${report.samples}, red-flagged ${report.redFlagged}${formatCounts(report.redFlagsByRule)}, failed verification ${report.failedVerification}${formatCounts(report.failedByLayer)}, verified ${report.verified}`,
    `  classes: ${report.classes.map((c) => `${c.classKey}=${c.votes}`).join(', ') || 'none'}`,
    `  tokens in/out ${report.inputTokens}/${report.outputTokens}, cost ${report.priceSource === null ? 'unpriced' : `$${report.costUsd.toFixed(6)} (${report.priceSource})`}, ${report.durationMs} ms`,
  ];
  if (report.hiddenTests !== null) {
    const classes = Object.values(report.hiddenTests.testClasses ?? {});
    const perClass = classes.length === 0 ? '' : ` (${classes.filter(Boolean).length}/${classes.length} test classes)`;
    lines.push(`  hidden tests: ${report.hiddenTests.passed ? 'passed' : 'FAILED'}${perClass}`);
  }
  if (report.files.code !== null) lines.push(`  code: ${report.files.code}`);
  lines.push(`  report: ${report.files.report}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

