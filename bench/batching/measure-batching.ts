/**
 * @module bench/batching/measure-batching
 * One measurement of parallel sequences: N requests fired at once against the same N requests made one after
 * another. A request goes either straight to a llama-cpp model (`modelGenerator`) or over HTTP to a model server's
 * `POST /v1/completions` (`httpGenerator`), so both sections of the benchmark time the same way.
 */
import type { LanguageModel } from '../../src/index.js';

/** One request of a round. */
export interface BatchRequest {
  readonly prompt: string;
  readonly seed: number;
}

/** What one request gave. */
export interface Sample {
  readonly text: string;
  readonly outputTokens: number;
}

/** Sends one request. */
export type Generator = (request: BatchRequest) => Promise<Sample>;

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

/** Requests straight to `model` (in process). */
export function modelGenerator(model: LanguageModel, sampling: SamplingOptions): Generator {
  return async (request) => {
    const result = await model.generate({ ...request, ...sampling });
    return { text: result.text, outputTokens: result.usage.outputTokens };
  };
}

/**
 * Requests over HTTP to an OpenAI-compatible `POST <baseURL>/completions` (what a worker on another machine sends).
 * @throws Error naming the status and body of a non-2xx answer.
 */
export function httpGenerator(baseURL: string, model: string, sampling: SamplingOptions): Generator {
  return async (request) => {
    const response = await fetch(`${baseURL}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, prompt: request.prompt, seed: request.seed, max_tokens: sampling.maxOutputTokens, temperature: sampling.temperature }),
    });
    if (!response.ok) throw new Error(`POST ${baseURL}/completions: HTTP ${response.status} ${await response.text()}`);
    const body = await response.json() as { choices: { text: string }[]; usage: { completion_tokens: number } };
    return { text: body.choices[0]?.text ?? '', outputTokens: body.usage.completion_tokens };
  };
}

/** Fires every request at once. */
export async function runParallel(generate: Generator, requests: readonly BatchRequest[]): Promise<RoundResult> {
  const started = performance.now();
  const samples = await Promise.all(requests.map((request) => generate(request)));
  return summarize(samples, performance.now() - started);
}

/** Sends the requests one after another. */
export async function runSequential(generate: Generator, requests: readonly BatchRequest[]): Promise<RoundResult> {
  const started = performance.now();
  const samples: Sample[] = [];
  for (const request of requests) samples.push(await generate(request));
  return summarize(samples, performance.now() - started);
}

function summarize(samples: readonly Sample[], wallMs: number): RoundResult {
  const outputTokens = samples.reduce((sum, sample) => sum + sample.outputTokens, 0);
  return { wallMs, outputTokens, tokensPerSecond: (outputTokens * 1000) / wallMs, texts: samples.map((sample) => sample.text) };
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
