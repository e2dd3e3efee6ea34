/**
 * @module bench/hanoi
 * `npm run bench -- hanoi`: MAKER's headline task (Meyerson et al. 2025, arXiv 2511.09030, §4) through the engine's
 * real pieces. Towers of Hanoi with n disks, one move per step (2^n - 1 steps), a seeded simulated microagent per
 * call, MAKER's strict output parser and the engine's token-cap rule as red flags (RedFlagger), first-to-ahead-by-k
 * (FirstToAheadByKVote) per step with k = kMin({ p, steps, target: 0.95 }) and k +- 1, samples drawn in rounds by
 * the engine's planNextRound, and every decision recorded in a SQLite run store with a checkpoint every N steps.
 *
 * Full: n = 10, 15, 20 x p = 0.9978 (gpt-4.1-mini in the paper), 0.99; k +- 1 for n <= 15 (see notes).
 * `--quick`: n = 6, 8, p = 0.99. `--disks 10,15` overrides n; `--sweep-max-disks N` sets where k +- 1 stops.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RedFlagger, TaskSpecSchema, expectedCost, kMin, overTokenCapRule, perStepErrorTarget, perStepSuccess, DEFAULT_ADAPTIVE_CONFIDENCE,
  type AdaptiveMarginOptions, type TaskSpec,
} from '../src/index.js';
import type { TopLevelSpec } from 'vega-lite';
import type { BenchContext, BenchReport, BenchTable, Benchmark } from './lib/benchmark.js';
import { BatchedDecisionLog, countRecords } from './hanoi/decision-log.js';
import { measureRecordThroughput } from './hanoi/record-throughput.js';
import { createHanoiMicroagent, isHardStep, isHardStepForVariant } from './hanoi/simulated-microagent.js';
import { solveHanoi, type SolveHanoiResult } from './hanoi/solve-hanoi.js';
import { hanoiStrictFormatRule } from './hanoi/strict-answer-rule.js';
import { optimalLength } from './hanoi/towers.js';

const SEED = 20251112;
const TARGET = 0.95;
const HARD_SHARE = 0.01;
const P_HARD = 0.7;
const MALFORMED_SHARE = 0.03;
const OVERLONG_SHARE = 0.01;
const MAX_OUTPUT_TOKENS = 750;
/** Prompt variants of the decorrelated runs (as many as the engine's PROMPT_VARIANTS). */
const VARIANTS = 3;

/** One configuration of the plain-versus-adaptive comparison. */
interface VoteRuleCase {
  readonly label: string;
  readonly adaptive: boolean;
  readonly decorrelation: 'none' | 'every-sample' | 'contested';
  readonly variants: number;
  /** Share of hard steps shared by every variant (1: fully correlated). */
  readonly correlation: number;
}

const VOTE_RULE_CASES: readonly VoteRuleCase[] = [
  { label: 'plain k_min, one prompt', adaptive: false, decorrelation: 'none', variants: 1, correlation: 1 },
  { label: 'adaptive k, one prompt', adaptive: true, decorrelation: 'none', variants: 1, correlation: 1 },
  { label: 'plain k_min, 3 prompts round-robin, half the hard steps shared', adaptive: false, decorrelation: 'every-sample', variants: VARIANTS, correlation: 0.5 },
  { label: 'adaptive k, 3 prompts round-robin, half the hard steps shared', adaptive: true, decorrelation: 'every-sample', variants: VARIANTS, correlation: 0.5 },
  { label: 'plain k_min, 3 prompts round-robin', adaptive: false, decorrelation: 'every-sample', variants: VARIANTS, correlation: 0 },
  { label: 'adaptive k, 3 prompts round-robin', adaptive: true, decorrelation: 'every-sample', variants: VARIANTS, correlation: 0 },
  { label: 'adaptive k, 3 prompts on contested steps only', adaptive: true, decorrelation: 'contested', variants: VARIANTS, correlation: 0 },
];

