/**
 * @module telemetry/metrics
 * Prometheus metrics read from the engine's event stream (seed implementation guide §5.4, metrics and alerts):
 * `createMetrics` registers the engine's counters, gauges and histograms on a registry of the caller's (never the
 * process-wide default one) and returns the listener to pass to `engine.on`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import type { CircuitBreakerState } from '../llm/middleware/circuit-breaker.js';
import type { EngineEvent, EngineEventListener } from '../orchestrate/engine-events.js';
import { EscalationTracker } from './escalation-tracker.js';
import { RunLedger } from './run-ledger.js';
import { taskStatusOf } from './task-status.js';

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Registry the metrics are registered on. Default: a new `Registry` (never prom-client's global `register`). */
  readonly registry?: Registry;
  /** Prefix of every metric name, default metrics included (`zerr_` gives `zerr_tasks_total`). Default `''`. */
  readonly prefix?: string;
  /** Also register prom-client's default process metrics (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, ...). Default true. */
  readonly defaultMetrics?: boolean;
}

/** What {@link EngineMetrics.observeCircuitBreaker} reads: a circuit breaker middleware's `state` and `onStateChange`. */
export interface CircuitBreakerSource {
  readonly state: CircuitBreakerState;
  onStateChange(listener: (state: CircuitBreakerState) => void): () => void;
}

/** What {@link EngineMetrics.observeModelRouter} reads: a `ModelRouter`'s attempts and its members' breakers. */
export interface ModelRouterSource {
  readonly route: string;
  onAttempt(listener: (attempt: { readonly member: string; readonly outcome: 'answered' | 'failed'; readonly code?: string; readonly handedOverFrom?: string }) => void): () => void;
  members(): readonly { readonly name: string; readonly model: { readonly circuitBreaker?: CircuitBreakerSource | undefined } }[];
}

/** The engine's metrics. */
export interface EngineMetrics {
  readonly registry: Registry;
  /** Content type of {@link EngineMetrics.render}'s text (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** Updates the metrics from one engine event; pass it (unbound) to `engine.on`. Never throws. */
  readonly onEvent: EngineEventListener;
  /**
   * Follows a circuit breaker in `circuit_breaker_state{model}` (0 CLOSED, 1 HALF_OPEN, 2 OPEN) from now on.
   * Returns the function that stops following it (the gauge keeps its last value).
   */
  observeCircuitBreaker(model: string, breaker: CircuitBreakerSource): () => void;
  /**
   * Follows a model router from now on: `model_calls_total{route,model,result}` (result `answered` or the failure's
   * error code, `circuit_open` for a refusal by an open breaker), `model_handovers_total{route,from,to}` (a call a
   * model failed and the next one took), and each member's breaker in `circuit_breaker_state{model}`. Returns the
   * function that stops following it.
   */
  observeModelRouter(router: ModelRouterSource): () => void;
  /**
   * Follows a job queue (`zerr serve --redis`, `zerr worker`) in `queue_jobs{queue,state}`: `counts()` is read at
   * every scrape (a failed read leaves the last values). Returns the function that stops following it.
   */
  observeQueue(queue: string, counts: () => Promise<Readonly<Record<string, number>>>): () => void;
  /** The registry in the Prometheus text exposition format, for `GET /metrics`. */
  render(): Promise<string>;
}

/** `circuit_breaker_state` values: 0 CLOSED, 1 HALF_OPEN, 2 OPEN. */
export const CIRCUIT_BREAKER_STATE_VALUES: Readonly<Record<CircuitBreakerState, number>> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

/** Buckets of `task_duration_seconds`, in s: a task is 1 to k·maxSamples model calls plus verification. */
export const TASK_DURATION_BUCKETS_S: readonly number[] = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
/** Buckets of `verify_layer_duration_seconds`, in s: from a syntax parse (ms) to a sandboxed test run or pyright (s). */
export const VERIFY_LAYER_DURATION_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Buckets of `votes_per_decision`: k is usually 2-5, so the winner holds k to a few times k votes. */
export const VOTES_PER_DECISION_BUCKETS: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50];

const MetricsOptionsSchema = z
  .object({
    registry: z.custom<Registry>((value) => value instanceof Registry, 'a prom-client Registry').optional(),
    prefix: z.string().regex(/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/, 'a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)').default(''),
    defaultMetrics: z.boolean().default(true),
  })
  .strict();

