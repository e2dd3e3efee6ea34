/**
 * @module bench/selection
 * Issue 5 #1: selection among CodeT's 100 recorded CodeGen-Mono-16B samples per HumanEval problem (Chen et al.,
 * "CodeT", ICLR 2023, arXiv 2207.10397). The engine replays the samples (red flags, verification, semantic
 * signatures, first-to-ahead-by-k vote) and its chosen candidate is scored by the `passed` label of that recorded
 * sample (labels = the hidden HumanEval tests, run once; used ONLY to score). Baselines on the same data: random
 * choice, CodeT's dual execution agreement (re-implemented, `selection/dual-agreement.ts`) and the oracle.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { createEngine } from '../src/engine.js';
import { ReplayLanguageModel } from '../src/llm/providers/replay/replay-language-model.js';
import { BwrapSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { loadHumanEval } from '../src/task-spec/importers/humaneval.js';
import type { BenchmarkProblem, TestCase } from '../src/task-spec/task-spec.js';
import { MemoryRunStore } from '../src/store/memory/memory-run-store.js';
import { createDefaultVerifier } from '../src/verify/index.js';
import { flagValues } from './lib/bench-args.js';
import type { Benchmark, BenchContext, BenchReport, BenchTable } from './lib/benchmark.js';
import { dualAgreementChoice, passMatrix } from './selection/dual-agreement.js';
import { MemoSandbox } from './selection/memo-sandbox.js';
import { extractAsserts, modelTestCases } from './selection/model-tests.js';
import { TrackingModel } from './selection/tracking-model.js';
import {
  configKey, mean, parseConfigKey, pct, readIncludedRun, sortedEntries, zerrFigures, zerrRows,
  type IncludedRun, type ZerrConfig, type ZerrFigures, type ZerrProblemResult,
} from './selection/zerr-figures.js';

export type { ZerrConfig } from './selection/zerr-figures.js';

const RECORDED = join('recorded', 'codet-humaneval-codegen16b');
const TEST_SAMPLES_FILE = 'HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl';
const TEST_PROMPTS_FILE = 'HumanEval_for_test_case_generation.jsonl';
/** Problems of the quick form: a spread of easy, hard and unsolvable ones. */
export const QUICK_TASKS = ['HumanEval/0', 'HumanEval/10', 'HumanEval/32'];
/** Published / re-run reference figures (README of the recording). */
export const REFERENCE = { random: 22.1, codetPublished: 36.7, codetRerun: 37.2, oracle: 73.8 } as const;
const REPLAY_SEED = 0;
const PARALLEL_PROBLEMS = 2;

interface Labeled { task_id: string; prompt: string; completions: string[]; samples_raw: string[]; passed: boolean[] }

async function readJsonl<T>(path: string): Promise<T[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  }));
  return results;
}

/**
 * The configurations run. Quick: k 3, settings (a) and (b), with and without model tests. Full: by default only
 * setting (a), k 3, without model tests (what fits ~30 min on 2 cores); `--full-grid` runs k 5, 3, 2 with and
 * without model tests in (a) and k 3 in (b). Larger k first, so the smaller ones mostly hit the sandbox memo.
 */
export function zerrGrid(quick: boolean, args: readonly string[]): ZerrConfig[] {
  if (quick) {
    return [
      { setting: 'a', k: 3, modelTests: false }, { setting: 'a', k: 3, modelTests: true },
      { setting: 'b', k: 3, modelTests: false }, { setting: 'b', k: 3, modelTests: true },
    ];
  }
  const gridIndex = args.indexOf('--grid');
  if (gridIndex >= 0) return parseGrid(args[gridIndex + 1] ?? '');
  if (!args.includes('--full-grid')) return [{ setting: 'a', k: 3, modelTests: false }];
  return [
    ...[5, 3, 2].map((k) => ({ setting: 'a' as const, k, modelTests: false })),
    ...[5, 3, 2].map((k) => ({ setting: 'a' as const, k, modelTests: true })),
    { setting: 'b', k: 3, modelTests: false }, { setting: 'b', k: 3, modelTests: true },
  ];
}

