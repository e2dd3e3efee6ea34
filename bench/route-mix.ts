/**
 * @module bench/route-mix
 * `npm run bench -- route-mix` (issue 16 #2): what a mixed route does to selection, against any single model. The
 * ClassEval authors' greedy outputs of nine models (`../shared/recorded/classeval-c5/greedy/`, one sample per task
 * and model) are nine replay models behind one {@link ModelRouter} (equal weights): `engine.run` on each imported
 * ClassEval class spec draws its samples from the route (a model with nothing left for the task hands the call to
 * the next), red-flags, verifies through every layer and votes first-to-ahead-by-k (k = 2) over at most the nine
 * samples. The chosen sample is scored by its recorded label (the authors' harness); each single model's figure is
 * its own greedy sample's label. The labels are read only to score, never to choose.
 *
 * Full: every imported task the reference labels mark usable. `--quick`: 2 tasks.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { createEngine } from '../src/engine.js';
import { wrapLanguageModel, type LanguageModelMiddleware } from '../src/llm/language-model.js';
import { ReplayLanguageModel } from '../src/llm/providers/replay/replay-language-model.js';
import { readJsonl } from '../src/llm/providers/replay/read-jsonl.js';
import { ModelRouter } from '../src/llm/router/model-router.js';
import { BwrapSandbox } from '../src/sandbox/index.js';
import { MemoryRunStore } from '../src/store/memory/memory-run-store.js';
import { importClassEvalRecords, readClassEvalRecords } from '../src/task-spec/index.js';
import { createDefaultVerifier } from '../src/verify/index.js';
import { z } from 'zod';
import type { Benchmark, BenchReport } from './lib/benchmark.js';
import { seededSample } from './verify/sample.js';

/** The nine models with greedy ClassEval outputs, in the order of the README's figures. */
export const GREEDY_MODELS = [
  'ChatGPT', 'WizardCoder', 'instruct-StarCoder', 'instruct-CodeGen-16b', 'incoder', 'Vicuna', 'CodeGeeX', 'PolyCoder', 'SantaCoder',
] as const;
/** Margin of the vote over the route's samples. */
const K = 2;
/** Runs in flight (pyright takes a core for 1-2 s per candidate). */
const CONCURRENCY = 2;
const QUICK_TASKS = 2;
const SAMPLE_SEED = 16;

const SampleLine = z.object({ task_id: z.string().min(1), samples: z.array(z.string()) });
const LabelLine = z.object({ task_id: z.string(), passed_class: z.array(z.boolean()), usable: z.boolean() });

/** Drops `metadata.sampleIndex`, so a replay member serves its task's samples in order (its own cursor). */
const withoutSampleIndex: LanguageModelMiddleware = {
  name: 'without-sample-index',
  wrapGenerate: (options, next) => {
    const { sampleIndex: _dropped, ...metadata } = options.metadata ?? {};
    return next({ ...options, metadata });
  },
};

/** What the route did on one task. */
interface TaskOutcome {
  readonly taskId: string;
  readonly outcome: string;
  /** The model whose sample was chosen, or null (no consensus and nothing kept). */
  readonly chosen: string | null;
  readonly passed: boolean;
  readonly calls: number;
  /** Per model, whether its greedy sample passes (its label). */
  readonly labels: Readonly<Record<string, boolean>>;
  /**
   * Per model, whether its sample passed the engine's red flags and every layer (it got a vote): what that model
   * alone gives through the engine (k = 1 over its one sample), scored with its label.
   */
  readonly verified: Readonly<Record<string, boolean>>;
}