/**
 * Registers the engine's metrics (names below without the prefix) on `options.registry`:
 *
 * - `tasks_total{status="success|failed|escalated"}` counter, from task-end ({@link taskStatusOf}); every status
 *   starts at 0 so the success-rate alert sees a failing-only window;
 * - `task_duration_seconds` histogram, task-start to task-end of the same run and task, in s;
 * - `errors_total{error_type}` counter: a sample-failed's error code, `run_failed` for a run-end `failed`;
 * - `circuit_breaker_state{model}` gauge, 0 CLOSED, 1 HALF_OPEN, 2 OPEN ({@link EngineMetrics.observeCircuitBreaker});
 * - `samples_total{model}`, `tokens_total{model,direction="input|output"}`, `cost_usd_total{model}` counters from
 *   sample-end (samples read back on resume are not counted again: no model call was made); the model is the
 *   run-start's model name (for a routed run, `route:<name>`, the sample's answering model);
 * - `red_flags_total{rule}` counter, one per red-flag hit;
 * - `verify_layer_duration_seconds{layer,status}` histogram, from verify-layer-end's `durationMs`;
 * - `votes_per_decision` histogram: the chosen class's votes at vote-decided (decisions without a class are left
 *   out); `decisions_total{outcome}` counter, every vote-decided;
 * - `runs_total{kind="solve|build",status}` counter from run-end (a run is a build once it emits a build event
 *   or pauses);
 * - `build_commits_total` counter (commit-created), `integration_runs_total{passed="true|false"}` counter
 *   (integration-end);
 * - `escalations_open` gauge: tasks waiting on a person (+1 task-escalated; -1 when the task is settled or its
 *   decomposition replaced, or when its run ends other than paused);
 * - `queue_jobs{queue,state="waiting|active|delayed|prioritized|completed|failed"}` gauge: jobs of a followed queue
 *   by state, read at scrape time ({@link EngineMetrics.observeQueue}; the autoscaler's queue depth is
 *   `waiting + prioritized`);
 * - `model_calls_total{route,model,result}` and `model_handovers_total{route,from,to}` counters of a model route
 *   ({@link EngineMetrics.observeModelRouter}); a routed run's samples, tokens and cost count under the model that
 *   answered.
 *
 * Plus prom-client's default process metrics unless `defaultMetrics` is false. Metrics follow MAKER's
 * measurements (Meyerson et al. 2025, arXiv 2511.09030): samples and red flags per task, votes per decision.
 * @throws InvalidArgumentError (`invalid_argument`) for bad options; prom-client's Error when a metric of the same
 *   name is already registered on the registry.
 */
