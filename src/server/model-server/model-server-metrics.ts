/**
 * @module server/model-server/model-server-metrics
 * Prometheus metrics of the model server (`GET /metrics`), on a registry of its own (never prom-client's global
 * one): requests by endpoint and status, their duration, the admission queue, the model's busy sequences and the
 * tokens read and generated.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Buckets of `model_server_request_duration_seconds`, in s: from a cached `/v1/models` to a long generation. */
export const MODEL_SERVER_DURATION_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The live figures the gauges read when scraped. */
export interface ModelServerGaugeSource {
  /** Requests admitted and working. */
  activeRequests(): number;
  /** Requests waiting in the admission queue. */
  queueDepth(): number;
  /** The model's sequences generating now. */
  activeSequences(): number;
  /** The model's sequences in all. */
  sequences(): number;
}

/** Options of {@link createModelServerMetrics}. */
export interface ModelServerMetricsOptions {
  readonly source: ModelServerGaugeSource;
  /** Prefix of every metric name (`zerr_` gives `zerr_model_server_requests_total`). Default `''`. */
  readonly prefix?: string;
  /** Also register prom-client's default process metrics. Default true. */
  readonly defaultMetrics?: boolean;
}

/** The model server's metrics. */
export interface ModelServerMetrics {
  readonly registry: Registry;
  /** Content type of {@link ModelServerMetrics.render} (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** Counts one finished request (status 499: the client closed the connection first) and its duration, s. */
  observeRequest(endpoint: string, status: number, durationSeconds: number): void;
  /** Counts the tokens of one model call. */
  observeTokens(usage: { readonly inputTokens: number; readonly outputTokens: number }): void;
  /** The registry in the Prometheus text exposition format. */
  render(): Promise<string>;
}

/**
 * Registers (names without the prefix):
 * - `model_server_requests_total{endpoint,status}` counter (endpoint: the route, e.g. `/v1/chat/completions`;
 *   status 429 counts refusals by the full queue, 499 requests whose client went away);
 * - `model_server_request_duration_seconds{endpoint}` histogram, arrival to the end of the response, s;
 * - `model_server_active_requests`, `model_server_queue_depth` gauges (admission queue);
 * - `model_server_sequences_active`, `model_server_sequences` gauges (the model's context);
 * - `model_server_tokens_total{direction="input|output"}` counter (prompt tokens read, tokens generated; embedding
 *   inputs count as input).
 */
export function createModelServerMetrics(options: ModelServerMetricsOptions): ModelServerMetrics {
  const registry = new Registry();
  const prefix = options.prefix ?? '';
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix });
  const { source } = options;
  const requests = new Counter({ name: `${prefix}model_server_requests_total`, help: 'Requests answered, by endpoint and HTTP status (499: the client closed the connection first).', labelNames: ['endpoint', 'status'] as const, registers });
  const duration = new Histogram({
    name: `${prefix}model_server_request_duration_seconds`, help: 'Time from a request\'s arrival to the end of its response, in seconds.',
    labelNames: ['endpoint'] as const, buckets: [...MODEL_SERVER_DURATION_BUCKETS_S], registers,
  });
  const tokens = new Counter({ name: `${prefix}model_server_tokens_total`, help: 'Tokens by direction: input (prompts, embedding inputs), output (generated).', labelNames: ['direction'] as const, registers });
  for (const direction of ['input', 'output'] as const) tokens.inc({ direction }, 0);
  const gauge = (name: string, help: string, read: () => number) => new Gauge({ name: `${prefix}${name}`, help, registers, collect() { this.set(read()); } });
  gauge('model_server_active_requests', 'Requests admitted and working.', () => source.activeRequests());
  gauge('model_server_queue_depth', 'Requests waiting in the admission queue.', () => source.queueDepth());
  gauge('model_server_sequences_active', 'Sequences of the model\'s context generating now.', () => source.activeSequences());
  gauge('model_server_sequences', 'Sequences of the model\'s context.', () => source.sequences());
  return {
    registry,
    contentType: registry.contentType,
    observeRequest(endpoint, status, durationSeconds) {
      requests.inc({ endpoint, status: String(status) });
      duration.observe({ endpoint }, durationSeconds);
    },
    observeTokens(usage) {
      tokens.inc({ direction: 'input' }, usage.inputTokens);
      tokens.inc({ direction: 'output' }, usage.outputTokens);
    },
    render: () => registry.metrics(),
  };
}
