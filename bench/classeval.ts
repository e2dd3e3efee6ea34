/**
 * @module bench/classeval
 * `classeval` (issue 14 #3), first part: ClassEval (100 Python classes, `../shared/bench/classeval/`) imported as class
 * specs - how many import, how many `>>>` examples become call-sequence steps and why the others do not - and every
 * imported task's reference solution through the default verification pipeline (all layers, the real sandbox):
 * how many pass, and the false rejections by layer and reason. A reference that needs a Python package this machine
 * lacks (numpy, nltk, ...: ClassEval's README lists Debian's packages) is counted apart, as the environment's
 * failure, not the pipeline's. Selection over the recorded samples (`../shared/recorded/classeval-c5/`) needs
 * `zerr solve` on class specs and comes with it.
 */
import { cpus, loadavg } from 'node:os';
import pLimit from 'p-limit';
import { BwrapSandbox } from '../src/sandbox/index.js';
import { importClassEvalRecords, readClassEvalRecords, type ClassEvalImport, type ClassEvalRecord } from '../src/task-spec/index.js';
import type { BenchmarkProblem } from '../src/task-spec/task-spec.js';
import { createDefaultVerifier, type VerificationReport } from '../src/verify/index.js';
import { CLASSEVAL_MODELS, type ClassEvalModel } from '../src/llm/providers/replay/load-classeval.js';
import { flagValues } from './lib/bench-args.js';
import type { Benchmark, BenchReport, BenchTable } from './lib/benchmark.js';
import { runClassEvalSelection, SELECTION_K, type TaskSelection } from './classeval/selection.js';
import { round1, seededSample, spread } from './verify/sample.js';

/** Verifications in flight (pyright takes a core for 1-2 s per candidate). */
const CONCURRENCY = 2;
/** Tasks verified in the quick run. */
const QUICK_TASKS = 4;
/** Tasks replayed in the quick run's selection (ChatGPT). */
const QUICK_SELECTION_TASKS = 2;
const SAMPLE_SEED = 14;
const PASSED = 'passed all';
const MISSING_PACKAGE = 'needs a package not installed';
const ERROR = 'error (threw)';

/** Outcome of one reference solution. */
interface Outcome {
  readonly id: string;
  /** First failing layer, {@link PASSED}, {@link MISSING_PACKAGE} or {@link ERROR}. */
  readonly verdict: string;
  readonly reason: string;
  readonly steps: number;
  readonly ms: number;
}

/** Whether a failure comes from a Python package the machine lacks (an import of the reference itself). */
function missingPackage(reason: string): boolean {
  return /ModuleNotFoundError|No module named|reportMissingImports|reportMissingModuleSource|Import "[\w.]+" could not be resolved/.test(reason);
}

async function verifyReference(problem: BenchmarkProblem, verify: (problem: BenchmarkProblem) => Promise<VerificationReport>): Promise<Outcome> {
  const started = performance.now();
  const steps = problem.spec.sequences.reduce((sum, sequence) => sum + sequence.steps.length, 0);
  try {
    const report = await verify(problem);
    const failed = report.results.find((r) => r.status === 'fail');
    const reason = failed?.reason.replace(/\s+/g, ' ').slice(0, 200) ?? '';
    const verdict = report.failedLayer === null ? PASSED : missingPackage(reason) ? MISSING_PACKAGE : report.failedLayer;
    return { id: problem.spec.id, verdict, reason, steps, ms: performance.now() - started };
  } catch (error) {
    return { id: problem.spec.id, verdict: ERROR, reason: error instanceof Error ? error.message : String(error), steps, ms: performance.now() - started };
  }
}

/** The reference solution of `record`: its `solution_code`, after the record's imports it does not already hold. */
function referenceOf(record: ClassEvalRecord): string {
  return `${record.import_statement.filter((line) => !record.solution_code.includes(line)).join('\n')}\n${record.solution_code}`;
}

