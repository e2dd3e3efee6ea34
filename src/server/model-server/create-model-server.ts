/**
 * @module server/model-server/create-model-server
 * `zerr model-server`: an OpenAI-compatible HTTP API (Fastify) in front of one in-process model, so that workers on
 * other machines share one loaded model (`--model "openai:<id>?baseURL=http://host:8090/v1&mode=completions"`).
 * `GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/completions` (both may stream), `POST /v1/embeddings`;
 * `GET /health` and `GET /metrics` (Prometheus) are public, the `/v1/*` routes need `Authorization: Bearer <key>`
 * when the server has a key. Concurrent requests each take one of the model's sequences, so their tokens are decoded
 * in one batch per step; beyond the sequences, requests wait in a bounded FIFO queue, and beyond that they are
 * refused with 429 `model_queue_full` and `Retry-After`. Errors leave in the OpenAI shape
 * `{ "error": { "message", "type", "code", "param" } }` with the status of the server's error table.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseOptions } from '../../index.js';
import { ApiError } from '../api-error.js';
import { DEFAULT_BODY_MAX_DEPTH, registerJsonBodyParser } from '../json-body-parser.js';
import { AdmissionQueue } from './admission-queue.js';
import { registerEmbeddingsRoute } from './embeddings-route.js';
import { AUTH_ROUTE, registerGenerationRoutes } from './generation-routes.js';
import { createModelServerMetrics } from './model-server-metrics.js';
import { toOpenAiError } from './openai-wire-error.js';
import type { ServedModel } from './served-model.js';

/** Requests that may wait for a sequence, by default. */
export const DEFAULT_MODEL_SERVER_QUEUE = 16;

const ModelServerOptionsSchema = z.object({
  model: z.custom<ServedModel>((value) => typeof value === 'object' && value !== null && typeof (value as ServedModel).generateStreaming === 'function', 'a model with generate, generateStreaming and embed (e.g. LlamaCppLanguageModel)'),
  maxQueued: z.number().int().min(0, 'an integer >= 0').default(DEFAULT_MODEL_SERVER_QUEUE),
  apiKey: z.string().min(1, 'a non-empty key').optional(),
  bodyLimitBytes: z.number().int().positive('a positive integer').default(4 * 1024 * 1024),
  bodyMaxDepth: z.number().int().positive('a positive integer').default(DEFAULT_BODY_MAX_DEPTH),
  retryAfterMs: z.number().int().positive('a positive integer').default(1000),
  metricsPrefix: z.string().regex(/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/, 'a Prometheus metric name prefix').default(''),
  defaultMetrics: z.boolean().default(true),
  logger: z.custom<FastifyBaseLogger>((value) => typeof value === 'object' && value !== null, 'a pino-compatible logger').optional(),
}).strict();

/** Options of {@link createModelServer}. */
export interface ModelServerOptions {
  /** The model to serve; the caller loads it and closes it after the server. */
  readonly model: ServedModel;
  /** Requests that may wait when every sequence is busy; more are refused with 429. Default 16; 0: none wait. */
  readonly maxQueued?: number;
  /** The bearer key `/v1/*` requests must present (401 otherwise). Default: none, no authentication. */
  readonly apiKey?: string;
  /** Largest request body, bytes (413 beyond). Default 4 MiB. */
  readonly bodyLimitBytes?: number;
  /** Deepest array/object nesting of a JSON body (400 `body_too_deep` beyond). Default 100. */
  readonly bodyMaxDepth?: number;
  /** `Retry-After` of a 429 `model_queue_full`, ms (sent in whole seconds). Default 1000. */
  readonly retryAfterMs?: number;
  /** Prefix of the metric names. Default `''`. */
  readonly metricsPrefix?: string;
  /** Also export prom-client's default process metrics. Default true. */
  readonly defaultMetrics?: boolean;
  /** A pino-compatible logger. Default: none. */
  readonly logger?: FastifyBaseLogger;
}

const OPEN_ROUTE = { config: { auth: false } } as const;

/**
 * Builds the model server (not listening: call `listen`). `close()` refuses waiting requests (503) and drops open
 * connections, which aborts their generations; close the model after the server.
 * @throws InvalidArgumentError (`invalid_argument`) for bad options.
 */
export function createModelServer(options: ModelServerOptions): FastifyInstance {
  const config = parseOptions(ModelServerOptionsSchema, options, 'options');
  const { model } = config;
  const admission = new AdmissionQueue({ concurrency: model.sequences, maxQueued: config.maxQueued, retryAfterMs: config.retryAfterMs });
  const metrics = createModelServerMetrics({
    prefix: config.metricsPrefix, defaultMetrics: config.defaultMetrics,
    source: { activeRequests: () => admission.active, queueDepth: () => admission.waiting, activeSequences: () => model.activeSequences, sequences: () => model.sequences },
  });
  const keyDigest = config.apiKey === undefined ? undefined : sha256(config.apiKey);
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    forceCloseConnections: true,
    ...(config.logger === undefined ? { logger: false } : { loggerInstance: config.logger }),
  }) as unknown as FastifyInstance;

  registerJsonBodyParser(app, { maxDepth: config.bodyMaxDepth });
  app.setErrorHandler((error, request, reply) => {
    const wire = toOpenAiError(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    if (wire.retryAfterSeconds !== undefined) void reply.header('retry-after', String(wire.retryAfterSeconds));
    return reply.status(wire.status).send(wire.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const wire = toOpenAiError(new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`));
    return reply.status(wire.status).send(wire.body);
  });
  app.addHook('onRequest', async (request, reply) => {
    const started = performance.now();
    reply.raw.once('close', () => {
      const status = reply.raw.writableFinished ? reply.raw.statusCode : 499;
      metrics.observeRequest(request.routeOptions.url ?? 'unmatched', status, (performance.now() - started) / 1000);
    });
    if (keyDigest === undefined || request.routeOptions.config.auth !== true) return;
    const presented = bearerKey(request);
    if (presented === undefined) throw new ApiError('unauthorized', 'an API key is required: Authorization: Bearer <key>');
    if (!timingSafeEqual(sha256(presented), keyDigest)) throw new ApiError('unauthorized', 'the API key is not valid');
  });
  app.addHook('onClose', async () => {
    admission.close();
  });

  const context = { model, admission, metrics };
  app.get('/health', OPEN_ROUTE, async () => ({ status: 'ok', model: model.modelId, sequences: model.sequences, activeSequences: model.activeSequences, queued: admission.waiting }));
  app.get('/metrics', OPEN_ROUTE, async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()));
  app.get('/v1/models', AUTH_ROUTE, async () => ({
    object: 'list', data: [{ id: model.modelId, object: 'model', created: 0, owned_by: 'zerr' }],
  }));
  registerGenerationRoutes(app, context);
  registerEmbeddingsRoute(app, context);
  return app;
}

function bearerKey(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
