/**
 * @module bench/batching
 * `npm run bench -- batching`: what the llama-cpp provider's parallel sequences buy. For N = 1, 2, 4, 8 it fires N
 * generate() calls at once on `LlamaCppLanguageModel.create({ sequences: N })` (node-llama-cpp evaluates the N
 * sequences in one batch per decode) and makes the same N requests one after another on a 1-sequence model;
 * tokens/s over several repetitions, median. Model: stories260K.gguf from the shared models folder.
 * `--quick`: N = 1, 2, two repetitions, 32 tokens. `--threads T` overrides the thread count (default 1).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { LlamaCppLanguageModel } from '../src/index.js';
import { median, type BenchContext, type BenchReport, type BenchTable, type Benchmark } from './lib/benchmark.js';
import { runParallel, runSequential, storyRequests, type RoundResult, type SamplingOptions } from './batching/measure-batching.js';

const BASE_SEED = 4242;
/** Tokens of each sequence's own context (node-llama-cpp allocates contextSize x sequences cells). */
const CONTEXT_SIZE_PER_SEQUENCE = 512;

interface ModeResult {
  readonly sequences: number;
  readonly mode: 'parallel' | 'sequential';
  readonly rounds: readonly RoundResult[];
}

export const benchmark: Benchmark = {
  name: 'batching',
  description:
    'llama-cpp provider, stories260K.gguf: tokens/s with N = 1, 2, 4, 8 generate() calls fired at once on an N-sequence model ' +
    '(one batched decode per token step) against the same N requests one after another on a 1-sequence model.',
  async run(context: BenchContext): Promise<BenchReport> {
    const modelPath = join(context.dataDir, 'models', 'stories260K.gguf');
    const sequencesList = context.quick ? [1, 2] : [1, 2, 4, 8];
    const repetitions = context.quick ? 2 : 7;
    const threadsIndex = context.args.indexOf('--threads');
    const threads = threadsIndex >= 0 ? Number(context.args[threadsIndex + 1]) : 1;
    const sampling: SamplingOptions = { maxOutputTokens: context.quick ? 32 : 128, temperature: 0.8 };
    const results: ModeResult[] = [];
    const loadBefore = loadavg()[0] ?? 0;
    const sequential = await LlamaCppLanguageModel.create({ modelPath, sequences: 1, threads, contextSize: CONTEXT_SIZE_PER_SEQUENCE });
    try {
      await runSequential(sequential, storyRequests(1, BASE_SEED), sampling); // warm-up
      for (const sequences of sequencesList) {
        const requests = storyRequests(sequences, BASE_SEED);
        const parallel = await LlamaCppLanguageModel.create({ modelPath, sequences, threads, contextSize: CONTEXT_SIZE_PER_SEQUENCE });
        try {
          await runParallel(parallel, requests, sampling); // warm-up
          const parallelRounds: RoundResult[] = [];
          const sequentialRounds: RoundResult[] = [];
          // Interleaved, so drift in machine load hits both modes alike.
          for (let rep = 0; rep < repetitions; rep += 1) {
            parallelRounds.push(await runParallel(parallel, requests, sampling));
            sequentialRounds.push(await runSequential(sequential, requests, sampling));
          }
          results.push({ sequences, mode: 'parallel', rounds: parallelRounds }, { sequences, mode: 'sequential', rounds: sequentialRounds });
          context.log(`batching: N=${sequences} parallel ${median(parallelRounds.map((r) => r.tokensPerSecond)).toFixed(0)} tok/s, ` +
            `sequential ${median(sequentialRounds.map((r) => r.tokensPerSecond)).toFixed(0)} tok/s`);
        } finally {
          await parallel.close();
        }
      }
    } finally {
      await sequential.close();
    }
    const load = { before: loadBefore, after: loadavg()[0] ?? 0 };
    return report(results, { modelPath, sequencesList, repetitions, threads, ...sampling, contextSizePerSequence: CONTEXT_SIZE_PER_SEQUENCE, loadAverage1m: load });
  },
};