/** The benchmark. */
export const benchmark: Benchmark = {
  name: 'classeval',
  description: 'ClassEval imported as class specs (examples that become call-sequence steps, and why the rest do not), and every reference solution through the default verification pipeline: passes, false rejections by layer and reason.',
  async run(context): Promise<BenchReport> {
    const loadAtStart = loadavg()[0] ?? 0;
    const records = await readClassEvalRecords({ dataDir: context.dataDir });
    const imported = await importClassEvalRecords(records);
    const solutions = new Map(records.map((record) => [record.task_id, referenceOf(record)]));
    const withSequences = imported.problems.filter((p) => p.spec.sequences.length > 0);
    const selected = context.quick ? seededSample(withSequences, QUICK_TASKS, SAMPLE_SEED) : imported.problems;
    const models = selectionModels(context.args, context.quick);
    const selectionProblems = context.quick ? seededSample(withSequences, QUICK_SELECTION_TASKS, SAMPLE_SEED + 1) : imported.problems;
    const sandbox = new BwrapSandbox();
    const verifier = createDefaultVerifier({ sandbox });
    const limit = pLimit(CONCURRENCY);
    let done = 0;
    let outcomes: Outcome[];
    const selections = new Map<ClassEvalModel, TaskSelection[]>();
    const selectionMs = new Map<ClassEvalModel, number>();
    try {
      outcomes = await Promise.all(selected.map((problem) => limit(async () => {
        const outcome = await verifyReference(problem, (p) => verifier.verify({ spec: p.spec, candidate: { language: 'python', code: solutions.get(p.spec.id) ?? '' } }, { runAll: false }));
        done += 1;
        if (done % 10 === 0 || done === selected.length) context.log(`[${done}/${selected.length}] ${outcome.id}: ${outcome.verdict}`);
        return outcome;
      })));
      for (const model of models) {
        const started = performance.now();
        selections.set(model, await runClassEvalSelection({
          dataDir: context.dataDir, model, problems: selectionProblems, sandbox, verifier, parallel: CONCURRENCY, log: context.log,
          imports: new Map(records.map((record) => [record.task_id, record.import_statement])),
          testClasses: new Map(records.map((record) => [record.task_id, record.test_classes.length])),
        }));
        selectionMs.set(model, performance.now() - started);
      }
    } finally {
      await verifier.close();
      await sandbox.close();
    }
    const base = report(imported, outcomes, { quick: context.quick, loadAverage1m: { start: round1(loadAtStart), end: round1(loadavg()[0] ?? 0) } });
    return withSelection(base, selections, selectionMs, context.quick);
  },
};

function report(imported: ClassEvalImport, outcomes: readonly Outcome[], config: { readonly quick: boolean; readonly loadAverage1m: { start: number; end: number } }): BenchReport {
  const problems = imported.problems;
  const sequences = problems.reduce((sum, p) => sum + p.spec.sequences.length, 0);
  const steps = problems.reduce((sum, p) => sum + p.spec.sequences.reduce((s, q) => s + q.steps.length, 0), 0);
  const skipped = [...imported.examplesSkipped].sort((a, b) => b[1] - a[1]);
  const skippedTotal = skipped.reduce((sum, [, n]) => sum + n, 0);
  const verdicts = [PASSED, 'syntax', 'types', 'security', 'static-analysis', 'unit-tests', MISSING_PACKAGE, ERROR] as const;
  const count = (verdict: string): number => outcomes.filter((o) => o.verdict === verdict).length;
  const rejected = outcomes.filter((o) => o.verdict !== PASSED && o.verdict !== MISSING_PACKAGE);
  const unitTestsRan = outcomes.filter((o) => o.steps > 0 && (o.verdict === PASSED || o.verdict === 'unit-tests'));
  const time = spread(outcomes.map((o) => o.ms));
  return {
    config: {
      ...config, dataset: 'ClassEval (FudanSELab/ClassEval @ eaeac44, MIT), 100 tasks', verified: outcomes.length, concurrency: CONCURRENCY,
      cores: cpus().length, pipeline: 'createDefaultVerifier, one BwrapSandbox, stop at the first failing layer',
    },
    seeds: config.quick ? { quickSample: SAMPLE_SEED } : {},
    figures: {
      tasks: problems.length + imported.notImported.length, imported: problems.length, notImported: imported.notImported,
      withSequences: problems.filter((p) => p.spec.sequences.length > 0).length, sequences, steps, examplesSkipped: Object.fromEntries(skipped),
      looselyTyped: imported.looselyTyped,
      references: Object.fromEntries(verdicts.map((v) => [v, count(v)])),
      falseRejections: rejected.map((o) => ({ id: o.id, layer: o.verdict, reason: o.reason })),
      referencesThroughSequences: unitTestsRan.length, msPerReference: time,
    },
    tables: [
      {
        title: 'Import',
        columns: ['measure', 'value'],
        rows: [
          ['tasks', problems.length + imported.notImported.length],
          ['imported as class specs', problems.length],
          ['  with at least one call sequence from the >>> examples', problems.filter((p) => p.spec.sequences.length > 0).length],
          ['  typed Any throughout (examples disagree with the docstring types)', imported.looselyTyped.length],
          ['call sequences / steps', `${sequences} / ${steps}`],
          ['examples that are not steps', skippedTotal],
          ...imported.notImported.map((n) => [`not imported: ${n.taskId}`, n.reason.slice(0, 120)]),
        ],
      },
      {
        title: 'Docstring examples that did not become steps, by reason',
        columns: ['reason', 'examples'],
        rows: skipped.map(([reason, n]) => [reason, n]),
      },
      {
        title: `Reference solutions through every layer${config.quick ? ' (quick sample)' : ''}`,
        columns: ['verdict', 'references'],
        rows: verdicts.map((v) => [v === PASSED ? 'passed every layer that applies' : v === MISSING_PACKAGE || v === ERROR ? v : `rejected at ${v}`, count(v)]),
      },
      {
        title: 'False rejections of reference solutions',
        columns: ['task', 'layer', 'reason'],
        rows: rejected.map((o) => [o.id, o.verdict, o.reason]),
      },
    ],
    notes: [
      `Time per reference, median ${time.median} ms, p90 ${time.p90} ms (pyright dominates); 1-minute load ${config.loadAverage1m.start} at the start, ${config.loadAverage1m.end} at the end.`,
      'A step with no output line in the docstring (`>>> obj.reset()`) requires only that the call returns; a `>>>` example that is not a call or field read on an instance of the class is not a step (table above).',
      'Reference solutions are verified here, not scored on the hidden tests: the recorded labels (`reference.labels.jsonl`) hold that score; the selection tables below score through the labels and the class proxy.',
    ],
  };
}

