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
import type { Benchmark, BenchReport } from './lib/benchmark.js';
import { round1, seededSample, spread } from './verify/sample.js';

/** Verifications in flight (pyright takes a core for 1-2 s per candidate). */
const CONCURRENCY = 2;
/** Tasks verified in the quick run. */
const QUICK_TASKS = 4;
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
    const sandbox = new BwrapSandbox();
    const verifier = createDefaultVerifier({ sandbox });
    const limit = pLimit(CONCURRENCY);
    let done = 0;
    let outcomes: Outcome[];
    try {
      outcomes = await Promise.all(selected.map((problem) => limit(async () => {
        const outcome = await verifyReference(problem, (p) => verifier.verify({ spec: p.spec, candidate: { language: 'python', code: solutions.get(p.spec.id) ?? '' } }, { runAll: false }));
        done += 1;
        if (done % 10 === 0 || done === selected.length) context.log(`[${done}/${selected.length}] ${outcome.id}: ${outcome.verdict}`);
        return outcome;
      })));
    } finally {
      await verifier.close();
      await sandbox.close();
    }
    return report(imported, outcomes, { quick: context.quick, loadAverage1m: { start: round1(loadAtStart), end: round1(loadavg()[0] ?? 0) } });
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
      'The hidden unittest suites are not run here: scoring class specs on them needs a class proxy across the two sandboxed processes (the candidate never shares a process with the tests), which comes with `zerr solve` on classes.',
    ],
  };
}
