/**
 * @module bench/batching/measure-batching
 * One measurement of the llama-cpp provider's parallel sequences: N generate() calls fired at once on an
 * N-sequence model against the same N requests made one after another on a 1-sequence model.
 */
import type { GenerateResult, LanguageModel } from '../../src/index.js';

/** One request of a round. */
export interface BatchRequest {
  readonly prompt: string;
  readonly seed: number;
}

/** What one round measured. */
export interface RoundResult {
  readonly wallMs: number;
  readonly outputTokens: number;
  readonly tokensPerSecond: number;
  readonly texts: readonly string[];
}

/** Sampling options shared by every request. */
export interface SamplingOptions {
  readonly maxOutputTokens: number;
  readonly temperature: number;
}

/** Fires every request at once (the model queues past its sequence count). */
export async function runParallel(model: LanguageModel, requests: readonly BatchRequest[], sampling: SamplingOptions): Promise<RoundResult> {
  const started = performance.now();
  const results = await Promise.all(requests.map((request) => model.generate({ ...request, ...sampling })));
  return summarize(results, performance.now() - started);
}

/** Runs the requests one after another. */
export async function runSequential(model: LanguageModel, requests: readonly BatchRequest[], sampling: SamplingOptions): Promise<RoundResult> {
  const started = performance.now();
  const results: GenerateResult[] = [];
  for (const request of requests) results.push(await model.generate({ ...request, ...sampling }));
  return summarize(results, performance.now() - started);
}

function summarize(results: readonly GenerateResult[], wallMs: number): RoundResult {
  const outputTokens = results.reduce((sum, result) => sum + result.usage.outputTokens, 0);
  return { wallMs, outputTokens, tokensPerSecond: (outputTokens * 1000) / wallMs, texts: results.map((result) => result.text) };
}

/** N story openings with fixed seeds (the model is trained on TinyStories). */
export function storyRequests(count: number, baseSeed: number): BatchRequest[] {
  const openings = [
    'Once upon a time, there was a little girl named Lily.',
    'One day, a small dog found a red ball in the park.',
    'Tom and his mom went to the big store.',
    'There was a tall tree next to a blue house.',
    'Once upon a time, a happy cat lived on a farm.',
    'Sam had a new toy car. He loved to play with it.',
    'The sun was shining and the birds were singing.',
    'A little boy named Ben wanted to fly like a bird.',
  ];
  return Array.from({ length: count }, (_, i) => ({ prompt: openings[i % openings.length] ?? 'Once upon a time', seed: baseSeed + i }));
}
