/**
 * @module cli/commands/implement
 * `zerr implement <file>[#function]`: implements one function of an existing TypeScript or Python repository in
 * place (decision 027). The spec comes from the signature and doc comment (or `--spec`); candidates pass the engine's
 * layers, the project's own type check and the repository's tests of the function; the chosen code is written back,
 * committed alone on a new branch with a message naming the vote, and the diff is shown. Exit 0 when written (or
 * chosen, with `--dry-run`), 2 when nothing was written (no consensus, or the file changed meanwhile), 3 bad input (a
 * dirty tree, an unknown function), 6 paused.
 */
import type { Command } from 'commander';
import type { ImplementResult, TaskSpec } from '../../index.js';
import { chosenModel, optionOrConfigured } from '../cli-config.js';
import { openEngine } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { formatCounts } from '../format-counts.js';
import { integer, positiveInt } from '../option-parsers.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';
import { withInterrupts } from '../interrupts.js';
import { ProgressDisplay } from '../progress-display.js';

interface ImplementFlags extends ModelCallFlags {
  model?: string;
  k: number;
  maxSamples: number;
  parallelism?: number;
  seed: number;
  spec?: string;
  allowDirty?: boolean;
  dryRun?: boolean;
  branch?: string;
  resume?: string;
  review?: boolean;
  store?: string;
  json?: boolean;
  unsafeNoSandbox?: boolean;
  pythonTypes: boolean;
}