/**
 * Parses `--grid a:5,a:3,a:2,a:3+tests,b:3`: setting, k, and `+tests` for "with model tests". `none` (or an empty
 * value) runs no zerr configuration: the baselines only, with rows carried over by `--include`.
 * @throws Error naming the bad entry.
 */
export function parseGrid(value: string): ZerrConfig[] {
  if (value.trim() === 'none') return [];
  return value.split(',').filter((entry) => entry !== '').map((entry) => {
    const match = /^([ab]):(\d+)(\+tests)?$/.exec(entry.trim());
    if (match === null) throw new Error(`--grid: bad entry ${JSON.stringify(entry)}; expected <a|b>:<k>[+tests], e.g. a:5,a:3+tests`);
    return { setting: match[1] as 'a' | 'b', k: Number(match[2]), modelTests: match[3] !== undefined };
  });
}

async function runZerr(options: {
  config: ZerrConfig; problems: readonly BenchmarkProblem[]; dir: string; raw: ReadonlyMap<string, readonly string[]>;
  labels: ReadonlyMap<string, readonly boolean[]>; sandbox: Sandbox; verifier: ReturnType<typeof createDefaultVerifier>;
  advisory: Readonly<Record<string, readonly TestCase[]>>;
}): Promise<ZerrProblemResult[]> {
  const { config } = options;
  const replay = await ReplayLanguageModel.fromCodeT({ dir: options.dir, seed: REPLAY_SEED });
  const model = new TrackingModel(replay, options.raw, REPLAY_SEED);
  const store = new MemoryRunStore();
  const engine = createEngine({ model, modelName: 'replay:codet', store, sandbox: options.sandbox, verifier: options.verifier, pythonTypes: false });
  try {
    return await pool(options.problems, PARALLEL_PROBLEMS, async (problem) => {
      const { results } = await engine.run([problem.spec], {
        k: config.k, maxSamples: 100, kind: 'bench-selection',
        ...(config.modelTests ? { advisoryTests: options.advisory } : {}),
      });
      const result = results[0];
      if (result === undefined) throw new Error(`no result for ${problem.spec.id}`);
      const representative = result.classes.find((tally) => tally.classKey === result.classKey)?.representative;
      const recorded = representative === undefined ? undefined : model.served.get(problem.spec.id)?.get(representative);
      const passed = recorded !== undefined && result.code !== null && (options.labels.get(problem.spec.id)?.[recorded] ?? false);
      return { taskId: problem.spec.id, outcome: result.outcome, samples: result.samples, passed, redFlagsByRule: { ...result.redFlagsByRule }, redFlagged: result.redFlagged };
    });
  } finally {
    // Not engine.close(): the sandbox is shared by every configuration.
    await model.close();
    await store.close();
  }
}

/**
 * The files named by `--include <selection.json>` (repeatable): earlier full runs whose zerr configurations this
 * run does not repeat are carried into its tables, so a grid too long for one sitting can be measured in parts.
 * @throws Error when `--include` has no file after it.
 */
export function includedFiles(args: readonly string[]): string[] {
  return flagValues(args, '--include', 'a selection.json');
}