/** One solved configuration. */
interface HanoiRun {
  readonly p: number;
  readonly disks: number;
  readonly k: number;
  readonly kMin: number;
  readonly result: SolveHanoiResult;
  readonly hardSteps: number;
  readonly agentMs: number;
  readonly closedFormCalls: number;
  readonly closedFormCallsMixed: number;
  readonly expectedWrong: number;
  readonly recordsRead: { decisions: number; checkpoints: number };
  readonly storeBytes: number;
  /** The vote-rule case, for runs of the plain-versus-adaptive comparison. */
  readonly rule?: VoteRuleCase;
}

export const benchmark: Benchmark = {
  name: 'hanoi',
  description:
    "Towers of Hanoi the MAKER way (arXiv 2511.09030 §4): one move per step, a seeded simulated microagent (per-step success p, " +
    `${HARD_SHARE * 100}% hard steps at p=${P_HARD} with one fixed wrong move, ${MALFORMED_SHARE * 100}% malformed and ${OVERLONG_SHARE * 100}% overlong answers), ` +
    'strict-format + token-cap red flags, first-to-ahead-by-k per step with k = k_min(p, steps, 0.95) and k +- 1, decisions and checkpoints recorded in SQLite.',
  async run(context: BenchContext): Promise<BenchReport> {
    const disksList = listArg(context.args, '--disks') ?? (context.quick ? [6, 8] : [10, 15, 20]);
    const ps = context.quick ? [0.99] : [0.9978, 0.99];
    const sweepMaxDisks = listArg(context.args, '--sweep-max-disks')?.[0] ?? (context.quick ? 99 : 15);
    const checkpointEvery = context.quick ? 64 : 10_000;
    const folder = await mkdtemp(join(tmpdir(), 'zerr-bench-hanoi-'));
    try {
      const runs: HanoiRun[] = [];
      for (const p of ps) {
        for (const disks of disksList) {
          const steps = optimalLength(disks);
          const kmin = kMin({ p, steps, target: TARGET });
          const ks = disks <= sweepMaxDisks ? [kmin - 1, kmin, kmin + 1].filter((k) => k >= 1) : [kmin];
          for (const k of ks) {
            runs.push(await solveOne({ p, disks, k, kmin, folder, checkpointEvery, log: context.log }));
          }
        }
      }
      // Plain versus adaptive k on one size: the largest in full runs (20 disks, MAKER's million steps).
      const ruleDisks = listArg(context.args, '--rule-disks')?.[0] ?? (context.quick ? 8 : Math.max(...disksList));
      const ruleP = ps[0] ?? 0.99;
      const ruleSteps = optimalLength(ruleDisks);
      const ruleKMin = kMin({ p: ruleP, steps: ruleSteps, target: TARGET });
      const ruleRuns: HanoiRun[] = [];
      for (const rule of VOTE_RULE_CASES) {
        const same = rule.variants === 1 && !rule.adaptive
          ? runs.find((run) => run.p === ruleP && run.disks === ruleDisks && run.k === ruleKMin && run.rule === undefined)
          : undefined;
        ruleRuns.push(same === undefined
          ? await solveOne({ p: ruleP, disks: ruleDisks, k: ruleKMin, kmin: ruleKMin, folder, checkpointEvery, log: context.log, rule })
          : { ...same, rule });
      }
      context.log('hanoi: measuring record throughput');
      const throughput = await measureRecordThroughput({
        folder, checkpointEvery,
        perRecordFull: context.quick ? 100 : 1_000,
        perRecordNormal: context.quick ? 500 : 5_000,
        batched: context.quick ? 5_000 : 200_000,
      });
      return report(runs, ruleRuns, throughput, { disksList, ps, sweepMaxDisks, checkpointEvery, quick: context.quick });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  },
};

async function solveOne(options: {
  p: number; disks: number; k: number; kmin: number; folder: string; checkpointEvery: number; log: (line: string) => void; rule?: VoteRuleCase;
}): Promise<HanoiRun> {
  const { p, disks, k, rule } = options;
  const seed = SEED + disks;
  const steps = optimalLength(disks);
  const spec = hanoiSpec(disks);
  const model = createHanoiMicroagent({
    p, hardShare: HARD_SHARE, pHard: P_HARD, malformedShare: MALFORMED_SHARE, overlongShare: OVERLONG_SHARE,
    maxOutputTokens: MAX_OUTPUT_TOKENS, seed, variants: rule?.variants ?? 1, variantCorrelation: rule?.correlation ?? 1,
  });
  const flagger = new RedFlagger({ rules: [overTokenCapRule(), hanoiStrictFormatRule({ disks })] });
  const runId = `hanoi-${disks}-p${p}-k${k}${rule === undefined ? '' : `-${VOTE_RULE_CASES.indexOf(rule)}`}`;
  const path = join(options.folder, `${runId}.sqlite`);
  const log = await BatchedDecisionLog.open({ path, runId, config: { disks, p, k, seed, rule: rule?.label ?? 'plain k' }, synchronous: 'full' });
  options.log(`hanoi: n=${disks} (${steps} steps) p=${p} k=${k}${rule === undefined ? '' : ` [${rule.label}]`} ...`);
  const adaptive: AdaptiveMarginOptions | undefined = rule?.adaptive === true ? { errorTarget: perStepErrorTarget({ target: TARGET, steps }) } : undefined;
  const result = await solveHanoi({
    disks, k, model, flagger, spec, log, checkpointEvery: options.checkpointEvery,
    ...(adaptive === undefined ? {} : { adaptive }),
    ...(rule === undefined ? {} : { decorrelation: rule.decorrelation, variants: rule.variants }),
  });
  await log.close({ steps, calls: result.calls, wrongDecisions: result.wrongDecisions, solved: result.solved });
  const recordsRead = countRecords(path, runId);
  const storeBytes = (await stat(path)).size;
  await rm(path, { force: true });
  let hardSteps = 0;
  const correlation = rule?.correlation ?? 1;
  for (let step = 1; step <= steps; step += 1) {
    const hard = isHardStep(seed, step, HARD_SHARE, correlation)
      || Array.from({ length: rule?.variants ?? 1 }, (_, variant) => variant).some((variant) => correlation < 1 && isHardStepForVariant(seed, step, variant, HARD_SHARE, correlation));
    if (hard) hardSteps += 1;
  }
  const validRate = 1 - MALFORMED_SHARE - OVERLONG_SHARE;
  const mixedP = ((steps - hardSteps) * p + hardSteps * P_HARD) / steps;
  const cost = (pp: number): number => expectedCost({ p: pp, steps, k, validRate, costPerCallUsd: 0, tokensPerCall: 0 }).calls;
  const expectedWrong = (steps - hardSteps) * (1 - perStepSuccess({ p, k })) + hardSteps * (1 - perStepSuccess({ p: P_HARD, k }));
  options.log(`hanoi:   ${result.calls} calls, ${result.wrongDecisions} wrong decisions, solved=${result.solved}, ${(result.wallMs / 1000).toFixed(1)} s`);
  return {
    p, disks, k, kMin: options.kmin, result, hardSteps, agentMs: model.agentMs,
    closedFormCalls: cost(p), closedFormCallsMixed: cost(mixedP), expectedWrong, recordsRead, storeBytes,
    ...(rule === undefined ? {} : { rule }),
  };
}

function hanoiSpec(disks: number): TaskSpec {
  return TaskSpecSchema.parse({
    id: `hanoi-${disks}`,
    name: `Towers of Hanoi, ${disks} disks, one move`,
    description: 'Given the current state and the previous move, output the next move and the next state (MAKER §4).',
    language: 'python',
    signature: { entryPoint: 'next_move', output: { type: 'str' } },
    limits: { maxOutputTokens: MAX_OUTPUT_TOKENS },
  });
}

function report(
  runs: readonly HanoiRun[],
  ruleRuns: readonly HanoiRun[],
  throughput: Awaited<ReturnType<typeof measureRecordThroughput>>,
  config: { disksList: readonly number[]; ps: readonly number[]; sweepMaxDisks: number; checkpointEvery: number; quick: boolean },
): BenchReport {
  const fixed = (value: number, digits: number): string => value.toFixed(digits);
  const role = (run: HanoiRun): string => (run.k === run.kMin ? `${run.k} (k_min)` : `${run.k} (k_min${run.k < run.kMin ? '-' : '+'}1)`);
  const runsTable: BenchTable = {
    title: 'Runs: errors and calls against MAKER\'s closed form',
    columns: ['p', 'disks', 'steps', 'k', 'calls', 'closed form (p)', 'closed form (mixed p)', 'calls / closed form (p)',
      'wrong decisions', 'expected wrong', 'off optimal from step', 'solved', 'red-flagged', 'µs/call (all)', 'µs/call (engine)', 'wall s'],
    rows: runs.map((run) => {
      const r = run.result;
      return [
        run.p, run.disks, r.steps, role(run), r.calls, Math.round(run.closedFormCalls), Math.round(run.closedFormCallsMixed),
        fixed(r.calls / run.closedFormCalls, 3), r.wrongDecisions, fixed(run.expectedWrong, 2), r.firstOffOptimal ?? '-',
        r.solved ? 'yes' : 'no', `${fixed((100 * r.redFlagged) / r.calls, 2)}%`, fixed((r.wallMs * 1000) / r.calls, 1),
        fixed(((r.wallMs - run.agentMs) * 1000) / r.calls, 1), fixed(r.wallMs / 1000, 1),
      ];
    }),
  };
  const main = runs.filter((run) => run.k === run.kMin);
  const maxSamples = Math.max(...main.flatMap((run) => [...run.result.samplesHistogram.keys()]));
  const buckets = histogramBuckets(Math.min(...main.map((run) => run.k)), maxSamples);
  const histogramTable: BenchTable = {
    title: 'Samples (model calls) per step at k_min: number of steps',
    columns: ['calls per step', ...main.map((run) => `p=${run.p} n=${run.disks} k=${run.k}`)],
    rows: buckets.map(([low, high]) => [
      low === high ? String(low) : `${low}-${high}`,
      ...main.map((run) => [...run.result.samplesHistogram].filter(([n]) => n >= low && n <= high).reduce((sum, [, c]) => sum + c, 0)),
    ]),
  };
  const recordsTable: BenchTable = {
    title: 'Run records: decision writes to the SQLite run store',
    columns: ['writer', 'records', 'records/s', 'µs/record'],
    rows: throughput.map((row) => [row.mode, row.records, Math.round(row.recordsPerSecond), fixed(row.microsecondsPerRecord, 1)]),
  };
  const largest = Math.max(...main.map((run) => run.disks));
  const chartRuns = main.filter((run) => run.disks === largest);
  const chart: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Hanoi, ${largest} disks: model calls per step at k_min (first-to-ahead-by-k)`,
    width: 480, height: 280,
    data: { values: chartRuns.flatMap((run) => [...run.result.samplesHistogram].map(([calls, steps]) => ({ calls, steps, run: `p=${run.p}, k=${run.k}` }))) },
    // Points joined by lines: bars cannot start from 0 on a log scale (Vega-Lite draws nothing).
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'calls', type: 'quantitative', title: 'model calls for the step' },
      y: { field: 'steps', type: 'quantitative', scale: { type: 'log' }, title: 'steps (log scale)' },
      color: { field: 'run', type: 'nominal', title: 'run' },
    },
  };
  const ruleRun = ruleRuns[0];
  const ruleTable: BenchTable = {
    title: ruleRun === undefined ? 'Plain versus adaptive k' :
      `Plain versus adaptive k: ${ruleRun.disks} disks (${ruleRun.result.steps} steps), p=${ruleRun.p}, k_min=${ruleRun.kMin}, ${HARD_SHARE * 100}% hard steps per prompt at p=${P_HARD}`,
    columns: ['vote rule and sampling', 'hard steps shared by every prompt', 'steps hard for a prompt used', 'calls', 'calls / closed form (plain k_min)',
      'wrong decisions', 'of which unanimous', 'contested steps', 'calls on contested steps', 'solved', 'µs/call (engine)', 'wall s'],
    rows: ruleRuns.map((run) => {
      const r = run.result;
      return [
        run.rule?.label ?? '?', run.rule === undefined ? '?' : `${run.rule.correlation * 100}%`, run.hardSteps, r.calls, fixed(r.calls / run.closedFormCalls, 3),
        r.wrongDecisions, r.unanimousWrong, r.contestedSteps, r.contestedCalls, r.solved ? 'yes' : 'no',
        fixed(((r.wallMs - run.agentMs) * 1000) / r.calls, 1), fixed(r.wallMs / 1000, 1),
      ];
    }),
  };
  const flagged = runs.reduce((sum, run) => sum + run.result.redFlagged, 0);
  const calls = runs.reduce((sum, run) => sum + run.result.calls, 0);
  const batched = throughput[throughput.length - 1];
  const perRecord = throughput[0];
  return {
    config: {
      ...config, target: TARGET, hardShare: HARD_SHARE, pHard: P_HARD, malformedShare: MALFORMED_SHARE, overlongShare: OVERLONG_SHARE,
      maxOutputTokens: MAX_OUTPUT_TOKENS, temperature: 0.1, maxSamplesPerStep: 200, recordWriter: 'batched (BatchedDecisionLog)',
      adaptive: { errorTarget: 'perStepErrorTarget({ target, steps })', confidence: DEFAULT_ADAPTIVE_CONFIDENCE }, variants: VARIANTS,
    },
    seeds: { base: SEED, ...Object.fromEntries(config.disksList.map((disks) => [`disks${disks}`, SEED + disks])) },
    figures: {
      runs: runs.map((run) => ({
        p: run.p, disks: run.disks, k: run.k, kMin: run.kMin, steps: run.result.steps, calls: run.result.calls, validVotes: run.result.validVotes,
        redFlagged: run.result.redFlagged, wrongDecisions: run.result.wrongDecisions, expectedWrong: run.expectedWrong,
        offOptimal: run.result.offOptimal, firstOffOptimal: run.result.firstOffOptimal, bestPartial: run.result.bestPartial,
        solved: run.result.solved, finalState: run.result.finalState, hardSteps: run.hardSteps,
        closedFormCalls: run.closedFormCalls, closedFormCallsMixed: run.closedFormCallsMixed, wallMs: run.result.wallMs, agentMs: run.agentMs,
        microsecondsPerCall: (run.result.wallMs * 1000) / run.result.calls, recordsRead: run.recordsRead, storeBytes: run.storeBytes,
        samplesHistogram: Object.fromEntries([...run.result.samplesHistogram].sort((a, b) => a[0] - b[0])),
      })),
      voteRules: ruleRuns.map((run) => ({
        ...run.rule, disks: run.disks, p: run.p, k: run.k, steps: run.result.steps, calls: run.result.calls,
        closedFormCalls: run.closedFormCalls, wrongDecisions: run.result.wrongDecisions, unanimousWrong: run.result.unanimousWrong,
        contestedSteps: run.result.contestedSteps, contestedCalls: run.result.contestedCalls, hardSteps: run.hardSteps,
        bestPartial: run.result.bestPartial, solved: run.result.solved, wallMs: run.result.wallMs, agentMs: run.agentMs,
        engineMicrosecondsPerCall: ((run.result.wallMs - run.agentMs) * 1000) / run.result.calls,
      })),
      recordThroughput: throughput,
      redFlaggedShare: flagged / calls,
    },
    tables: [runsTable, ruleTable, histogramTable, recordsTable],
    chart,
    notes: [
      'wrong decisions = steps whose decided move is not the strategy move for the state that step was given; "off optimal from step" = first step ' +
        'whose decided move differs from move number s of the optimal solution (every later step differs too, since errors propagate through next_state); ' +
        'solved = the final state has every disk on peg 2.',
      `expected wrong = (ordinary steps) x (1 - P_k(p)) + (hard steps) x (1 - P_k(${P_HARD})), with P_k(p) = 1 / (1 + ((1-p)/p)^k) (gambler's ruin, k-min.ts). ` +
        'It is an upper bound on ordinary steps, where wrong votes split over two wrong moves.',
      `closed form = expectedCost({ p, steps, k, validRate: ${1 - MALFORMED_SHARE - OVERLONG_SHARE} }).calls = steps x expectedVotesPerStep(p, k) / validRate; ` +
        `"mixed p" uses the step-weighted mean of p and p_hard=${P_HARD}. The first round always draws k samples, so red flags in it cost calls the closed form does not count.`,
      `k_min comes from the nominal p (as MAKER sets k from the measured per-step rate). With ${HARD_SHARE * 100}% correlated hard steps at p=${P_HARD} the votes on a hard step ` +
        'are a two-class race at 0.7, so each hard step fails with probability 1/(1+(7/3)^k): k_min from the average p does not protect against correlated errors; ' +
        'zero errors over a million steps needs those errors decorrelated (MAKER samples at temperature > 0 and red-flags format-confused answers) or a much larger k; ' +
        '"Plain versus adaptive k" measures both remedies.',
      'Plain versus adaptive k: the same seeds, k = k_min from the nominal p in every row. Adaptive k (src/vote/adaptive-margin.ts, decision 022) needs k on an ' +
        'uncontested step and, once a second class has a vote, the margin of a Wald test on the step\'s own split at the Wilson lower bound of the leader\'s share ' +
        `(${DEFAULT_ADAPTIVE_CONFIDENCE} standard deviations) against the per-step error target 1 - 0.95^(1/steps). "one prompt": every sample the same prompt, and a ` +
        'hard step hard for all of them (errors fully correlated). "3 prompts": each sample names one of 3 prompt variants, each of which has its own 1% hard steps ' +
        'with a fixed wrong move of its own (variant v takes wrong move v mod the number of wrong moves, so with two wrong moves variants 0 and 2 err alike) ("hard steps shared by every prompt" = the share hard for all three). "of which unanimous" = wrong decisions where every ' +
        'valid vote was for the one wrong class: no rule that reads the vote split can see those, only decorrelation prevents them.',
      'µs/call (all) = run wall time / calls, including the simulated agent, the red-flagger, the vote, planNextRound and the batched record writer; ' +
        'µs/call (engine) subtracts the time spent inside the simulated agent.',
      `Records: every step's decision is a DecisionRecord (task id step-<n>) and a checkpoint task record every ${config.checkpointEvery} steps, in the run store's own ` +
        `SQLite schema. The RunStore contract commits each record on its own (synchronous=full: one fsync per step, ${perRecord === undefined ? '?' : Math.round(perRecord.recordsPerSecond)} records/s), ` +
        `far too slow for ${runs.reduce((sum, run) => sum + run.result.steps, 0)} records; the runs use an explicit batched writer that commits decisions together with their checkpoint ` +
        `(${batched === undefined ? '?' : Math.round(batched.recordsPerSecond)} records/s). A crash loses at most the steps since the last checkpoint. Every run's row counts are read back and checked.`,
      config.quick ? 'Quick run: n = 6 and 8, p = 0.99.' :
        `k +- 1 ran for n <= ${config.sweepMaxDisks} only: at 20 disks each extra k costs another ~3.5M calls (~2 minutes on 2 cores), and the 15-minute budget went to the two k_min runs.`,
    ],
  };
}

/** Buckets [low, high] of the per-step call counts: single values up to 3k, then wider ranges. */
function histogramBuckets(k: number, max: number): [number, number][] {
  const buckets: [number, number][] = [];
  const singles = Math.min(max, 3 * k + 2);
  for (let n = k; n <= singles; n += 1) buckets.push([n, n]);
  if (max > singles) buckets.push([singles + 1, Math.min(max, 20)]);
  if (max > 20) buckets.push([21, max]);
  return buckets;
}

function listArg(args: readonly string[], name: string): number[] | undefined {
  const index = args.indexOf(name);
  const value = index >= 0 ? args[index + 1] : undefined;
  if (value === undefined) return undefined;
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name} expects comma-separated integers >= 1, got ${JSON.stringify(value)}`);
  return list;
}