export const benchmark: Benchmark = {
  name: 'route-mix',
  description: 'A mixed route against single models: the greedy ClassEval samples of nine models behind one ModelRouter, selected by the engine (red flags, eight layers, first-to-ahead-by-k, k=2), against each model\'s own greedy sample.',
  async run(context): Promise<BenchReport> {
    const dir = join(context.dataDir, 'recorded', 'classeval-c5');
    const records = await readClassEvalRecords({ dataDir: context.dataDir });
    const imported = await importClassEvalRecords(records);
    const labels = new Map<string, Map<string, boolean>>();
    const members = [];
    for (const model of GREEDY_MODELS) {
      const tasks = (await readJsonl(join(dir, 'greedy', `${model}.t0.samples.jsonl`), SampleLine)).map(({ value }) => ({
        taskId: value.task_id, completions: value.samples, style: 'full-code' as const,
      }));
      // The route's sample index picks the member; the member itself serves its one sample per task whatever that
      // index is (a replay keyed on the route's index would have nothing at index 1 and up).
      const replay = new ReplayLanguageModel({ tasks, modelId: `${model}@classeval-greedy` });
      members.push({ name: model, weight: 1, model: wrapLanguageModel(replay, withoutSampleIndex) });
      for (const { value } of await readJsonl(join(dir, 'greedy', `${model}.t0.labels.jsonl`), LabelLine)) {
        let perTask = labels.get(value.task_id);
        if (perTask === undefined) labels.set(value.task_id, (perTask = new Map()));
        perTask.set(model, value.passed_class[0] === true);
      }
    }
    const usable = new Set((await readFile(join(dir, 'reference.labels.jsonl'), 'utf8')).trim().split('\n')
      .map((line) => LabelLine.parse(JSON.parse(line))).filter((line) => line.usable).map((line) => line.task_id));
    const all = imported.problems.filter((problem) => usable.has(problem.spec.id) && labels.has(problem.spec.id));
    const problems = context.quick ? seededSample(all, QUICK_TASKS, SAMPLE_SEED) : all;
    const router = new ModelRouter({ route: 'coder', mix: members });
    const sandbox = new BwrapSandbox();
    const verifier = createDefaultVerifier({ sandbox });
    const store = new MemoryRunStore();
    const engine = createEngine({ model: router, modelName: 'route:coder(9 greedy ClassEval models)', store, sandbox, verifier });
    const started = performance.now();
    let done = 0;
    try {
      const limit = pLimit(CONCURRENCY);
      const outcomes = await Promise.all(problems.map((problem) => limit(async (): Promise<TaskOutcome> => {
        const { spec } = problem;
        const taskLabels = Object.fromEntries(labels.get(spec.id) ?? []);
        const { runId, results } = await engine.run([spec], { k: K, maxSamples: GREEDY_MODELS.length, kind: 'bench-route-mix' });
        const result = results[0];
        if (result === undefined) throw new Error(`no result for ${spec.id}`);
        const representative = result.classes.find((tally) => tally.classKey === result.classKey)?.representative;
        const run = await store.getRun(runId);
        const chosen = result.code === null || representative === undefined
          ? null
          : (run?.samples.find((sample) => sample.taskId === spec.id && sample.sampleIndex === representative)?.model ?? null);
        const voted = new Set((run?.votes ?? []).filter((vote) => vote.taskId === spec.id).map((vote) => vote.sampleIndex));
        const verified = Object.fromEntries(GREEDY_MODELS.map((model) => [model,
          (run?.samples ?? []).some((sample) => sample.taskId === spec.id && sample.model === model && voted.has(sample.sampleIndex))]));
        done += 1;
        context.log(`[${done}/${problems.length}] ${spec.id}: ${result.outcome}, chosen ${chosen ?? '-'} after ${result.samples} samples`);
        return { taskId: spec.id, outcome: result.outcome, chosen, passed: chosen !== null && taskLabels[chosen] === true, calls: result.samples, labels: taskLabels, verified };
      })));
      return report(outcomes, { quick: context.quick, wallMs: performance.now() - started, stats: router.stats() });
    } finally {
      await engine.close();
    }
  },
};