/** Runs the benchmark (see the module comment and bench/selection notes). */
export async function runSelection(context: BenchContext): Promise<BenchReport> {
  const dir = join(context.dataDir, RECORDED);
  const labeled = await readJsonl<Labeled>(join(dir, 'labeled_solutions.jsonl'));
  const testPrompts = await readJsonl<{ task_id: string; prompt: string }>(join(dir, TEST_PROMPTS_FILE));
  const testSamples = await readJsonl<{ prompt: string; samples: string[] }>(join(dir, TEST_SAMPLES_FILE));
  const taskByTestPrompt = new Map(testPrompts.map((record) => [record.prompt, record.task_id]));
  const writtenTests = new Map(testSamples.map((record) => [taskByTestPrompt.get(record.prompt) ?? '', record.samples]));
  const wanted = context.quick ? new Set(QUICK_TASKS) : undefined;
  const pick = (problems: BenchmarkProblem[]) => problems.filter((problem) => wanted?.has(problem.spec.id) ?? true);
  const problemsA = pick(await loadHumanEval({ dataDir: context.dataDir, source: 'codet' }));
  const problemsB = pick(await loadHumanEval({ dataDir: context.dataDir, source: 'codet', visibleExamples: true }));
  const taskIds = problemsA.map((problem) => problem.spec.id);
  const byTask = new Map(labeled.map((record) => [record.task_id, record]));
  const labels = new Map(labeled.map((record) => [record.task_id, record.passed]));
  const saveEach = context.quick ? undefined : flagValues(context.args, '--save-each', 'a file').at(-1);
  const included: IncludedRun[] = [];
  for (const file of includedFiles(context.args)) included.push(await readIncludedRun(file, taskIds.length));
  const raw = new Map(labeled.map((record) => [record.task_id, record.samples_raw]));

  // Model-written tests: raw asserts (for CodeT) and the literal ones as advisory test cases (for zerr).
  const asserts = new Map(taskIds.map((id) => [id, extractAsserts(writtenTests.get(id) ?? [])]));
  const advisory: Record<string, readonly TestCase[]> = {};
  for (const problem of problemsA) advisory[problem.spec.id] = modelTestCases(asserts.get(problem.spec.id) ?? [], problem.spec.signature.entryPoint);

  const bwrap = new BwrapSandbox();
  const sandbox = new MemoSandbox(bwrap);
  const verifier = createDefaultVerifier({ sandbox, pythonTypes: false });
  const figures: Record<string, unknown> = {};
  const methodRows: (string | number)[][] = [];
  const samplesRows: (string | number)[][] = [];
  const flagRows: (string | number)[][] = [];
  const chartData: { method: string; pass1: number }[] = [];
  const carried: { key: string; command: string; date: string }[] = [];
  try {
    const randomPerProblem = taskIds.map((id) => mean((labels.get(id) ?? []).map(Number)));
    const oraclePerProblem = taskIds.map((id) => ((labels.get(id) ?? []).some(Boolean) ? 1 : 0));

    let started = performance.now();
    const codetPerProblem = await pool(taskIds, PARALLEL_PROBLEMS, async (id) => {
      const record = byTask.get(id);
      if (record === undefined) throw new Error(`no labeled samples for ${id}`);
      const rows = await passMatrix({ sandbox, prompt: record.prompt, completions: record.completions, tests: (asserts.get(id) ?? []).map((a) => a.statement) });
      const chosen = dualAgreementChoice(rows);
      return mean(chosen.map((index) => Number(record.passed[index] ?? false)));
    });
    context.log(`selection: CodeT dual agreement on ${taskIds.length} problems in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const baseline = [
      { method: 'random choice', values: randomPerProblem, reference: `${REFERENCE.random}` },
      { method: 'CodeT dual agreement (re-implemented)', values: codetPerProblem, reference: `${REFERENCE.codetPublished} published / ~${REFERENCE.codetRerun} re-run` },
      { method: 'oracle', values: oraclePerProblem, reference: `${REFERENCE.oracle}` },
    ];
    for (const { method, values, reference } of baseline) {
      methodRows.push([method, 'a (no docstring examples)', pct(mean(values)).toFixed(1), reference, values.length]);
      chartData.push({ method, pass1: pct(mean(values)) });
      figures[method] = pct(mean(values));
    }

    const zerr: Record<string, ZerrFigures> = {};
    for (const config of zerrGrid(context.quick, context.args)) {
      started = performance.now();
      const problems = config.setting === 'a' ? problemsA : problemsB;
      const results = await runZerr({ config, problems, dir, raw, labels, sandbox, verifier, advisory });
      const seconds = (performance.now() - started) / 1000;
      const key = configKey(config);
      zerr[key] = zerrFigures(results, seconds);
      const entry = zerr[key];
      if (saveEach !== undefined) await saveProgress(saveEach, context, taskIds.length, zerr);
      context.log(`selection: ${key}: pass@1 ${entry.pass1}, ${entry.meanSamples.toFixed(1)} samples/problem, ${seconds.toFixed(0)} s (cache ${sandbox.hits} hits / ${sandbox.misses} misses)`);
    }
    for (const source of included) {
      for (const [key, entry] of Object.entries(source.zerr)) {
        if (key in zerr) continue;
        const from = entry.from ?? { command: source.command, date: source.date };
        zerr[key] = { ...entry, from };
        carried.push({ key, ...from });
      }
    }
    for (const [key, entry] of sortedEntries(zerr)) {
      const config = parseConfigKey(key);
      const rows = zerrRows(config, entry);
      methodRows.push(rows.method);
      samplesRows.push(rows.samples);
      flagRows.push(rows.flags);
      if (config.setting === 'a') chartData.push({ method: String(rows.method[0]), pass1: entry.pass1 });
    }
    figures['zerr'] = zerr;
    figures['perProblem'] = taskIds.map((id, index) => ({ taskId: id, random: randomPerProblem[index], codet: codetPerProblem[index], oracle: oraclePerProblem[index] }));
  } finally {
    await sandbox.close();
  }

  const advisoryCounts = taskIds.map((id) => advisory[id]?.length ?? 0);
  const assertCounts = taskIds.map((id) => asserts.get(id)?.length ?? 0);
  const tables: BenchTable[] = [
    { title: 'pass@1 per method (%)', columns: ['method', 'setting', 'pass@1', 'reference', 'problems'], rows: methodRows },
    {
      title: 'zerr: samples drawn per problem and consensus',
      columns: ['setting', 'model tests', 'k', 'pass@1', 'samples mean', 'median', 'p90', 'consensus', 'best-partial', 'no verified sample', 'seconds'],
      rows: samplesRows,
    },
    { title: 'zerr: red flags by rule', columns: ['setting', 'model tests', 'k', 'samples drawn', 'red-flagged', 'by rule'], rows: flagRows },
  ];
  const chart: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `pass@1 on HumanEval, CodeT's CodeGen-16B samples, setting (a), ${taskIds.length} problems`,
    width: 520, height: 300,
    layer: [
      {
        data: { values: chartData },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'method', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'pass1', type: 'quantitative', title: 'pass@1 (%)', scale: { domain: [0, 100] } },
        },
      },
      {
        data: { values: chartData },
        mark: { type: 'text', align: 'left', dx: 3 },
        encoding: {
          y: { field: 'method', type: 'nominal', sort: null },
          x: { field: 'pass1', type: 'quantitative' },
          text: { field: 'pass1', type: 'quantitative', format: '.1f' },
        },
      },
      {
        data: { values: [
          { label: `random ${REFERENCE.random}`, value: REFERENCE.random },
          { label: `CodeT ${REFERENCE.codetPublished}`, value: REFERENCE.codetPublished },
          { label: `oracle ${REFERENCE.oracle}`, value: REFERENCE.oracle },
        ] },
        mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 3] },
        encoding: { x: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: [
          { label: `random ${REFERENCE.random}`, value: REFERENCE.random },
          { label: `CodeT ${REFERENCE.codetPublished}`, value: REFERENCE.codetPublished },
          { label: `oracle ${REFERENCE.oracle}`, value: REFERENCE.oracle },
        ] },
        mark: { type: 'text', color: 'firebrick', dy: -6, align: 'left', dx: 3, baseline: 'bottom', y: 0 },
        encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
  return {
    config: {
      problems: taskIds.length, quick: context.quick, grid: zerrGrid(context.quick, context.args), carriedOver: carried, maxSamples: 100, replaySeed: REPLAY_SEED,
      parallelProblems: PARALLEL_PROBLEMS, pythonTypes: false, advisoryThreshold: 0.5, scoring: 'passed labels of labeled_solutions.jsonl',
    },
    seeds: { replay: REPLAY_SEED, signatureInputs: 42 },
    figures,
    tables,
    chart,
    notes: [
      'Scoring: the chosen candidate is mapped back to its recorded sample (index in the CodeT file) and scored by that sample\'s `passed` label in labeled_solutions.jsonl (the hidden HumanEval tests, run once by the data preparation). Labels and hidden tests are never shown to any selection method. A problem where zerr chose nothing (no sample passed red-flagging and verification) counts as failed.',
      'Random choice = mean of the 100 labels per problem; oracle = 1 when any of the 100 samples passes.',
      `CodeT dual agreement, re-implemented: model-written test samples cut into assert statements (<= 5 per sample, deduplicated: mean ${mean(assertCounts).toFixed(1)} per problem); every code sample (CodeT's stop-list completion) is run against every assert (0.5 s per assert, 3 s per sample, one fork per sample, one bwrap run per problem); samples are grouped by the exact set of asserts they pass; score = samples x asserts passed; the top group wins and is scored as a uniform pick among its members (ties between groups pooled).`,
      `zerr "with model tests": the model-written asserts of the form f(literals) == literal (and f(..), not f(..), is True/False/None), parsed with src/task-spec/python-literal.ts, deduplicated, most-written first, at most 64 (mean ${mean(advisoryCounts).toFixed(1)} per problem, ${advisoryCounts.filter((n) => n === 0).length} problems with none) are passed as advisory tests: their inputs join the semantic-signature inputs, a class passing fewer than 0.5 x the advisory tests of the best class seen so far takes no part in the vote, and best-partial picks by votes x passes (CodeT's score). "without" = engine defaults (generated inputs only).`,
      'Setting (a) is CodeT\'s: prompts without docstring examples, no visible tests. Setting (b) adds the original docstring examples as visible tests (unit-test layer + signature inputs); the code samples are still the ones CodeGen wrote for the prompts without examples.',
      'Engine: one shared bwrap sandbox wrapped in a memoising decorator (identical sandboxed runs across the k-grid run once), one shared verifier, pyright off (createEngine pythonTypes: false - pyright costs 1.5-4.5 s per candidate), 2 problems in parallel, replay seed 0 (sample order), maxSamples 100 (the recording).',
      context.quick
        ? 'Quick form: 6 problems, k = 3 only, both settings, with and without model tests.'
        : context.args.includes('--grid')
          ? `Grid chosen with --grid ${context.args[context.args.indexOf('--grid') + 1] ?? ''} (setting:k[+tests]).`
          : context.args.includes('--full-grid')
          ? 'Full grid: k = 5, 3, 2 with and without model tests in setting (a); k = 3 in setting (b).'
          : 'Full form reduced to fit the time budget: zerr only at k = 3 without model tests in setting (a) (about 5 s per problem on 2 cores); `--full-grid` runs k = 5, 3, 2 with and without model tests and setting (b).',
      ...carriedNotes(carried),
    ],
  };
}

