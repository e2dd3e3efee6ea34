/**
 * @module cli/commands/solve
 * `zerr solve <spec-file|dataset:problem-id|"a task in words">`: one task through the full loop; writes the verified
 * code and a JSON report; exit 0 on consensus, 2 without, 3 bad input, 4 model unavailable, 5 no sandbox. A task in
 * words is first specified by voting over specifier contracts (`Engine.specify`); the chosen spec is shown and written
 * beside the code, and only a spec chosen by consensus is solved.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { BenchmarkProblem, Engine, SolveTaskResult, SpecifyResult, TaskSpec } from '../../index.js';
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
import { specToYaml } from '../spec-yaml.js';
import { writeSolveOutputs } from '../solve-outputs.js';

interface SolveOptions extends ModelCallFlags, VoteFlags {
  model?: string;
  redis?: string;
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
  language: 'typescript' | 'python';
  name?: string;
  specOnly?: boolean;
  specSamples: number;
  review?: boolean;
  memory?: boolean;
}

/** Registers `solve` on `program`. */
export function registerSolveCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(withVoteOptions(program
    .command('solve')
    .description('Solve one task: a spec (YAML/JSON file), a dataset problem (e.g. humaneval-ts:HumanEval_0_has_close_elements) or a task in words ("a function that ..."), specified first by voting')
    .argument('<target>', 'spec file (.yaml/.yml/.json), <dataset>:<problem-id>, or a task in words (quoted)')
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
    .addOption(new Option('--language <language>', 'for a task in words: the language of the function').choices(['typescript', 'python']).default('typescript'))
    .option('--name <identifier>', 'for a task in words: the function\'s name (default: the specifier chooses)')
    .option('--spec-only', 'for a task in words: show the chosen spec and write it, without solving it')
    .option('--spec-samples <n>', 'for a task in words: sample budget of the specification', positiveInt('--spec-samples'), 12)
    .option('--review', 'the reviewer as a vote filter: the class about to be chosen is reviewed (routes.reviewer, else the model); one rejected by consensus leaves the vote')
    .option('--memory', "use the project's memory (<project>/.zerr/memory.sqlite, env ZERR_MEMORY): reuse code verified for an equal spec once it passes every layer again, and remember this run's chosen code and failures")
    .option('--redis <url>', 'scale-out: samples go to zerr worker processes through this Redis (redis://host:port; env ZERR_REDIS); this process records and votes', process.env['ZERR_REDIS'])
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
      const words = isTaskInWords(target);
      const wordsOnly = ['language', 'name', 'specOnly', 'specSamples'].filter((flag) => command.getOptionValueSource(flag) === 'cli');
      if (!words && wordsOnly.length > 0) {
        const flags = wordsOnly.map((flag) => `--${flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ');
        process.stderr.write(`zerr solve: ${flags} shape${wordsOnly.length === 1 ? 's' : ''} the specification of a task in words, but ${JSON.stringify(target)} is a spec file or dataset problem; leave ${wordsOnly.length === 1 ? 'it' : 'them'} out, or give the task as a sentence in quotes\n`);
        setExit(ExitCode.badInput);
        return;
      }
      const problem = words ? undefined : await loadTarget(target, options.dataDir).catch((error: unknown) => {
        // A single word is read as a dataset reference; say how to give a task in words instead.
        if ((error as { code?: unknown }).code === 'unknown_dataset' && !target.includes(':')) {
          (error as Error).message += ` To solve a task described in words, write it as a sentence in quotes: zerr solve "a function that ..."`;
        }
        throw error;
      });
      await mkdir(options.out, { recursive: true }); // an unusable --out is bad input now, not after the run
      const { engine, sandbox, priceSource } = await openEngine({
        model, unsafeNoSandbox: options.unsafeNoSandbox === true, pythonTypes: options.pythonTypes,
        ...(options.store === undefined ? {} : { store: options.store }),
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
        ...modelCallOptionsOf(options), ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
        archetypes: [...(words ? ['specifier' as const] : []), ...(options.review === true ? ['reviewer' as const] : [])],
        ...(options.memory === true ? { memory: true } : {}),
        ...(options.redis === undefined || options.redis === '' ? {} : { redis: options.redis }),
      });
      const progress = await ProgressDisplay.create({ enabled: options.json !== true });
      engine.on(progress.onEvent);
      try {
        let specification: Specification | undefined;
        if (words) {
          const specified = await specifyInWords(engine, target, { ...options, k });
          if (specified === 'interrupted') {
            process.stderr.write('zerr solve: interrupted while specifying the task; nothing was solved (a specification is not resumed: run the command again)\n');
            setExit(INTERRUPTED_EXIT);
            return;
          }
          specification = specified;
          if (options.json !== true) progress.print(specificationText(specification));
          if (specification.result.outcome !== 'consensus' || options.specOnly === true || specification.result.spec === null) {
            if (options.json === true) process.stdout.write(`${JSON.stringify({ specification: specificationReport(specification) }, null, 2)}\n`);
            setExit(specification.result.outcome === 'consensus' && specification.result.spec !== null ? ExitCode.ok : ExitCode.noConsensus);
            return;
          }
        }
        const spec = specification?.result.spec ?? (problem as { spec: TaskSpec }).spec;
        const { runId, results } = await withInterrupts((signal) => engine.run([spec], {
          k, maxSamples, fallback: options.fallback, seed: options.seed, signal,
          ...(options.review === true ? { review: true } : {}),
          ...(options.memory === true ? { memory: true } : {}),
          ...(voting.vote === 'adaptive' ? { adaptiveK: voting.target === undefined ? {} : { target: voting.target } } : {}),
          ...(parallelism === undefined ? {} : { parallelism }),
          ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
        }));
        const result = results[0] as SolveTaskResult;
        const hidden = options.score === true && problem?.hidden !== undefined && result.code !== null
          // A class's suite runs several unittest classes (ClassEval's labels allow 10 s each); a function's, one check.
          ? await (await loadEngineApi()).scoreOnHiddenTests({ sandbox, problem: { spec, hidden: problem.hidden }, code: result.code, timeoutMs: spec.taskType === 'class' ? 60_000 : 10_000 })
          : undefined;
        const files = await writeSolveOutputs(options.out, runId, spec, result, hidden);
        const report = {
          runId, model, priceSource, ...result, hiddenTests: hidden ?? null, files,
          ...(specification === undefined ? {} : { specification: specificationReport(specification) }),
        };
        if (options.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printSummary(report);
        setExit(result.outcome === 'consensus' ? ExitCode.ok : ExitCode.noConsensus);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

/** Exit code of a specification stopped by Ctrl-C (128 + SIGINT, as a shell reports it): there is no run to resume. */
const INTERRUPTED_EXIT = 130;

/** A task in words (`zerr solve "a function that ..."`): anything with white space that is not a spec file's name. */
export function isTaskInWords(target: string): boolean {
  return /\s/.test(target.trim()) && !/\.(ya?ml|json)$/i.test(target.trim());
}

/** The specification of a task in words and the file its spec was written to (null without a spec). */
interface Specification {
  readonly result: SpecifyResult;
  readonly specFile: string | null;
  /** The spec's YAML as written to `specFile` (`specToYaml`); null without a spec. */
  readonly written: string | null;
}

/**
 * Specifies `task` with the engine's specifier (Ctrl-C cancels it: a specification is not resumable, it is run again)
 * and writes the chosen spec to `<out>/<specify-run>/spec.yaml`.
 */
async function specifyInWords(engine: Engine, task: string, options: SolveOptions): Promise<Specification | 'interrupted'> {
  let result: SpecifyResult;
  try {
    result = await withInterrupts((signal) => engine.specify(task, {
      language: options.language, k: options.k, maxSamples: options.specSamples, seed: options.seed, signal,
      ...(options.name === undefined ? {} : { entryPoint: options.name }),
      ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
    }));
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('interrupted')) throw error;
    return 'interrupted';
  }
  if (result.spec === null) return { result, specFile: null, written: null };
  const dir = join(options.out, result.runId);
  await mkdir(dir, { recursive: true });
  const specFile = join(dir, 'spec.yaml');
  const written = specToYaml(result.spec, { defaultLimits: (await loadEngineApi()).LimitsSchema.parse({}) });
  await writeFile(specFile, written);
  return { result, specFile, written };
}

/** The chosen spec as the user reads it: how it was chosen, the spec in YAML, where it was written, what comes next. */
function specificationText(specification: Specification): string {
  const { result, specFile, written } = specification;
  const lines = [`specification (run ${result.runId}, ${result.model}): ${result.outcome} - ${result.reason}`];
  lines.push(`  samples ${result.samples}, red-flagged ${result.redFlagged}${formatCounts(result.redFlagsByRule)}, classes: ${result.classes.map((tally) => `${tally.classKey}=${tally.votes}`).join(', ') || 'none'}`);
  for (const dropped of result.droppedTestCases) lines.push(`  left out test case ${JSON.stringify(dropped.inputs)}: ${dropped.reason}`);
  if (result.spec !== null && written !== null) {
    lines.push(`chosen spec:`, ...written.trimEnd().split('\n').map((line) => `  ${line}`));
    if (result.spec.testCases.length === 0) lines.push('  (no test case survived: only the contract, the properties and the vote check candidates)');
  }
  if (result.spec === null) lines.push(`no spec was chosen: see each answer and why it was discarded with zerr runs show ${result.runId} --samples, or write the spec yourself (zerr spec schema)`);
  if (specFile !== null) lines.push(`spec: ${specFile}${result.outcome === 'consensus' ? '' : ' (not solved: no contract class led by k; check the spec and run zerr solve on the file)'}`);
  return `${lines.join('\n')}\n`;
}

/** What the JSON report says of the specification. */
function specificationReport(specification: Specification): Record<string, unknown> {
  const { result, specFile } = specification;
  return {
    runId: result.runId, model: result.model, outcome: result.outcome, reason: result.reason, classKey: result.classKey,
    votes: result.votes, runnerUpVotes: result.runnerUpVotes, samples: result.samples, redFlagsByRule: result.redFlagsByRule,
    classes: result.classes, droppedTestCases: result.droppedTestCases, spec: result.spec, specFile,
  };
}

/** A spec file or a dataset problem (with hidden tests for scoring). */
async function loadTarget(target: string, dataDir: string | undefined): Promise<{ spec: TaskSpec; hidden?: BenchmarkProblem['hidden'] }> {
  const { loadTaskSpec, resolveDatasetProblem } = await loadEngineApi();
  if (/\.(ya?ml|json)$/i.test(target)) return { spec: await loadTaskSpec(target) };
  const problem = await resolveDatasetProblem(target, { ...(dataDir === undefined ? {} : { dataDir }) });
  return { spec: problem.spec, hidden: problem.hidden };
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