/** Models of the selection part: `--models a,b` (or `none`), default all three (ChatGPT alone in the quick run). */
function selectionModels(args: readonly string[], quick: boolean): ClassEvalModel[] {
  const given = flagValues(args, '--models', 'a comma-separated list of ChatGPT, CodeGeeX, Vicuna (or none)').at(-1);
  if (given === undefined) return quick ? ['ChatGPT'] : [...CLASSEVAL_MODELS];
  if (given === 'none') return [];
  return given.split(',').map((name) => {
    const model = CLASSEVAL_MODELS.find((known) => known === name.trim());
    if (model === undefined) throw new Error(`--models: unknown model ${JSON.stringify(name)}; expected ${CLASSEVAL_MODELS.join(', ')}`);
    return model;
  });
}

const percent = (part: number, whole: number): number => (whole === 0 ? 0 : round1((100 * part) / whole));

/** Sums `records` into one `{key: total}`. */
function sumCounts(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const record of records) for (const [key, n] of Object.entries(record)) out[key] = (out[key] ?? 0) + n;
  return out;
}

/** The selection figures of one model. */
function selectionFigures(tasks: readonly TaskSelection[]) {
  const n = tasks.length;
  const random = tasks.reduce((sum, t) => sum + t.labels.filter(Boolean).length / Math.max(1, t.labels.length), 0);
  const scorable = tasks.filter((t) => t.composed !== null && t.composed.passed !== null);
  const outcomes: Record<string, number> = {};
  for (const t of tasks) outcomes[t.zerr.outcome] = (outcomes[t.zerr.outcome] ?? 0) + 1;
  const agreements = tasks.flatMap((t) => t.proxyAgrees);
  return {
    tasks: n,
    randomPct: percent(random, n),
    majorityPct: percent(tasks.filter((t) => t.majority.passed).length, n),
    zerrPct: percent(tasks.filter((t) => t.zerr.passed).length, n),
    oraclePct: percent(tasks.filter((t) => t.labels.some(Boolean)).length, n),
    mixed: tasks.filter((t) => t.labels.some(Boolean) && !t.labels.every(Boolean)).length,
    zerrOutcomes: outcomes,
    samplesDrawn: tasks.reduce((sum, t) => sum + t.zerr.samples, 0),
    redFlagsByRule: sumCounts(tasks.map((t) => t.zerr.redFlagsByRule)),
    failedByLayer: sumCounts(tasks.map((t) => t.zerr.failedByLayer)),
    proxyAgreement: { agreeing: agreements.filter(Boolean).length, samples: agreements.length },
    composed: {
      scorableTasks: scorable.length,
      zerrPct: percent(scorable.filter((t) => t.zerr.passed).length, scorable.length),
      composedPct: percent(scorable.filter((t) => t.composed?.passed === true).length, scorable.length),
      oraclePct: percent(scorable.filter((t) => t.labels.some(Boolean)).length, scorable.length),
      kept: tasks.filter((t) => t.composed?.kept === true).length,
      withMethodsChanged: tasks.filter((t) => (t.composed?.changed ?? 0) > 0).length,
      changedAndKept: tasks.filter((t) => t.composed?.kept === true && t.composed.changed > 0).map((t) => ({ task: t.taskId, changed: t.composed?.changed, passed: t.composed?.passed, wholePassed: t.zerr.passed })),
    },
  };
}

