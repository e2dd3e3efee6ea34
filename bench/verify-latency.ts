/**
 * @module bench/verify-latency
 * `verify-latency` (issues 3, 5 #3 and 12 #5): time to verify one TypeScript candidate with the warm pipeline
 * (syntax + types + unit tests: a warm compiler, one `SandboxCandidateRunner` on one `BwrapSandbox` with pre-started
 * processes)
 * against a cold pipeline (spawn `tsc --noEmit --strict`, then spawn `node` with the tests). Candidates are MBXP-TS
 * known-good canonical solutions; both pipelines see the same candidates, interleaved warm, cold, warm, cold, ...
 */
import { cpus, loadavg } from 'node:os';
import { BwrapSandbox, SandboxCandidateRunner } from '../src/sandbox/index.js';
import {
  SyntaxLayer, TypesLayer, TypeScriptCompilerService, UnitTestsLayer, Verifier, type LayerName, type VerificationReport,
} from '../src/verify/index.js';
import type { Benchmark, BenchReport } from './lib/benchmark.js';
import { COLD_TSC_FLAGS, verifyCold, type ColdResult } from './verify/cold-pipeline.js';
import { loadMbxpProblems, type MbxpProblem } from './verify/mbxp-dataset.js';
import { round1, seededSample, spread, type Spread } from './verify/sample.js';

/** Candidates of the full and quick runs. */
const FULL_CANDIDATES = 60;
const QUICK_CANDIDATES = 4;
/** Seed of the candidate sample. */
const SAMPLE_SEED = 20_251_103;

/** One interleaved measurement. */
interface Measurement {
  readonly id: string;
  readonly warmMs: number;
  readonly warmPassed: boolean;
  readonly warmLayers: Partial<Record<LayerName, number>>;
  readonly warmFailure: string;
  readonly cold: ColdResult;
}

/** Known-good problems whose every assert was read into a test case (so both pipelines check the same tests). */
export function latencyCandidates(problems: readonly MbxpProblem[], count: number, seed = SAMPLE_SEED): MbxpProblem[] {
  const eligible = problems.filter((p) => p.knownGood && !p.tscBroken && p.unreadTests === 0 && p.spec.testCases.length > 0);
  return seededSample(eligible, count, seed);
}

async function verifyWarm(verifier: Verifier, problem: MbxpProblem): Promise<{ report: VerificationReport; ms: number }> {
  const started = performance.now();
  const report = await verifier.verify({ spec: problem.spec, candidate: { language: 'typescript', code: problem.candidate } });
  return { report, ms: performance.now() - started };
}

/** The benchmark. */
export const benchmark: Benchmark = {
  name: 'verify-latency',
  description:
    'Warm verification (syntax + types + unit tests on one warm TypeScript compiler and one bwrap sandbox) against a cold ' +
    'pipeline (spawn tsc --noEmit --strict, then spawn node with the tests) per MBXP-TS known-good candidate, interleaved.',
  async run(context): Promise<BenchReport> {
    const count = context.quick ? QUICK_CANDIDATES : FULL_CANDIDATES;
    const loadAtStart = loadavg()[0] ?? 0;
    const problems = await loadMbxpProblems(context.dataDir);
    const candidates = latencyCandidates(problems, count + 1);
    const [warmUp, ...measured] = candidates;
    if (warmUp === undefined || measured.length < count) throw new Error(`verify-latency: only ${candidates.length} eligible candidates`);
    const sandbox = new BwrapSandbox();
    const typescript = new TypeScriptCompilerService();
    const runner = new SandboxCandidateRunner({ sandbox });
    const verifier = new Verifier([new SyntaxLayer({ typescript, sandbox }), new TypesLayer(), new UnitTestsLayer({ runner })]);
    const measurements: Measurement[] = [];
    try {
      // Untimed warm-up of both pipelines: lib parse of the warm compiler, bwrap probe, OS file cache for tsc.
      await verifyWarm(verifier, warmUp);
      await verifyCold(warmUp);
      for (const [index, problem] of measured.entries()) {
        const warm = await verifyWarm(verifier, problem);
        const cold = await verifyCold(problem);
        const warmLayers: Partial<Record<LayerName, number>> = {};
        for (const result of warm.report.results) if (result.status !== 'skipped') warmLayers[result.layer] = result.durationMs;
        const failed = warm.report.results.find((r) => r.status === 'fail');
        measurements.push({
          id: problem.id, warmMs: warm.ms, warmPassed: warm.report.passed, warmLayers, cold,
          warmFailure: failed === undefined ? '' : `${failed.layer}: ${failed.reason}`,
        });
        context.log(`[${index + 1}/${measured.length}] ${problem.id}: warm ${warm.ms.toFixed(0)} ms (${warm.report.passed ? 'pass' : 'fail'}), ` +
          `cold ${cold.totalMs.toFixed(0)} ms (${cold.passed ? 'pass' : 'fail'})`);
      }
    } finally {
      await sandbox.close();
    }
    return report(measurements, {
      count, warmUp: warmUp.id, quick: context.quick,
      loadAverage1m: { start: round1(loadAtStart), end: round1(loadavg()[0] ?? 0) },
    });
  },
};