function report(results: readonly ModeResult[], config: Readonly<Record<string, unknown>> & { sequencesList: readonly number[] }): BenchReport {
  const tps = (result: ModeResult): number => median(result.rounds.map((round) => round.tokensPerSecond));
  const find = (sequences: number, mode: ModeResult['mode']): ModeResult | undefined =>
    results.find((result) => result.sequences === sequences && result.mode === mode);
  const table: BenchTable = {
    title: 'Tokens per second (median over repetitions)',
    columns: ['sequences N', 'mode', 'tokens/s median', 'tokens/s min', 'tokens/s max', 'wall ms median', 'tokens per round', 'parallel / sequential', 'same texts as sequential'],
    rows: results.map((result) => {
      const values = result.rounds.map((round) => round.tokensPerSecond);
      const other = find(result.sequences, 'sequential');
      const same = other === undefined ? '-' : result.rounds.every((round, i) => JSON.stringify(round.texts) === JSON.stringify(other.rounds[i]?.texts)) ? 'yes' : 'no';
      return [
        result.sequences, result.mode, tps(result).toFixed(0), Math.min(...values).toFixed(0), Math.max(...values).toFixed(0),
        median(result.rounds.map((round) => round.wallMs)).toFixed(1), median(result.rounds.map((round) => round.outputTokens)),
        result.mode === 'parallel' && other !== undefined ? `${(tps(result) / tps(other)).toFixed(2)}x` : '-',
        result.mode === 'parallel' ? same : '-',
      ];
    }),
  };
  const chart: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'llama-cpp provider (stories260K): tokens/s vs parallel sequences',
    width: 420, height: 260,
    data: { values: results.map((result) => ({ sequences: result.sequences, mode: result.mode, tokensPerSecond: tps(result) })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'sequences', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: [...config.sequencesList] }, title: 'requests N (parallel sequences)' },
      y: { field: 'tokensPerSecond', type: 'quantitative', title: 'generated tokens/s (median)' },
      color: { field: 'mode', type: 'nominal' },
    },
  };
  return {
    config,
    seeds: { base: BASE_SEED },
    figures: {
      results: results.map((result) => ({
        sequences: result.sequences, mode: result.mode, tokensPerSecondMedian: tps(result),
        rounds: result.rounds.map((round) => ({ wallMs: round.wallMs, outputTokens: round.outputTokens, tokensPerSecond: round.tokensPerSecond })),
      })),
    },
    tables: [table],
    chart,
    notes: [
      'parallel: one model created with sequences = N, contextSize = 512 tokens per sequence (node-llama-cpp allocates 512 x N KV cells), ' +
        'N generate() calls started together; node-llama-cpp evaluates all active sequences in one batch per decode step. ' +
        'sequential: the same N requests (same prompts, seeds 4242.., temperature 0.8) one after another on a 1-sequence model.',
      `threads = ${String(config['threads'])}: the machine has 2 cores; the 260K-parameter model's per-token compute is tiny, so a decode is dominated by ` +
        'fixed per-call overhead that more threads do not shrink, and one thread leaves the other core to the Node event loop, which runs ' +
        'node-llama-cpp\'s sampling and detokenising. The shared models README warns that more threads than free cores collapses throughput.',
      'Each mode had one warm-up round; parallel and sequential rounds are interleaved. tokens/s = generated tokens of the round / wall time of the round. ' +
        'A story may end (end-of-generation) before maxOutputTokens, so tokens per round can be below N x maxOutputTokens.',
      '"same texts as sequential": whether every request produced the same text in both modes with the same seed.',
      `1-minute load average ${JSON.stringify(config['loadAverage1m'])} (before, after) on ${2} cores: other sessions' benchmarks shared the machine, ` +
        'which is why min and max spread so widely; read the medians as rough, and compare modes within a row (rounds were interleaved).',
    ],
  };
}
