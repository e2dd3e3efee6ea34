/**
 * @module telemetry
 * Metrics, logs and traces of the engine, all read from its event stream (`engine.on`): the service edges (HTTP,
 * MCP, CLI) wire them; the engine knows nothing of them.
 */
export {
  createMetrics, CIRCUIT_BREAKER_STATE_VALUES, TASK_DURATION_BUCKETS_S, VERIFY_LAYER_DURATION_BUCKETS_S, VOTES_PER_DECISION_BUCKETS,
  type CircuitBreakerSource, type EngineMetrics, type MetricsOptions,
} from './metrics.js';
export { taskStatusOf, type TaskStatus } from './task-status.js';
export { createLogger, LOG_LEVELS, REDACTED_PATHS, type LoggerOptions } from './logger.js';
export { logEngineEvents, eventLogLevel, eventLogFields, MAX_LOGGED_TEXT_CHARS, type EventLogLevel } from './log-engine-events.js';
export { createTracing, type EngineTracing, type TraceExporterKind, type TracingOptions } from './tracing.js';
export { EngineSpans, SPAN_NAMES } from './engine-spans.js';
export { createWorkerMetrics, WORKER_JOB_DURATION_BUCKETS_S, type WorkerMetrics } from './worker-metrics.js';
