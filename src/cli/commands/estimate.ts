/**
 * @module cli/commands/estimate
 * `zerr estimate --steps N --p P`: k_min, expected calls, tokens, cost and wall time of a run before it starts
 * (MAKER §3.2 and Appendix B, see `estimateRun`). With `--spec <file> --model <uri>`, p and the valid rate are
 * measured first by a pilot solve of the spec. Exit 0 with an estimate, 2 when the pilot cannot give one (no
 * verified sample, or p <= 0.5), 3 bad input, 4 model unavailable, 5 no sandbox.
 */
import { InvalidArgumentError as CommanderInvalidArgumentError, type Command } from 'commander';
import type { DecompositionProposal, EstimateRunOptions, RunEstimate, SolveTaskResult, TaskSpec } from '../../index.js';
import { chosenModel } from '../cli-config.js';
import { openEngine } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { formatCounts } from '../format-counts.js';
import { integer, positiveInt } from '../option-parsers.js';
import { ProgressDisplay } from '../progress-display.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';

interface EstimateCommandOptions extends ModelCallFlags {
  steps?: number;
  p?: number;
  target: number;
  tokensIn: number;
  tokensOut: number;
  usdIn: number;
  usdOut: number;
  callLatencyMs: number;
  parallel: number;
  validRate: number;
  spec?: string;
  model?: string;
  pilotSamples: number;
  seed: number;
  store?: string;
  dataDir?: string;
  pythonTypes: boolean;
  unsafeNoSandbox?: boolean;
  json?: boolean;
}

/** What a pilot solve measured. */
interface PilotMeasurement {
  readonly runId: string;
  readonly spec: string;
  readonly taskId: string;
  readonly samples: number;
  readonly verified: number;
  readonly largestClassVotes: number;
  /** Votes of the largest class / verified samples; null when nothing was verified. */
  readonly p: number | null;
  /** Verified samples / samples; null when no sample was drawn. */
  readonly validRate: number | null;
  /** Model calls that gave no answer (after their retries): not samples, so neither in p nor in the valid rate. */
  readonly failedCalls: number;
  /** `failedCalls` by cause (`http_<status>`, `network`, `model_timeout`, `model_empty_answer`, ...). */
  readonly failedCallsByCause: Readonly<Record<string, number>>;
  /** Retries the model stack made. */
  readonly retries: number;
}

/** The flag behind each field of {@link EstimateRunOptions}, for error messages. */
const FLAG_OF: Readonly<Record<keyof EstimateRunOptions, string>> = {
  steps: '--steps',
  p: '--p',
  targetSuccess: '--target',
  inputTokensPerCall: '--tokens-in',
  outputTokensPerCall: '--tokens-out',
  usdPerMillionInputTokens: '--usd-in',
  usdPerMillionOutputTokens: '--usd-out',
  callLatencyMs: '--call-latency-ms',
  parallelism: '--parallel',
  validRate: '--valid-rate',
};

const NEEDS_DECOMPOSITION =
  'estimating from requirements needs a model to decompose them (--model <uri>), or the number of steps (--steps N)';