/** Registers `implement` on `program`. */
export function registerImplementCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(program
    .command('implement')
    .description('Implement one function of this repository in place: spec from its signature and doc comment, verified with the project\'s types and tests, committed on a new branch')
    .argument('<target>', '<file>[#function], e.g. src/strings.ts#slugify or textkit/strings.py#slugify (without #function: the file\'s only stub)')
    .option('-m, --model <uri>', 'model: llama-cpp:<file.gguf>, openai:<model>?baseURL=..., anthropic:<model>, replay:<file.jsonl> (env ZERR_MODEL)')
    .option('-k, --k <n>', 'first-to-ahead-by-k margin', positiveInt('--k'), 3)
    .option('--max-samples <n>', 'sample budget', positiveInt('--max-samples'), 20)
    .option('--parallelism <n>', 'samples in flight at once (default k)', positiveInt('--parallelism'))
    .option('--seed <n>', 'seed of generated inputs and sample order', integer('--seed'), 42)
    .option('--spec <file>', 'a spec (YAML/JSON) to use instead of the doc comment; its entry point must be the function')
    .option('--allow-dirty', 'go on when tracked files have uncommitted changes (zerr commits only the file it writes)')
    .option('--dry-run', 'choose the code and show the diff, writing and committing nothing')
    .option('--branch <name>', 'branch to commit on (default zerr/implement-<function>)')
    .option('--resume <run-id>', 'continue a paused zerr implement run of this target')
    .option('--review', 'the reviewer as a vote filter (routes.reviewer, else the model)')
    .option('--store <file>', 'run store (SQLite) path, default <project>/.zerr/runs.sqlite (env ZERR_STORE)')
    .option('--no-python-types', 'skip pyright on each Python candidate alone (the project check still runs pyright)')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--json', 'print the result as JSON on stdout (no progress display)'))
    .action(async (target: string, options: ImplementFlags, command: Command) => {
      const model = await chosenModel(options.model);
      if (model === undefined) {
        process.stderr.write('zerr implement: no model given. Pass --model (or set ZERR_MODEL, or routes.coder in zerr.config.yaml), e.g. --model llama-cpp:./model.gguf or --model "openai:qwen2.5-coder?baseURL=http://127.0.0.1:8000/v1".\n');
        setExit(ExitCode.badInput);
        return;
      }
      const k = await optionOrConfigured(command, 'k', options.k);
      const maxSamples = await optionOrConfigured(command, 'maxSamples', options.maxSamples);
      const parallelism = await optionOrConfigured(command, 'parallelism', options.parallelism);
      const api = await loadEngineApi();
      await api.readImplementTarget(target); // a typo in the target is said before a model loads
      const spec: TaskSpec | undefined = options.spec === undefined ? undefined : await api.loadTaskSpec(options.spec);
      const { engine } = await openEngine({
        model, unsafeNoSandbox: options.unsafeNoSandbox === true, pythonTypes: options.pythonTypes,
        ...(options.store === undefined ? {} : { store: options.store }),
        ...modelCallOptionsOf(options),
        archetypes: options.review === true ? ['reviewer'] : [],
      });
      const progress = await ProgressDisplay.create({ enabled: options.json !== true });
      engine.on(progress.onEvent);
      try {
        const outcome = await withInterrupts((signal) => engine.implement({
          target, k, maxSamples, seed: options.seed, signal,
          ...(spec === undefined ? {} : { spec }),
          ...(parallelism === undefined ? {} : { parallelism }),
          ...(options.allowDirty === true ? { allowDirty: true } : {}),
          ...(options.dryRun === true ? { dryRun: true } : {}),
          ...(options.branch === undefined ? {} : { branch: options.branch }),
          ...(options.resume === undefined ? {} : { resume: options.resume }),
          ...(options.review === true ? { review: true } : {}),
        })).catch((error: unknown) => {
          const code = (error as { code?: unknown }).code;
          const runId = (error as { runId?: unknown }).runId;
          if (code === 'run_paused' && typeof runId === 'string') {
            (error as Error).message += `; continue it with: zerr implement ${target} --resume ${runId}`;
          }
          throw error;
        });
        progress.stop();
        if (options.json === true) process.stdout.write(`${JSON.stringify(implementReport(outcome, model), null, 2)}\n`);
        else process.stdout.write(implementText(outcome, model));
        setExit(outcome.result.outcome === 'consensus' && (outcome.commit !== null || options.dryRun === true) ? ExitCode.ok : ExitCode.noConsensus);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

/** The JSON report: the run, the spec's sources, the vote, the checks, the commit and the diff. */
function implementReport(outcome: ImplementResult, model: string): Record<string, unknown> {
  const { prepared, result } = outcome;
  return {
    runId: outcome.runId, model, file: prepared.target.path, function: prepared.target.symbol.name, root: prepared.target.root,
    stub: prepared.target.symbol.isStub, testCases: prepared.spec.testCases.length, docExamples: prepared.docExamples,
    skippedExamples: prepared.skippedExamples, repoTests: prepared.target.testFiles, context: prepared.target.symbol.context !== undefined,
    ...(prepared.target.symbol.contextNote === undefined ? {} : { contextNote: prepared.target.symbol.contextNote }),
    dirty: prepared.dirty, filesLeftOut: prepared.filesLeftOut, ...result, commit: outcome.commit, diff: outcome.diff, ...(outcome.notWritten === undefined ? {} : { notWritten: outcome.notWritten }),
  };
}

/** What a person reads after the progress display. */
function implementText(outcome: ImplementResult, model: string): string {
  const { prepared, result } = outcome;
  const { target } = prepared;
  const lines = [
    `run ${outcome.runId} (${model})`,
    `${target.path}#${target.symbol.name} (${target.symbol.isStub ? 'a stub' : 'replacing its implementation'}): ${result.outcome}`,
    `  spec: ${prepared.spec.testCases.length} test case${prepared.spec.testCases.length === 1 ? '' : 's'} (${prepared.docExamples} from the doc comment${prepared.skippedExamples === 0 ? '' : `, ${prepared.skippedExamples} example${prepared.skippedExamples === 1 ? '' : 's'} not readable as a literal call`})`,
    `  repository tests: ${target.testFiles.length === 0 ? 'none found (named *.test.ts, *.spec.ts, __tests__/, test_*.py or *_test.py, naming the function and importing its file)' : target.testFiles.join(', ')}`,
    ...(target.symbol.contextNote === undefined ? [] : [`  note: ${target.symbol.contextNote}`]),
    ...(prepared.filesLeftOut === 0 ? [] : [`  note: ${prepared.filesLeftOut} project file${prepared.filesLeftOut === 1 ? ' was' : 's were'} not read for the checks (over 512 KiB, or past 48 MiB in all)`]),
    `  ${result.reason}`,
    `  samples ${result.samples}, red-flagged ${result.redFlagged}${formatCounts(result.redFlagsByRule)}, failed verification ${result.failedVerification}${formatCounts(result.failedByLayer)}, verified ${result.verified}`,
    `  classes: ${result.classes.map((c) => `${c.classKey}=${c.votes}`).join(', ') || 'none'}`,
  ];
  if (outcome.diff !== null) lines.push('', outcome.diff.trimEnd(), '');
  if (outcome.commit !== null) {
    lines.push(`committed ${outcome.commit.sha.slice(0, 12)} on branch ${outcome.commit.branch} (from ${outcome.commit.from}); the repository is on ${outcome.commit.branch} now (git checkout ${outcome.commit.from} to go back)`);
  } else if (outcome.notWritten !== undefined) {
    lines.push(`not written: ${outcome.notWritten}`);
  } else {
    lines.push(`nothing was written: see each sample and why it failed with zerr runs show ${outcome.runId} --samples`);
  }
  return `${lines.join('\n')}\n`;
}
