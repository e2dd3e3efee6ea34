/**
 * @module test/conformance/run-store-fixtures
 * Builders of valid run-store records for the conformance suite: realistic defaults, any field overridable.
 */
import type {
  CallFailureRecord,
  DecisionRecord,
  LayerResultRecord,
  NewEscalation,
  NewRun,
  RedFlagRecord,
  SampleRecord,
  TaskRecord,
  VoteRecord,
} from '../../src/store/index.js';

export const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  id: 'run-1',
  kind: 'solve',
  model: 'replay:codet',
  config: { k: 3, maxSamples: 20, temperatures: [0, 0.7], nested: { on: true, none: null } },
  createdAt: 1_760_000_000_000,
  ...over,
});

export const task = (taskId: string, over: Partial<TaskRecord> = {}): TaskRecord => ({
  taskId,
  spec: { id: taskId, language: 'typescript', signature: 'function f(x: number): number', tests: [{ input: [1], output: 2 }] },
  ...over,
});

export const sample = (taskId: string, sampleIndex: number, over: Partial<SampleRecord> = {}): SampleRecord => ({
  taskId,
  sampleIndex,
  model: 'replay:codet',
  temperature: 0.7,
  promptVariant: 'plain',
  text: `\`\`\`ts\nreturn x + ${sampleIndex}; // ünïcødé ✓ "quotes" \u{1F600}\n\`\`\``,
  code: `function f(x: number): number { return x + ${sampleIndex}; }`,
  inputTokens: 120,
  outputTokens: 37,
  latencyMs: 812.25,
  finishReason: 'stop',
  costUsd: 0.000_125,
  createdAt: 1_760_000_000_100 + sampleIndex,
  ...over,
});

export const callFailure = (taskId: string, sampleIndex: number, over: Partial<CallFailureRecord> = {}): CallFailureRecord => ({
  taskId,
  sampleIndex,
  code: 'model_call_failed',
  statusCode: 503,
  message: 'openai: HTTP 503 from http://127.0.0.1:1/v1: overloaded',
  attempts: 4,
  createdAt: 1_760_000_000_500,
  ...over,
});

export const redFlag = (taskId: string, sampleIndex: number, rule = 'over-token-cap', over: Partial<RedFlagRecord> = {}): RedFlagRecord => ({
  taskId,
  sampleIndex,
  rule,
  reason: `${rule}: 4096 > 2048 tokens`,
  ...over,
});

export const layerResult = (taskId: string, sampleIndex: number, layer = 'syntax', over: Partial<LayerResultRecord> = {}): LayerResultRecord => ({
  taskId,
  sampleIndex,
  layer,
  status: 'fail',
  reason: "line 3: Type 'string' is not assignable to type 'number'",
  durationMs: 41.5,
  details: { diagnostics: [{ line: 3, code: 2322 }], exitCode: 1, flags: [true, false, null] },
  ...over,
});

export const vote = (taskId: string, sampleIndex: number, over: Partial<VoteRecord> = {}): VoteRecord => ({
  taskId,
  sampleIndex,
  classKey: 'sha256:ab12',
  signature: '[[1],[2],{"error":"RangeError"}]',
  ...over,
});

export const decision = (taskId: string, over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  taskId,
  outcome: 'consensus',
  classKey: 'sha256:ab12',
  code: 'function f(x: number): number { return x + 1; }',
  votes: 4,
  runnerUpVotes: 1,
  samples: 7,
  k: 3,
  reason: 'class sha256:ab12 ahead by 3',
  decidedAt: 1_760_000_009_000,
  ...over,
});

export const checkpoint = (kind = 'node-state', over: Partial<{ kind: string; body: unknown; createdAt: number }> = {}) => ({
  kind,
  body: { node: 'root/parse', state: 'done', commit: 'a1b2c3d', attempts: [1, 2], note: null, 'ünï': '✓ \u{1F600}' } as unknown,
  createdAt: 1_760_000_020_000,
  ...over,
});

export const escalation = (escalationId: string, over: Partial<NewEscalation> = {}): NewEscalation => ({
  escalationId,
  taskId: 't1',
  kind: 'code',
  reason: 'no consensus after 20 samples: 3 classes, best ahead by 1 < k = 3',
  question: 'Write f(x) so that f(1) = 2.',
  context: { spec: { id: 't1' }, bestPartial: 'function f(x) { return x; }', failedLayers: ['tests'] },
  createdAt: 1_760_000_030_000,
  ...over,
});
