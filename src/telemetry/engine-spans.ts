/**
 * @module telemetry/engine-spans
 * Turns the engine's event stream into OpenTelemetry spans: `zerr.run` -> `zerr.task` -> `zerr.sample` ->
 * `zerr.verify.<layer>`. Times are the events' own (`at`, epoch ms), so spans can be built after the fact.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import { taskStatusOf } from './task-status.js';

/** Span names. Verify layer spans are `zerr.verify.<layer>` (`zerr.verify.unit-tests`). */
export const SPAN_NAMES = { run: 'zerr.run', task: 'zerr.task', sample: 'zerr.sample', verifyPrefix: 'zerr.verify.' } as const;

/** Longest free text (error messages, reasons) kept in a span attribute or status, in characters. */
const MAX_TEXT_CHARS = 200;
const clip = (text: string): string => (text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS - 3)}...` : text);
const time = (atMs: number): Date => new Date(atMs);

interface OpenSpan { readonly span: Span; readonly context: Context }
interface TaskSpans extends OpenSpan { readonly samples: Map<number, OpenSpan> }
interface RunSpans extends OpenSpan { readonly tasks: Map<string, TaskSpans> }

/**
 * Builds spans from events with `tracer`. A sample span runs from its model call's start (sample-end `at` minus
 * `latencyMs`) to the event that settles it: sample-red-flagged, a failed candidate-verified, or its vote-cast; a
 * sample-failed is a zero-length span with status ERROR. A verify layer span runs from verify-layer-end `at` minus
 * `durationMs` to `at`. Spans still open when their task or run ends are ended with it. Events of a run whose
 * run-start was not seen open the run span at the first one. Attributes carry ids, counts and outcomes only: no
 * code, prompt, red-flag reason or provider error message (a failed run's error and escalation reasons, written by
 * the engine, are kept, cut to 200 characters).
 */
export class EngineSpans {
  readonly #tracer: Tracer;
  readonly #runs = new Map<string, RunSpans>();

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }

  /** Records one event. */
  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'run-start': {
        this.#endRun(event.runId, event.at, { 'zerr.incomplete': true });
        const span = this.#tracer.startSpan(SPAN_NAMES.run, {
          startTime: time(event.at), attributes: { 'zerr.run_id': event.runId, 'zerr.model': event.model, 'zerr.task_count': event.taskIds.length },
        }, ROOT_CONTEXT);
        this.#runs.set(event.runId, { span, context: trace.setSpan(ROOT_CONTEXT, span), tasks: new Map() });
        break;
      }
      case 'task-start': {
        const run = this.#run(event.runId, event.at);
        this.#endTask(run, event.taskId, event.at, { 'zerr.incomplete': true });
        run.tasks.set(event.taskId, this.#child(run, SPAN_NAMES.task, event.at, {
          'zerr.task_id': event.taskId, 'zerr.k': event.k, 'zerr.max_samples': event.maxSamples,
        }, { samples: new Map() }));
        break;
      }
      case 'sample-end': {
        const task = this.#task(event.runId, event.taskId, event.at);
        task.samples.get(event.sampleIndex)?.span.end(time(event.at));
        const startAt = event.resumed === true ? event.at : event.at - event.latencyMs;
        task.samples.set(event.sampleIndex, this.#child(task, SPAN_NAMES.sample, startAt, {
          'zerr.sample_index': event.sampleIndex, 'zerr.prompt_variant': event.promptVariant, 'zerr.finish_reason': event.finishReason,
          'zerr.tokens.input': event.inputTokens, 'zerr.tokens.output': event.outputTokens, 'zerr.latency_ms': event.latencyMs,
          ...(event.temperature === null ? {} : { 'zerr.temperature': event.temperature }),
          ...(event.costUsd === undefined ? {} : { 'zerr.cost_usd': event.costUsd }),
          ...(event.resumed === true ? { 'zerr.resumed': true } : {}),
        }, {}));
        break;
      }
      case 'sample-failed': {
        const task = this.#task(event.runId, event.taskId, event.at);
        const { span } = this.#child(task, SPAN_NAMES.sample, event.at, {
          'zerr.sample_index': event.sampleIndex, 'zerr.sample.result': 'model-failed', 'zerr.error_code': event.code,
        }, {});
        // The provider's message is left out: it can echo the prompt.
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.code });
        span.end(time(event.at));
        break;
      }
      case 'sample-red-flagged':
        this.#endSample(event, { 'zerr.sample.result': 'red-flagged', 'zerr.red_flag.rules': event.hits.map((hit) => hit.rule) });
        break;
      case 'verify-layer-end': {
        const sample = this.#sample(event.runId, event.taskId, event.sampleIndex, event.at);
        const { result } = event;
        const { span } = this.#child(sample, `${SPAN_NAMES.verifyPrefix}${result.layer}`, event.at - result.durationMs, {
          'zerr.verify.layer': result.layer, 'zerr.verify.status': result.status, 'zerr.duration_ms': result.durationMs,
        }, {});
        if (result.status === 'fail') span.setStatus({ code: SpanStatusCode.ERROR, message: `${result.layer} failed` });
        span.end(time(event.at));
        break;
      }
      case 'candidate-verified': {
        const attributes = { 'zerr.verified': event.passed, ...(event.failedLayer === undefined ? {} : { 'zerr.failed_layer': event.failedLayer }) };
        if (event.passed) this.#sample(event.runId, event.taskId, event.sampleIndex, event.at).span.setAttributes(attributes);
        else this.#endSample(event, { ...attributes, 'zerr.sample.result': 'failed-verification' });
        break;
      }
      case 'vote-cast':
        this.#endSample(event, { 'zerr.sample.result': 'voted', 'zerr.class_key': event.classKey });
        break;
      case 'vote-decided': {
        const task = this.#task(event.runId, event.taskId, event.at);
        const attributes = { 'zerr.votes': event.votes, 'zerr.runner_up_votes': event.runnerUpVotes, ...(event.classKey === null ? {} : { 'zerr.class_key': event.classKey }) };
        task.span.setAttributes(attributes);
        task.span.addEvent('vote-decided', { 'zerr.outcome': event.outcome, ...attributes }, time(event.at));
        break;
      }
      case 'task-escalated': {
        const run = this.#run(event.runId, event.at);
        const owner = run.tasks.get(event.taskId)?.span ?? run.span;
        owner.addEvent('task-escalated', { 'zerr.task_id': event.taskId, 'zerr.reason': clip(event.reason) }, time(event.at));
        break;
      }
      case 'task-end': {
        const run = this.#run(event.runId, event.at);
        const task = run.tasks.get(event.taskId);
        if (task === undefined) break;
        task.span.setAttributes({ 'zerr.outcome': event.outcome, 'zerr.samples': event.samples });
        if (taskStatusOf(event.outcome) === 'failed') task.span.setStatus({ code: SpanStatusCode.ERROR, message: event.outcome });
        this.#endTask(run, event.taskId, event.at, {});
        break;
      }
      case 'nodes-created':
        this.#run(event.runId, event.at).span.addEvent('nodes-created', {
          'zerr.nodes': event.nodes.map((node) => node.id), ...(event.replaces === null ? {} : { 'zerr.replaces': event.replaces }),
        }, time(event.at));
        break;
      case 'task-settled':
        this.#run(event.runId, event.at).span.addEvent('task-settled', { 'zerr.task_id': event.taskId, 'zerr.source': event.source }, time(event.at));
        break;
      case 'commit-created':
        this.#run(event.runId, event.at).span.addEvent('commit-created', { 'zerr.commit.label': event.label, 'zerr.commit.sha': event.sha }, time(event.at));
        break;
      case 'integration-end':
        this.#run(event.runId, event.at).span.addEvent('integration-end', {
          'zerr.passed': event.passed, 'zerr.tests_passed': event.testsPassed, 'zerr.tests_failed': event.testsFailed,
          'zerr.type_errors': event.typeErrors, 'zerr.failing_task_ids': [...event.failingTaskIds],
        }, time(event.at));
        break;
      case 'run-end': {
        const run = this.#run(event.runId, event.at);
        if (event.status === 'failed') run.span.setStatus({ code: SpanStatusCode.ERROR, message: clip(event.error ?? 'run failed') });
        this.#endRun(event.runId, event.at, {
          'zerr.run_status': event.status, ...(event.reason === undefined ? {} : { 'zerr.reason': clip(event.reason) }),
        });
        break;
      }
    }
  }

  /** Ends every open span at `atMs`, marked `zerr.incomplete` (shutdown before the runs ended). */
  endAll(atMs: number): void {
    for (const runId of [...this.#runs.keys()]) this.#endRun(runId, atMs, { 'zerr.incomplete': true });
  }

  #child<Extra extends object>(parent: OpenSpan, name: string, startAtMs: number, attributes: Attributes, extra: Extra): OpenSpan & Extra {
    const span = this.#tracer.startSpan(name, { startTime: time(startAtMs), attributes }, parent.context);
    return { span, context: trace.setSpan(parent.context, span), ...extra };
  }

  #run(runId: string, atMs: number): RunSpans {
    let run = this.#runs.get(runId);
    if (run === undefined) {
      const span = this.#tracer.startSpan(SPAN_NAMES.run, { startTime: time(atMs), attributes: { 'zerr.run_id': runId } }, ROOT_CONTEXT);
      run = { span, context: trace.setSpan(ROOT_CONTEXT, span), tasks: new Map() };
      this.#runs.set(runId, run);
    }
    return run;
  }

  #task(runId: string, taskId: string, atMs: number): TaskSpans {
    const run = this.#run(runId, atMs);
    let task = run.tasks.get(taskId);
    if (task === undefined) {
      task = this.#child(run, SPAN_NAMES.task, atMs, { 'zerr.task_id': taskId }, { samples: new Map<number, OpenSpan>() });
      run.tasks.set(taskId, task);
    }
    return task;
  }

  #sample(runId: string, taskId: string, sampleIndex: number, atMs: number): OpenSpan {
    const task = this.#task(runId, taskId, atMs);
    let sample = task.samples.get(sampleIndex);
    if (sample === undefined) {
      sample = this.#child(task, SPAN_NAMES.sample, atMs, { 'zerr.sample_index': sampleIndex }, {});
      task.samples.set(sampleIndex, sample);
    }
    return sample;
  }

  #endSample(event: { readonly runId: string; readonly taskId: string; readonly sampleIndex: number; readonly at: number }, attributes: Attributes): void {
    const sample = this.#sample(event.runId, event.taskId, event.sampleIndex, event.at);
    sample.span.setAttributes(attributes);
    sample.span.end(time(event.at));
    this.#runs.get(event.runId)?.tasks.get(event.taskId)?.samples.delete(event.sampleIndex);
  }

  #endTask(run: RunSpans, taskId: string, atMs: number, attributes: Attributes): void {
    const task = run.tasks.get(taskId);
    if (task === undefined) return;
    for (const sample of task.samples.values()) sample.span.end(time(atMs));
    task.span.setAttributes(attributes);
    task.span.end(time(atMs));
    run.tasks.delete(taskId);
  }

  #endRun(runId: string, atMs: number, attributes: Attributes): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    for (const taskId of [...run.tasks.keys()]) this.#endTask(run, taskId, atMs, attributes['zerr.incomplete'] === true ? { 'zerr.incomplete': true } : {});
    run.span.setAttributes(attributes);
    run.span.end(time(atMs));
    this.#runs.delete(runId);
  }
}