/**
 * `--save-each <file>`: after each configuration, the figures so far, in the shape `--include` reads, so that a run
 * of hours that is killed or crashes keeps what it finished.
 */
export async function saveProgress(file: string, context: BenchContext, problems: number, zerr: Readonly<Record<string, ZerrFigures>>): Promise<void> {
  const command = `npm run bench -- selection ${context.args.join(' ')}`;
  await writeFile(file, `${JSON.stringify({ benchmark: 'selection', quick: false, command, date: new Date().toISOString(), config: { problems }, figures: { zerr } }, null, 2)}\n`);
}

/** One note per earlier run whose configurations were carried over, naming them, its command and date. */
function carriedNotes(carried: readonly { key: string; command: string; date: string }[]): string[] {
  const byRun = new Map<string, string[]>();
  for (const { key, command, date } of carried) {
    const run = `\`${command}\` (${date})`;
    byRun.set(run, [...(byRun.get(run) ?? []), key]);
  }
  return [...byRun].map(([run, keys]) =>
    `Carried over unchanged from the earlier full run ${run} with --include (same data, seeds and engine; its seconds are that run's): ${keys.join(', ')}. The baselines above were recomputed in this run.`);
}

/** The `selection` benchmark. */
export const benchmark: Benchmark = {
  name: 'selection',
  description: 'Selecting among CodeT\'s 100 recorded CodeGen-Mono-16B samples per HumanEval problem: zerr (first-to-ahead-by-k over execution-based equivalence classes, with and without model-written tests) vs random, CodeT dual execution agreement and the oracle, scored on the hidden tests.',
  run: runSelection,
};