/** `base` with the selection tables, figures and notes added. */
function withSelection(base: BenchReport, selections: ReadonlyMap<ClassEvalModel, TaskSelection[]>, ms: ReadonlyMap<ClassEvalModel, number>, quick: boolean): BenchReport {
  if (selections.size === 0) return base;
  const figures = Object.fromEntries([...selections].map(([model, tasks]) => [model, selectionFigures(tasks)]));
  const rows = [...selections.keys()].map((model) => [model, figures[model]] as const);
  const tables: BenchTable[] = [
    {
      title: `Choosing one class of 5 recorded samples: class-level pass@1 on the hidden tests, % of tasks${quick ? ' (quick sample)' : ''}`,
      columns: ['model', 'tasks', 'random', 'majority', `zerr (k=${SELECTION_K})`, 'oracle', 'mixed tasks', 'zerr outcomes', 'samples drawn'],
      rows: rows.map(([model, f]) => [model, f?.tasks ?? 0, f?.randomPct ?? 0, f?.majorityPct ?? 0, f?.zerrPct ?? 0, f?.oraclePct ?? 0, f?.mixed ?? 0,
        Object.entries(f?.zerrOutcomes ?? {}).map(([o, n]) => `${o} ${n}`).join(', '), f?.samplesDrawn ?? 0]),
    },
    {
      title: 'Samples zerr discarded before the vote, by red-flag rule and by the first layer that rejected',
      columns: ['model', 'red-flagged', 'rejected by layer'],
      rows: rows.map(([model, f]) => [model, Object.entries(f?.redFlagsByRule ?? {}).map(([r, n]) => `${r} ${n}`).join(', ') || '-',
        Object.entries(f?.failedByLayer ?? {}).map(([l, n]) => `${l} ${n}`).join(', ') || '-']),
    },
    {
      title: 'Composed method by method vs whole-sample selection, on the tasks the class proxy can score (%)',
      columns: ['model', 'scorable tasks', 'zerr whole sample', 'composed', 'oracle of whole samples', 'composed kept (verified)', 'tasks with methods from other samples'],
      rows: rows.map(([model, f]) => [model, f?.composed.scorableTasks ?? 0, f?.composed.zerrPct ?? 0, f?.composed.composedPct ?? 0, f?.composed.oraclePct ?? 0, f?.composed.kept ?? 0, f?.composed.withMethodsChanged ?? 0]),
    },
    {
      title: 'The class proxy against the recorded labels (every recorded sample scored both ways)',
      columns: ['model', 'samples', 'same verdict', '%'],
      rows: rows.map(([model, f]) => [model, f?.proxyAgreement.samples ?? 0, f?.proxyAgreement.agreeing ?? 0, percent(f?.proxyAgreement.agreeing ?? 0, f?.proxyAgreement.samples ?? 0)]),
    },
  ];
  return {
    ...base,
    config: { ...base.config, selection: { k: SELECTION_K, maxSamples: 5, models: [...selections.keys()], msPerModel: Object.fromEntries([...ms].map(([m, v]) => [m, Math.round(v)])) } },
    figures: { ...base.figures, selection: figures, selectionTasks: Object.fromEntries([...selections].map(([model, tasks]) => [model, tasks])) },
    tables: [...base.tables, ...tables],
    notes: [
      ...(base.notes ?? []),
      'Selection: random = the mean of the 5 samples\' labels; majority = the largest behaviour class of the 5 samples as they are (no red flags, no layers), its first sample; zerr = `engine.run` on the replayed samples (red flags, every layer, first-to-ahead-by-k, best partial without consensus), its chosen sample; oracle = any sample passes. A chosen recorded sample is scored by its recorded label (the ClassEval authors\' harness).',
      'Composed: each method voted on its own across the samples (orchestrate/compose-class.ts) on the base zerr chose (or the sample passing most visible sequences), verified through every layer, else zerr\'s choice stands. New code has no label: it is scored through the class proxy on the tasks where the proxy gives every recorded sample its label (scorable tasks), and by the label when it equals a recorded sample.',
      'Tasks the labels mark unusable (6: date-, host- or network-dependent, flaky or malformed tests) are left out. The labels are read only to score.',
    ],
  };
}