export function createMetrics(options: MetricsOptions = {}): EngineMetrics {
  const config = parseOptions(MetricsOptionsSchema, options, 'options');
  const registry = config.registry ?? new Registry();
  const prefix = config.prefix;
  const registers = [registry];
  if (config.defaultMetrics) collectDefaultMetrics({ register: registry, prefix });

  const tasks = new Counter({ name: `${prefix}tasks_total`, help: 'Tasks ended, by status (success: consensus or best-partial).', labelNames: ['status'] as const, registers });
  for (const status of ['success', 'failed', 'escalated'] as const) tasks.inc({ status }, 0);
  const taskDuration = new Histogram({ name: `${prefix}task_duration_seconds`, help: 'Time from task-start to task-end, in seconds.', buckets: [...TASK_DURATION_BUCKETS_S], registers });
  const errors = new Counter({ name: `${prefix}errors_total`, help: 'Failed model calls by error code, and failed runs (run_failed).', labelNames: ['error_type'] as const, registers });
  const breakerState = new Gauge({ name: `${prefix}circuit_breaker_state`, help: 'Circuit breaker state per model: 0 CLOSED, 1 HALF_OPEN, 2 OPEN.', labelNames: ['model'] as const, registers });
  const samples = new Counter({ name: `${prefix}samples_total`, help: 'Samples drawn from the model (resumed samples not counted).', labelNames: ['model'] as const, registers });
  const redFlags = new Counter({ name: `${prefix}red_flags_total`, help: 'Red-flag hits by rule.', labelNames: ['rule'] as const, registers });
  const verifyLayerDuration = new Histogram({
    name: `${prefix}verify_layer_duration_seconds`, help: 'Duration of one verification layer on one candidate, in seconds.',
    labelNames: ['layer', 'status'] as const, buckets: [...VERIFY_LAYER_DURATION_BUCKETS_S], registers,
  });
  const votesPerDecision = new Histogram({ name: `${prefix}votes_per_decision`, help: "Votes of the chosen class when a task's vote is decided.", buckets: [...VOTES_PER_DECISION_BUCKETS], registers });
  const decisions = new Counter({ name: `${prefix}decisions_total`, help: 'Vote decisions by outcome.', labelNames: ['outcome'] as const, registers });
  const tokens = new Counter({ name: `${prefix}tokens_total`, help: 'Model tokens by model and direction (input, output).', labelNames: ['model', 'direction'] as const, registers });
  const cost = new Counter({ name: `${prefix}cost_usd_total`, help: 'Model cost in USD, where the model or the usage middleware priced the calls.', labelNames: ['model'] as const, registers });
  const runs = new Counter({ name: `${prefix}runs_total`, help: 'Runs ended, by kind (solve, build) and status.', labelNames: ['kind', 'status'] as const, registers });
  const commits = new Counter({ name: `${prefix}build_commits_total`, help: 'Git commits made by builds.', registers });
  const escalationsOpen = new Gauge({ name: `${prefix}escalations_open`, help: 'Tasks waiting on a person (open escalations).', registers });
  const modelCalls = new Counter({ name: `${prefix}model_calls_total`, help: 'Calls each model of a route was asked, by result (answered, or the error code of a failure).', labelNames: ['route', 'model', 'result'] as const, registers });
  const handovers = new Counter({ name: `${prefix}model_handovers_total`, help: 'Calls a model of a route failed and the next model of the route took.', labelNames: ['route', 'from', 'to'] as const, registers });
  const integrations = new Counter({ name: `${prefix}integration_runs_total`, help: 'Whole-project integration checks of builds, by result.', labelNames: ['passed'] as const, registers });
  const queues = new Map<string, () => Promise<Readonly<Record<string, number>>>>();
  new Gauge({
    name: `${prefix}queue_jobs`, help: 'Jobs of a work queue by state (waiting, active, delayed, prioritized, completed, failed), read at scrape time.',
    labelNames: ['queue', 'state'] as const, registers,
    async collect() {
      for (const [queue, counts] of queues) {
        try {
          for (const [state, value] of Object.entries(await counts())) this.set({ queue, state }, value);
        } catch {
          // The queue's store is unreachable: the gauge keeps its last values; the scrape still answers.
        }
      }
    },
  });

  const ledger = new RunLedger();
  const escalations = new EscalationTracker();
  const syncEscalations = () => escalationsOpen.set(escalations.size);

  const handle = (event: EngineEvent): void => {
    const run = ledger.observe(event);
    switch (event.type) {
      case 'sample-end':
        if (event.resumed === true) break;
      {
        // A routed run (`route:coder`) counts each sample under the model of the route that answered it.
        const model = run.model.startsWith('route:') && event.model !== undefined ? event.model : run.model;
        samples.inc({ model });
        tokens.inc({ model, direction: 'input' }, event.inputTokens);
        tokens.inc({ model, direction: 'output' }, event.outputTokens);
        if (event.costUsd !== undefined) cost.inc({ model }, event.costUsd);
        break;
      }
      case 'sample-failed':
        errors.inc({ error_type: event.code });
        break;
      case 'sample-red-flagged':
        for (const hit of event.hits) redFlags.inc({ rule: hit.rule });
        break;
      case 'verify-layer-end':
        verifyLayerDuration.observe({ layer: event.result.layer, status: event.result.status }, event.result.durationMs / 1000);
        break;
      case 'vote-decided':
        decisions.inc({ outcome: event.outcome });
        if (event.classKey !== null) votesPerDecision.observe(event.votes);
        break;
      case 'task-end': {
        tasks.inc({ status: taskStatusOf(event.outcome) });
        const startedAt = ledger.taskStartedAt(event.runId, event.taskId);
        if (startedAt !== undefined) taskDuration.observe(Math.max(0, event.at - startedAt) / 1000);
        break;
      }
      case 'task-escalated':
        escalations.open(event.runId, event.taskId);
        syncEscalations();
        break;
      case 'task-settled':
        escalations.close(event.runId, event.taskId);
        syncEscalations();
        break;
      case 'nodes-created':
        escalations.closeDecomposition(event.runId, event.replaces);
        syncEscalations();
        break;
      case 'commit-created':
        commits.inc();
        break;
      case 'integration-end':
        integrations.inc({ passed: String(event.passed) });
        break;
      case 'run-end':
        runs.inc({ kind: run.kind, status: event.status });
        if (event.status === 'failed') errors.inc({ error_type: 'run_failed' });
        if (event.status !== 'paused') escalations.closeRun(event.runId);
        syncEscalations();
        break;
      default:
        break;
    }
  };

  return {
    registry,
    contentType: registry.contentType,
    onEvent: (event) => {
      try {
        handle(event);
      } catch {
        // A metric must never break the run; prom-client only throws here for a label it was not declared with.
      }
    },
    observeCircuitBreaker(model, breaker) {
      breakerState.set({ model }, CIRCUIT_BREAKER_STATE_VALUES[breaker.state]);
      return breaker.onStateChange((state) => breakerState.set({ model }, CIRCUIT_BREAKER_STATE_VALUES[state]));
    },
    observeModelRouter(router) {
      const route = router.route;
      const stops = router.members().flatMap((member) => {
        modelCalls.inc({ route, model: member.name, result: 'answered' }, 0);
        const breaker = member.model.circuitBreaker;
        if (breaker === undefined) return [];
        breakerState.set({ model: member.name }, CIRCUIT_BREAKER_STATE_VALUES[breaker.state]);
        return [breaker.onStateChange((state) => breakerState.set({ model: member.name }, CIRCUIT_BREAKER_STATE_VALUES[state]))];
      });
      stops.push(router.onAttempt((attempt) => {
        modelCalls.inc({ route, model: attempt.member, result: attempt.outcome === 'answered' ? 'answered' : (attempt.code ?? 'unknown') });
        if (attempt.handedOverFrom !== undefined) handovers.inc({ route, from: attempt.handedOverFrom, to: attempt.member });
      }));
      return () => { for (const stop of stops) stop(); };
    },
    observeQueue(queue, counts) {
      queues.set(queue, counts);
      return () => { if (queues.get(queue) === counts) queues.delete(queue); };
    },
    render: () => registry.metrics(),
  };
}