function report(outcomes: readonly TaskOutcome[], config: { quick: boolean; wallMs: number; stats: ReturnType<ModelRouter['stats']> }): BenchReport {
  const tasks = outcomes.length;
  const pct = (n: number): string => `${((100 * n) / Math.max(1, tasks)).toFixed(1)}%`;
  const single = GREEDY_MODELS.map((model) => ({
    model,
    passed: outcomes.filter((o) => o.labels[model] === true).length,
    throughEngine: outcomes.filter((o) => o.labels[model] === true && o.verified[model] === true).length,
    falselyRejected: outcomes.filter((o) => o.labels[model] === true && o.verified[model] !== true).length,
  }));
  const best = [...single].sort((a, b) => b.passed - a.passed)[0];
  const routePassed = outcomes.filter((o) => o.passed).length;
  const oracle = outcomes.filter((o) => Object.values(o.labels).some(Boolean)).length;
  const verifiedOracle = outcomes.filter((o) => GREEDY_MODELS.some((model) => o.labels[model] === true && o.verified[model] === true)).length;
  const bestThroughEngine = [...single].sort((a, b) => b.throughEngine - a.throughEngine)[0];
  const byOutcome = new Map<string, number>();
  for (const o of outcomes) byOutcome.set(o.outcome, (byOutcome.get(o.outcome) ?? 0) + 1);
  const chosenBy = new Map<string, { chosen: number; passed: number }>();
  for (const o of outcomes) {
    if (o.chosen === null) continue;
    const row = chosenBy.get(o.chosen) ?? { chosen: 0, passed: 0 };
    chosenBy.set(o.chosen, { chosen: row.chosen + 1, passed: row.passed + (o.passed ? 1 : 0) });
  }
  const calls = outcomes.reduce((sum, o) => sum + o.calls, 0);
  // Tasks the route got right that the best single model's greedy sample got wrong, and the reverse.
  const gained = best === undefined ? 0 : outcomes.filter((o) => o.passed && o.labels[best.model] !== true).length;
  const lost = best === undefined ? 0 : outcomes.filter((o) => !o.passed && o.labels[best.model] === true).length;
  return {
    config: {
      quick: config.quick, k: K, maxSamples: GREEDY_MODELS.length, weights: 'equal', concurrency: CONCURRENCY,
      dataset: 'ClassEval (FudanSELab/ClassEval @ eaeac44, MIT), greedy outputs of 9 models', tasks,
    },
    seeds: config.quick ? { quickSample: SAMPLE_SEED } : {},
    figures: {
      tasks, single: Object.fromEntries(single.map((row) => [row.model, row.passed])),
      singleThroughEngine: Object.fromEntries(single.map((row) => [row.model, row.throughEngine])), route: routePassed, oracle, verifiedOracle,
      bestSingle: best ?? null, gainedOverBest: gained, lostToBest: lost, outcomes: Object.fromEntries(byOutcome),
      chosenByModel: Object.fromEntries(chosenBy), callsPerTask: calls / Math.max(1, tasks), wallMs: config.wallMs,
      routerStats: config.stats, perTask: outcomes,
    },
    tables: [
      {
        title: `Class-level pass over ${tasks} tasks: one model's greedy sample against the engine choosing among all nine (k=${K})`,
        columns: ['selection', 'tasks passed', 'pass rate', 'through the engine (its sample verified, k=1)', 'passing samples the engine rejected'],
        rows: [
          ...single.map((row) => [`${row.model} alone (its greedy sample)`, row.passed, pct(row.passed), row.throughEngine, row.falselyRejected]),
          [`route of all nine, engine's choice (red flags, 8 layers, first-to-ahead-by-${K})`, routePassed, pct(routePassed), routePassed, '-'],
          ['oracle: any of the nine passes (through the engine: any verified one passes)', oracle, pct(oracle), verifiedOracle, '-'],
        ],
      },
      {
        title: 'Which model\'s sample the engine chose',
        columns: ['model', 'chosen', 'of which pass'],
        rows: [...chosenBy].sort((a, b) => b[1].chosen - a[1].chosen).map(([model, row]) => [model, row.chosen, row.passed]),
      },
      {
        title: 'Decisions',
        columns: ['outcome', 'tasks'],
        rows: [...byOutcome].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => [outcome, n]),
      },
    ],
    notes: [
      `Against the best single model (${best?.model ?? '-'}, ${best?.passed ?? 0} tasks): the route passes ${gained} tasks its greedy sample fails and fails ${lost} it passes. ` +
        `Through the engine the best single model (${bestThroughEngine?.model ?? '-'}) gives ${bestThroughEngine?.throughEngine ?? 0}: "alone" scores a sample whatever the engine thinks of it, ` +
        '"through the engine" only a sample that passed every layer, as the route\'s choice is.',
      `Calls per task: ${(calls / Math.max(1, tasks)).toFixed(2)} of at most ${GREEDY_MODELS.length} (the vote stops at a lead of ${K}). The draw order is fixed by (task, sample index); a model with no sample left for a task hands the call on.`,
      'A chosen sample is scored by its recorded label (the ClassEval authors\' harness, `../shared/recorded/classeval-c5/README.txt`); labels never take part in the choice. Tasks the reference labels mark unusable are left out.',
      'The route prompts nothing: replayed outputs were written for the ClassEval prompt. What it shows is selection over a mix of models, not what each model would answer to the engine\'s own prompt.',
    ],
  };
}