function report(
  measurements: readonly Measurement[],
  config: { count: number; warmUp: string; quick: boolean; loadAverage1m: { start: number; end: number } },
): BenchReport {
  const warm = spread(measurements.map((m) => m.warmMs));
  const cold = spread(measurements.map((m) => m.cold.totalMs));
  const ratios = spread(measurements.map((m) => m.cold.totalMs / m.warmMs));
  const speedUp = round1(cold.median / warm.median);
  const stage = (values: readonly (number | undefined)[]): Spread => spread(values.filter((v): v is number => v !== undefined));
  const stages: [string, Spread][] = [
    ['warm: syntax (in-memory parse)', stage(measurements.map((m) => m.warmLayers.syntax))],
    ['warm: types (warm compiler in a worker thread + signature check)', stage(measurements.map((m) => m.warmLayers.types))],
    ['warm: unit-tests (a pre-started bwrap process, all tests)', stage(measurements.map((m) => m.warmLayers['unit-tests']))],
    ['cold: tsc process', stage(measurements.map((m) => m.cold.tscMs))],
    ['cold: node process (incl. in-process transpile)', stage(measurements.filter((m) => m.cold.failedStep !== 'types').map((m) => m.cold.nodeMs))],
  ];
  const row = (name: string, s: Spread, passed: number): (string | number)[] => [name, s.n, passed, s.median, s.p10, s.p90, s.mean];
  const warmPassed = measurements.filter((m) => m.warmPassed).length;
  const coldPassed = measurements.filter((m) => m.cold.passed).length;
  const disagreements = measurements.filter((m) => m.warmPassed !== m.cold.passed);
  return {
    config: { ...config, dataset: 'MBXP-TS mbtsp_release_v1.2 (canonical-verified.txt, all asserts readable)', coldTscFlags: COLD_TSC_FLAGS, order: 'interleaved warm, cold per candidate' },
    seeds: { sample: SAMPLE_SEED },
    figures: {
      candidates: measurements.length,
      warm, cold, speedUpOfMedians: speedUp, perCandidateSpeedUp: ratios,
      warmPassed, coldPassed,
      stages: Object.fromEntries(stages),
      disagreements: disagreements.map((m) => ({ id: m.id, warmPassed: m.warmPassed, warmFailure: m.warmFailure, coldFailure: m.cold.message })),
      perCandidate: measurements.map((m) => ({ id: m.id, warmMs: round1(m.warmMs), coldMs: round1(m.cold.totalMs), warmPassed: m.warmPassed, coldPassed: m.cold.passed })),
    },
    tables: [
      {
        title: 'Verification latency per candidate (ms)',
        columns: ['pipeline', 'candidates', 'passed', 'median', 'p10', 'p90', 'mean'],
        rows: [row('warm (syntax + types + unit tests, bwrap)', warm, warmPassed), row('cold (spawn tsc + spawn node)', cold, coldPassed)],
      },
      {
        title: 'Speed-up (cold / warm)',
        columns: ['measure', 'value'],
        rows: [
          ['ratio of medians', `${speedUp}x`],
          ['per-candidate ratio: median (p10-p90)', `${ratios.median}x (${ratios.p10}x-${ratios.p90}x)`],
        ],
      },
      {
        title: 'Stages (ms)',
        columns: ['stage', 'n', 'median', 'p10', 'p90', 'mean'],
        rows: stages.map(([name, s]) => [name, s.n, s.median, s.p10, s.p90, s.mean]),
      },
    ],
    chart: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: `Verification latency per MBXP-TS candidate (n=${measurements.length}; warm ${speedUp}x faster at the median)`,
      data: {
        values: measurements.flatMap((m) => [
          { pipeline: 'warm (compiler + bwrap)', ms: round1(m.warmMs) },
          { pipeline: 'cold (tsc + node)', ms: round1(m.cold.totalMs) },
        ]),
      },
      width: 360,
      height: 260,
      layer: [
        { mark: { type: 'boxplot', extent: 'min-max', opacity: 0.5 }, encoding: { x: { field: 'pipeline', type: 'nominal', title: null }, y: { field: 'ms', type: 'quantitative', title: 'ms per candidate' }, color: { field: 'pipeline', type: 'nominal', legend: null } } },
        { mark: { type: 'point', filled: true, size: 14, opacity: 0.6 }, encoding: { x: { field: 'pipeline', type: 'nominal' }, y: { field: 'ms', type: 'quantitative' }, color: { field: 'pipeline', type: 'nominal', legend: null } } },
      ],
    },
    notes: [
      `1-minute load average ${config.loadAverage1m.start} at the start, ${config.loadAverage1m.end} at the end (${cpus().length} cores; a load above the core count means other jobs shared the machine and absolute times are inflated; interleaving exposes both pipelines to the same load).`,
      'Warm: one Verifier of SyntaxLayer (in-memory parse), TypesLayer (a warm compiler in a bounded worker thread) and UnitTestsLayer (a SandboxCandidateRunner on one BwrapSandbox). Each candidate gets a fresh sandboxed process, pre-started while the previous work ran (bwrap, node and the harness context already up), used once and killed; unit-tests time is loading the candidate (host transpile + setup) and one host-timed exchange per test.',
      `Cold: a fresh temp folder, \`tsc ${COLD_TSC_FLAGS.join(' ')} candidate.ts\` (candidate + the same signature check the types layer adds), then \`node run.cjs\` (candidate + the dataset's assert tests, transpiled in-process because Node 20 does not run TypeScript); node is skipped when tsc fails. Plain process, no sandbox: these are trusted dataset solutions.`,
      `One untimed warm-up candidate (${config.warmUp}) for each pipeline first; then warm and cold alternate on the same candidate.`,
      'Candidates: a seeded sample of MBXP-TS known-good canonical solutions (canonical-verified.txt) whose every `actual_N`/`expected_N` pair is a literal (so the unit-test layer checks the same cases as the node run).',
      ...(warmPassed === measurements.length ? [] : [
        `${measurements.length - warmPassed} known-good candidate(s) fail the warm pipeline (${failedLayers(measurements)}); the cold pipeline fails ${measurements.length - coldPassed}. ` +
          'A failed candidate stops at the failing step in both pipelines (no test run after a type error), so those times are shorter.',
      ]),
      ...(disagreements.length === 0 ? [] : [`Pipelines disagree on ${disagreements.length} candidate(s): ${disagreements.map((m) => `${m.id} (warm ${m.warmPassed ? 'pass' : m.warmFailure})`).join('; ')}.`]),
    ],
  };
}

/** `types: 7, unit-tests: 1`: first failing warm layer counts. */
function failedLayers(measurements: readonly Measurement[]): string {
  const counts = new Map<string, number>();
  for (const m of measurements) if (!m.warmPassed) counts.set(m.warmFailure.split(':')[0] ?? '', (counts.get(m.warmFailure.split(':')[0] ?? '') ?? 0) + 1);
  return [...counts].map(([layer, n]) => `${layer}: ${n}`).join(', ');
}
