/**
 * @module bench/registry
 * The benchmarks `npm run bench` knows, loaded lazily so one benchmark's imports never slow another.
 */
import type { Benchmark } from './lib/benchmark.js';

/** Name -> loader. Each module exports `benchmark`. */
export const BENCHMARKS: Readonly<Record<string, () => Promise<Benchmark>>> = {
  'hanoi': async () => (await import('./hanoi.js')).benchmark,
  'batching': async () => (await import('./batching.js')).benchmark,
  'selection': async () => (await import('./selection.js')).benchmark,
  'verify-latency': async () => (await import('./verify-latency.js')).benchmark,
  'startup': async () => (await import('./startup.js')).benchmark,
  'mbxp-verify': async () => (await import('./mbxp-verify.js')).benchmark,
  'auth-flood': async () => (await import('./auth-flood.js')).benchmark,
  'classeval': async () => (await import('./classeval.js')).benchmark,
  'route-mix': async () => (await import('./route-mix.js')).benchmark,
  'retrieval': async () => (await import('./retrieval.js')).benchmark,
  'scale': async () => (await import('./scale.js')).benchmark,
};