/** Parser for a finite number option named `name`; ranges are checked by `estimateRun`. */
function finiteNumber(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(parsed)) throw new CommanderInvalidArgumentError(`${name} must be a number, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** Registers `estimate` on `program`. */
export function registerEstimateCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(program
    .command('estimate'))
    .description('Estimate k_min, model calls, tokens, cost and wall time of a run (MAKER §3.2), from --p or a pilot solve of --spec')
    .argument('[requirements]', 'free-text requirements: with --model they are decomposed once (one step per subtask) and the first independent subtask is the pilot')
    .option('--steps <n>', 'number of steps (atomic tasks) s; default 1 with --spec', positiveInt('--steps'))
    .option('--p <p>', 'per-step success rate: share of verified samples in the correct class, in (0.5, 1]', finiteNumber('--p'))
    .option('--target <t>', 'target probability that every step is decided correctly, in (0, 1)', finiteNumber('--target'), 0.95)
    .option('--tokens-in <n>', 'prompt tokens per call', finiteNumber('--tokens-in'), 400)
    .option('--tokens-out <n>', 'completion tokens per call', finiteNumber('--tokens-out'), 200)
    .option('--usd-in <x>', 'USD per million prompt tokens', finiteNumber('--usd-in'), 0)
    .option('--usd-out <x>', 'USD per million completion tokens', finiteNumber('--usd-out'), 0)
    .option('--call-latency-ms <n>', 'wall time of one model call in ms', finiteNumber('--call-latency-ms'), 1000)
    .option('--parallel <n>', 'model calls in flight at once (also for the pilot)', positiveInt('--parallel'), 1)
    .option('--valid-rate <v>', 'share of samples that survive red-flagging and verification, in (0, 1]', finiteNumber('--valid-rate'), 1)
    .option('--spec <file>', 'measure p and the valid rate by a pilot solve of this task spec (YAML/JSON)')
    .option('-m, --model <uri>', 'model of the pilot (as for solve; env ZERR_MODEL)')
    .option('--pilot-samples <n>', 'model calls of the pilot', positiveInt('--pilot-samples'), 10)
    .option('--seed <n>', 'seed of the pilot', integer('--seed'), 42)
    .option('--store <file>', 'run store of the pilot (SQLite), default <project>/.zerr/runs.sqlite (env ZERR_STORE)')
    .option('--data-dir <dir>', 'folder holding bench/ and recorded/ (default ../shared, env ZERR_DATA_DIR)')
    .option('--no-python-types', 'skip pyright type checking of Python candidates in the pilot')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--json', 'print the estimate as JSON on stdout')
    .action(async (requirements: string | undefined, options: EstimateCommandOptions) => {
      const fail = (message: string, code: number = ExitCode.badInput): void => {
        process.stderr.write(`zerr estimate: ${message}\n`);
        setExit(code);
      };
      const { estimateRun, InvalidArgumentError, subtaskToSpec } = await loadEngineApi();
      const model = await chosenModel(options.model);
      const hasModel = model !== undefined && model !== '';
      if (requirements !== undefined && options.steps === undefined && !hasModel) return fail(NEEDS_DECOMPOSITION);
      if (options.spec !== undefined && options.p !== undefined) return fail('pass --p or --spec (to measure p), not both');

      let pilot: PilotMeasurement | null = null;
      let decomposition: DecompositionMeasurement | null = null;
      let p = options.p;
      let validRate = options.validRate;
      let pilotSpec: TaskSpec | string | undefined = options.spec;
      if (requirements !== undefined && options.steps === undefined && hasModel) {
        decomposition = await decomposeRequirements(requirements, model, options);
        if (decomposition.proposal === null) {
          report(options, pilot, null, decomposition);
          return fail(`the decomposition of the requirements reached no consensus (${decomposition.reason}), so the steps cannot be counted`, ExitCode.noConsensus);
        }
        // The pilot solves the first task that needs no other task's code.
        const first = decomposition.proposal.subtasks.find((subtask) => subtask.dependencies.length === 0);
        if (options.p === undefined && pilotSpec === undefined && first !== undefined) {
          pilotSpec = subtaskToSpec(first, { idPrefix: '', language: 'typescript' });
        }
      }
      if (pilotSpec !== undefined) {
        if (!hasModel) return fail('--spec needs a model for the pilot: pass --model <uri> (or set ZERR_MODEL)');
        pilot = await runPilot(pilotSpec, model, options);
        if (pilot.p === null || pilot.validRate === null) {
          report(options, pilot, null, decomposition);
          return fail(`the pilot verified none of its ${pilot.samples} samples, so p cannot be measured`, ExitCode.noConsensus);
        }
        if (pilot.p <= 0.5) {
          report(options, pilot, null, decomposition);
          return fail(`the pilot measured p = ${round(pilot.p)} <= 0.5: first-to-ahead-by-k voting does not converge on the correct class`, ExitCode.noConsensus);
        }
        p = pilot.p;
        validRate = pilot.validRate;
      }
      if (p === undefined) return fail('--p is required (or --spec <file> --model <uri> to measure it)');
      const steps = options.steps ?? decomposition?.proposal?.subtasks.length ?? (options.spec === undefined ? undefined : 1);
      if (steps === undefined) return fail(requirements === undefined ? '--steps is required' : NEEDS_DECOMPOSITION);

      let estimate: RunEstimate;
      try {
        estimate = estimateRun({
          steps, p, targetSuccess: options.target, inputTokensPerCall: options.tokensIn, outputTokensPerCall: options.tokensOut,
          usdPerMillionInputTokens: options.usdIn, usdPerMillionOutputTokens: options.usdOut, callLatencyMs: options.callLatencyMs,
          parallelism: options.parallel, validRate,
        });
      } catch (error) {
        if (!(error instanceof InvalidArgumentError)) throw error;
        const field = error.parameter.replace(/^options\./, '') as keyof EstimateRunOptions;
        const measured = pilot !== null && (field === 'p' || field === 'validRate');
        const flag = measured ? `the measured ${field}` : (FLAG_OF[field] ?? error.parameter);
        return fail(`invalid ${flag}: ${error.message.replace(/^Invalid argument \S+: /, '')}`);
      }
      report(options, pilot, { steps, p, validRate, estimate }, decomposition);
      setExit(ExitCode.ok);
    });
}

/**
 * Solves the spec once with `--pilot-samples` model calls: k is set to the budget so that the vote never stops
 * early, and every call is a sample of the model's answer distribution. p = largest class / verified samples
 * (the largest class taken to be the correct one), valid rate = verified / samples.
 */
async function runPilot(source: TaskSpec | string, model: string, options: EstimateCommandOptions): Promise<PilotMeasurement> {
  const spec = typeof source === 'string' ? await (await loadEngineApi()).loadTaskSpec(source) : source;
  const specFile = typeof source === 'string' ? source : `decomposition task ${source.id}`;
  const { engine } = await openEngine({
    model, unsafeNoSandbox: options.unsafeNoSandbox === true, pythonTypes: options.pythonTypes, ...modelCallOptionsOf(options),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  const progress = await ProgressDisplay.create({ enabled: options.json !== true });
  engine.on(progress.onEvent);
  try {
    const { runId, results } = await engine.run([spec], {
      kind: 'estimate-pilot', k: options.pilotSamples, maxSamples: options.pilotSamples, parallelism: options.parallel,
      seed: options.seed, fallback: 'best-partial',
    });
    const result = results[0] as SolveTaskResult;
    const largest = Math.max(0, ...result.classes.map((tally) => tally.votes));
    return {
      runId, spec: specFile, taskId: spec.id, samples: result.samples, verified: result.verified, largestClassVotes: largest,
      p: result.verified === 0 ? null : largest / result.verified,
      validRate: result.samples === 0 ? null : result.verified / result.samples,
      failedCalls: result.failedCalls, failedCallsByCause: result.failedCallsByCause, retries: result.retries,
    };
  } finally {
    progress.stop();
    await engine.close();
  }
}

/** What the decomposition of free-text requirements gave (steps = its subtasks). */
interface DecompositionMeasurement {
  readonly runId: string;
  readonly outcome: string;
  readonly proposal: DecompositionProposal | null;
  readonly samples: number;
  readonly reason: string;
}

/** Decomposes the requirements once (one level) with the model; each subtask counts as one step. */
async function decomposeRequirements(requirements: string, model: string, options: EstimateCommandOptions): Promise<DecompositionMeasurement> {
  const { engine } = await openEngine({
    model, unsafeNoSandbox: options.unsafeNoSandbox === true, pythonTypes: options.pythonTypes, ...modelCallOptionsOf(options),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    archetypes: ['decomposer'],
  });
  try {
    const result = await engine.decompose(requirements, { seed: options.seed });
    return { runId: result.runId, outcome: result.outcome, proposal: result.proposal, samples: result.samples, reason: result.reason };
  } finally {
    await engine.close();
  }
}

interface Estimated {
  readonly steps: number;
  readonly p: number;
  readonly validRate: number;
  readonly estimate: RunEstimate;
}

function report(options: EstimateCommandOptions, pilot: PilotMeasurement | null, estimated: Estimated | null, decomposition: DecompositionMeasurement | null = null): void {
  if (options.json === true) {
    const input = estimated === null ? null : {
      steps: estimated.steps, p: estimated.p, targetSuccess: options.target, inputTokensPerCall: options.tokensIn,
      outputTokensPerCall: options.tokensOut, usdPerMillionInputTokens: options.usdIn, usdPerMillionOutputTokens: options.usdOut,
      callLatencyMs: options.callLatencyMs, parallelism: options.parallel, validRate: estimated.validRate,
    };
    const decomposed = decomposition === null ? null : {
      runId: decomposition.runId, outcome: decomposition.outcome, samples: decomposition.samples, reason: decomposition.reason,
      steps: decomposition.proposal?.subtasks.map((subtask) => subtask.id) ?? null,
    };
    process.stdout.write(`${JSON.stringify({ input, decomposition: decomposed, pilot, estimate: estimated?.estimate ?? null }, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  if (decomposition !== null) {
    lines.push(
      `decomposition: run ${decomposition.runId}: ${decomposition.outcome} after ${decomposition.samples} proposals` +
        (decomposition.proposal === null ? ` (${decomposition.reason})` : `; ${decomposition.proposal.subtasks.length} steps: ${decomposition.proposal.subtasks.map((subtask) => subtask.id).join(', ')}`),
    );
  }
  if (pilot !== null) {
    lines.push(
      `pilot: run ${pilot.runId}, task ${pilot.taskId}: ${pilot.samples} samples, ${pilot.verified} verified, largest class ${pilot.largestClassVotes} votes`,
      `  model calls: ${pilot.samples} answered, ${pilot.failedCalls} without an answer${formatCounts(pilot.failedCallsByCause)}, ${pilot.retries} retries`,
      `  measured p = ${pilot.p === null ? 'n/a' : round(pilot.p)}, valid rate = ${pilot.validRate === null ? 'n/a' : round(pilot.validRate)}` +
        (pilot.p === 1 ? ` (every verified sample agreed: from ${pilot.verified} samples p = 1 is an optimistic figure)` : ''),
    );
  }
  if (estimated !== null) {
    const { estimate } = estimated;
    const rows: [string, string][] = [
      ['k_min', String(estimate.kMin)],
      ['success probability', round(estimate.successProbability, 6)],
      ['expected votes per step', round(estimate.expectedVotesPerStep)],
      ['expected calls per step', round(estimate.expectedCallsPerStep)],
      ['expected calls', count(estimate.expectedCalls)],
      ['expected tokens in / out', `${count(estimate.expectedInputTokens)} / ${count(estimate.expectedOutputTokens)}`],
      ['expected cost', `$${estimate.expectedCostUsd.toFixed(2)}`],
      ['expected wall time', `${duration(estimate.expectedWallMs)} (${options.parallel} in flight, ${options.callLatencyMs} ms per call)`],
    ];
    lines.push(
      `estimate: ${count(estimated.steps)} step(s) at p = ${round(estimated.p)}, valid rate ${round(estimated.validRate)}, target ${options.target}`,
      ...rows.map(([name, value]) => `  ${name.padEnd(26)}${value}`),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function round(value: number, digits = 4): string {
  return String(Number(value.toFixed(digits)));
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `950 ms`, `12.5 s`, `3 min 20 s`, `5 h 02 min`, `36 d 12 h`. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${round(seconds, 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${String(hours % 24).padStart(2, '0')} h`;
}
