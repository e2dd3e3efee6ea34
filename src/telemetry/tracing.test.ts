import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { BUILD_SESSION_1, FAILED_RUN, SECRET_CODE, SOLVE_RUN, T0 } from '../../test/fixtures/telemetry/engine-event-sequence.js';
import { createTracing } from './tracing.js';

const ms = (time: readonly [number, number]): number => time[0] * 1000 + time[1] / 1e6;
const parentId = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

function traced(events: typeof SOLVE_RUN): ReadableSpan[] {
  const tracing = createTracing({ exporter: 'memory' });
  for (const event of events) tracing.onEvent(event);
  return tracing.exporter?.getFinishedSpans() ?? [];
}

describe('createTracing', () => {
  it('builds the span tree run -> task -> sample -> verify layer', () => {
    const spans = traced(SOLVE_RUN);
    const [run, ...others] = spans.filter((span) => span.name === 'zerr.run');
    expect(others).toHaveLength(0);
    expect(run).toBeDefined();
    if (run === undefined) return;
    expect(parentId(run)).toBeUndefined();
    expect(run.attributes).toMatchObject({ 'zerr.run_id': 'run-solve', 'zerr.model': 'replay:codet', 'zerr.task_count': 2, 'zerr.run_status': 'completed' });
    expect(ms(run.startTime)).toBe(T0);
    expect(ms(run.endTime)).toBe(T0 + 7000);

    const tasks = spans.filter((span) => span.name === 'zerr.task');
    expect(tasks.map((task) => task.attributes['zerr.task_id'])).toEqual(['t1', 't2']);
    for (const task of tasks) {
      expect(parentId(task)).toBe(run.spanContext().spanId);
      expect(task.spanContext().traceId).toBe(run.spanContext().traceId);
    }
    const [t1, t2] = tasks;
    expect(t1?.attributes).toMatchObject({ 'zerr.outcome': 'consensus', 'zerr.samples': 5, 'zerr.k': 2, 'zerr.votes': 2, 'zerr.class_key': 'c1' });
    expect(t2?.attributes).toMatchObject({ 'zerr.outcome': 'escalated', 'zerr.samples': 2 });
    expect(t2?.events.map((event) => event.name)).toEqual(['vote-decided', 'task-escalated']);
    expect(ms(t1?.startTime ?? [0, 0])).toBe(T0);
    expect(ms(t1?.endTime ?? [0, 0])).toBe(T0 + 4200);

    const samplesOf = (task: ReadableSpan | undefined) => spans.filter((span) => span.name === 'zerr.sample' && parentId(span) === task?.spanContext().spanId);
    const t1Samples = new Map(samplesOf(t1).map((span) => [span.attributes['zerr.sample_index'], span]));
    expect([...t1Samples.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(t1Samples.get(0)?.attributes).toMatchObject({ 'zerr.sample.result': 'voted', 'zerr.temperature': 0, 'zerr.tokens.input': 100, 'zerr.tokens.output': 50, 'zerr.verified': true });
    expect(ms(t1Samples.get(0)?.startTime ?? [0, 0])).toBe(T0 + 1000 - 800);
    expect(ms(t1Samples.get(0)?.endTime ?? [0, 0])).toBe(T0 + 3500);
    expect(t1Samples.get(1)?.attributes).toMatchObject({ 'zerr.sample.result': 'red-flagged', 'zerr.red_flag.rules': ['over-token-cap', 'unbalanced-delimiters'] });
    expect(t1Samples.get(2)?.attributes).toMatchObject({ 'zerr.sample.result': 'model-failed', 'zerr.error_code': 'model_timeout' });
    expect(t1Samples.get(2)?.status.code).toBe(2);
    expect(t1Samples.get(3)?.attributes).toMatchObject({ 'zerr.sample.result': 'failed-verification', 'zerr.failed_layer': 'unit-tests' });
    expect(samplesOf(t2).map((span) => span.attributes['zerr.resumed'] ?? false)).toEqual([true, false]);

    const layersOf = (sample: ReadableSpan | undefined) => spans.filter((span) => parentId(span) === sample?.spanContext().spanId);
    expect(layersOf(t1Samples.get(0)).map((span) => span.name)).toEqual(['zerr.verify.syntax', 'zerr.verify.types', 'zerr.verify.unit-tests']);
    const types = layersOf(t1Samples.get(0))[1];
    expect(ms(types?.startTime ?? [0, 0])).toBe(T0 + 2810 - 1500);
    expect(ms(types?.endTime ?? [0, 0])).toBe(T0 + 2810);
    const failed = layersOf(t1Samples.get(3)).find((span) => span.name === 'zerr.verify.unit-tests');
    expect(failed?.attributes).toMatchObject({ 'zerr.verify.status': 'fail', 'zerr.duration_ms': 300 });
    expect(failed?.status.code).toBe(2);
    expect(spans.every((span) => span.ended)).toBe(true);
  });

  it('puts no code, red-flag reasons or provider messages in spans', () => {
    const text = JSON.stringify(traced([...SOLVE_RUN, ...FAILED_RUN]).map((span) => ({ attributes: span.attributes, events: span.events, status: span.status })));
    expect(text).not.toContain('SECRET_TOKEN_42');
    expect(text).not.toContain(SECRET_CODE.slice(0, 12));
  });

  it('marks a failed run and records build progress as run span events', () => {
    const spans = traced([...FAILED_RUN, ...BUILD_SESSION_1]);
    const failedRun = spans.find((span) => span.name === 'zerr.run' && span.attributes['zerr.run_id'] === 'run-fail');
    expect(failedRun?.status).toMatchObject({ code: 2, message: 'all 1 calls failed; last error: 503' });
    const build = spans.find((span) => span.name === 'zerr.run' && span.attributes['zerr.run_id'] === 'run-build');
    expect(build?.attributes['zerr.run_status']).toBe('paused');
    expect(build?.events.map((event) => event.name)).toEqual([
      'task-escalated', 'nodes-created', 'commit-created', 'task-settled', 'commit-created', 'task-settled', 'commit-created', 'integration-end', 'task-escalated',
    ]);
    expect(spans.filter((span) => span.name === 'zerr.task' && parentId(span) === build?.spanContext().spanId)).toHaveLength(2);
  });

  it('opens a run span for a run whose run-start it missed, and ends open spans on shutdown', async () => {
    const tracing = createTracing({ exporter: 'memory' });
    for (const event of SOLVE_RUN.slice(1, 5)) tracing.onEvent(event);
    const exporter = tracing.exporter;
    expect(exporter?.getFinishedSpans().map((span) => span.name)).toEqual(['zerr.sample']);
    const finished: ReadableSpan[] = [];
    const original = exporter?.export.bind(exporter);
    if (exporter !== undefined && original !== undefined) {
      exporter.export = (batch, done) => { finished.push(...batch); original(batch, done); };
    }
    await tracing.shutdown();
    expect(finished.map((span) => span.name).sort()).toEqual(['zerr.run', 'zerr.sample', 'zerr.sample', 'zerr.task']);
    expect(finished.every((span) => span.attributes['zerr.incomplete'] === true || span.name === 'zerr.sample')).toBe(true);
  });

  it('uses a caller tracer without registering a global provider', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracing = createTracing({ tracer: provider.getTracer('test') });
    for (const event of SOLVE_RUN) tracing.onEvent(event);
    await tracing.shutdown();
    expect(tracing.exporter).toBeUndefined();
    expect(exporter.getFinishedSpans().filter((span) => span.name === 'zerr.task')).toHaveLength(2);
    expect(trace.getTracerProvider().getTracer('x').startSpan('y').isRecording()).toBe(false);
    await provider.shutdown();
  });

  it('does nothing by default, and rejects a tracer with an exporter', async () => {
    const tracing = createTracing();
    for (const event of SOLVE_RUN) tracing.onEvent(event);
    expect(tracing.exporter).toBeUndefined();
    await tracing.shutdown();
    const tracer = new BasicTracerProvider().getTracer('t');
    expect(() => createTracing({ tracer, exporter: 'memory' })).toThrow(InvalidArgumentError);
    expect(() => createTracing({ exporter: 'otlp' as 'none' })).toThrow(/options\.exporter/);
  });
});
