/**
 * @module server/create-server
 * The HTTP API (Fastify): runs as resources on a {@link RunService}. Routes and their schemas are listed in
 * `api-schemas.ts` (also the source of `GET /openapi.json`); errors leave as `{ error: { code, message } }` with the
 * status from `error-table.ts`. Every `/v1/*` route and the seed's aliases (`POST /build`, `GET /status`) need an
 * API key (`Authorization: Bearer zerr_...` or `X-API-Key`; the event stream also takes `?access_token=` for
 * `EventSource`), unless the server was created with `keys: null` (auth disabled). Requests are rate-limited per
 * key (per client IP without one). Failed authentication is cheap and limited per client IP
 * (`auth-failure-limiter.ts`, `api-keys.ts`): a key verified recently is accepted from the cache, a client with too
 * many failures in the last minute is refused with 429 `auth_rate_limited` before its key is looked at. JSON bodies
 * are limited in size (413 `payload_too_large`) and nesting depth (400 `body_too_deep`). New runs beyond the run
 * service's slots wait in its queue (202 with `status: "queued"` and `queuePosition`), and beyond its queue are
 * refused with 429 `run_queue_full` and `Retry-After`. `/health`, `/ready`, `/metrics`, `/openapi.json` and the
 * dashboard page at `/` are public.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parseOptions, RunNotLiveError, taskDetail, type RouteMemberStats, type RunService, type RunStore, type StartedRun } from '../index.js';
import { ApiError } from './api-error.js';
import type { ApiKeyStore } from './api-keys.js';
import {
  AliasBuildBodySchema, AnswerBodySchema, CreateRunBodySchema, EscalationParamsSchema, EscalationsQuerySchema, EventsQuerySchema,
  ListRunsQuerySchema, RunIdParamsSchema, TaskParamsSchema,
} from './api-schemas.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { DEFAULT_BODY_MAX_DEPTH, registerJsonBodyParser } from './json-body-parser.js';
import { registerDashboard } from './dashboard/register-dashboard.js';
import { toWireError } from './error-table.js';
import { streamRunEvents } from './event-stream.js';
import { openApiDocument } from './openapi.js';

/** What a server is built from. */
export interface ServerOptions {
  readonly service: RunService;
  /** The run store, for `/ready` (one `listRuns({ limit: 1 })`). */
  readonly store: Pick<RunStore, 'listRuns'>;
  /** Prometheus metrics for `/metrics`; without it `/metrics` answers 404 `metrics_disabled`. */
  readonly metrics?: { render(): Promise<string>; readonly contentType: string };
  /** The API keys; `null` disables authentication (only with an explicit `--no-auth`). */
  readonly keys: ApiKeyStore | null;
  /** Largest request body, bytes. Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Deepest array/object nesting of a JSON body (deeper: 400 `body_too_deep`). Default 100. */
  readonly bodyMaxDepth?: number;
  /** Requests per minute per API key. Default 120. */
  readonly rateLimitPerMinute?: number;
  /** Failed authentications per client IP per minute before it is refused (429 `auth_rate_limited`). Default 10. */
  readonly authFailuresPerMinute?: number;
  /** A pino-compatible logger, or true for Fastify's own (info), false for none. Default false. */
  readonly logger?: FastifyBaseLogger | boolean;
  /** Interval of SSE heartbeat comments, ms. Default 15 000. */
  readonly heartbeatMs?: number;
  /**
   * The models behind the server's engine, for `GET /v1/models` and the dashboard: a model router's per-model
   * counts, or null for one model. Default: null.
   */
  readonly models?: () => { readonly route: string; readonly models: readonly RouteMemberStats[] } | null;
  /**
   * The scale-out's queues (`zerr serve --redis`), for `GET /v1/queues` and the dashboard: job counts of the sample
   * queue and the run queue (batches and schedules), and the schedules. Default: none (`{}`).
   */
  readonly queues?: () => Promise<Readonly<Record<string, unknown>>>;
  /** Serve the dashboard page at `/`. Default true. */
  readonly dashboard?: boolean;
  /** API version in `/openapi.json` and `/status`. Default `0.1.0`. */
  readonly version?: string;
}

/** Who made a request: the key's id and name (`anonymous` with auth disabled). */
export interface RequestIdentity {
  readonly id: string;
  readonly name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: RequestIdentity | null;
  }
  interface FastifyContextConfig {
    /** The route needs an API key. */
    auth?: boolean;
  }
}

const ANONYMOUS: RequestIdentity = { id: 'anonymous', name: 'anonymous' };

/**
 * Builds the Fastify app (not listening: call `listen`). Close the run service before the app so that live event
 * streams end (builds pause and emit `run-end`).
 */
export function createServer(options: ServerOptions): FastifyInstance {
  const { keys } = options;
  const authFailures = new AuthFailureLimiter(options.authFailuresPerMinute === undefined ? {} : { maxFailures: options.authFailuresPerMinute });
  const version = options.version ?? '0.1.0';
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    forceCloseConnections: true,
    ...(typeof options.logger === 'object'
      ? { loggerInstance: options.logger }
      : { logger: options.logger === true ? { level: 'info', serializers: { req: (request: FastifyRequest) => ({ method: request.method, url: request.url.split('?')[0] ?? '' }) } } : false }),
  }) as unknown as FastifyInstance;

  app.decorateRequest('identity', null);
  registerJsonBodyParser(app, { maxDepth: options.bodyMaxDepth ?? DEFAULT_BODY_MAX_DEPTH });
  app.setErrorHandler((error, request, reply) => {
    const wire = toWireError(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    if (wire.retryAfterSeconds !== undefined) void reply.header('retry-after', String(wire.retryAfterSeconds));
    return reply.status(wire.status).send(wire.body);
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } }));

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.auth !== true) return;
    if (keys === null) {
      request.identity = ANONYMOUS;
      return;
    }
    const key = presentedKey(request);
    if (key === undefined) {
      throw new ApiError('unauthorized', 'an API key is required: Authorization: Bearer <key> or X-API-Key (create one with `zerr keys create --name <name>`)');
    }
    // Cheap first: a key verified recently (no I/O); a client that failed too often gets only what needs no hash
    // (a key verified before is still accepted from it, e.g. a user behind the same NAT as an attacker).
    let record = keys.cached(key);
    if (record === undefined) {
      const blockedMs = authFailures.blockedForMs(request.ip);
      record = await keys.verify(key, { hash: blockedMs === 0 });
      if (record === undefined && blockedMs > 0) {
        throw new ApiError('auth_rate_limited', `too many failed authentications from ${request.ip} (${authFailures.maxFailures} per minute); retry in ${Math.ceil(blockedMs / 1000)} s`, { retryAfterMs: blockedMs });
      }
      if (record === undefined) {
        authFailures.recordFailure(request.ip);
        throw new ApiError('unauthorized', 'the API key is not valid or was revoked');
      }
    }
    request.identity = { id: record.id, name: record.name };
  });

  void app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: options.rateLimitPerMinute ?? 120,
    timeWindow: 60_000,
    keyGenerator: (request) => request.identity === null ? `ip:${request.ip}` : `key:${request.identity.id}`,
    errorResponseBuilder: (_request, context) => new ApiError('rate_limited', `rate limit of ${context.max} requests per minute reached; retry in ${context.after}`),
  });
  void app.register(async (api) => {
    registerRoutes(api, options, version);
    if (options.dashboard !== false) await registerDashboard(api, {});
  });
  return app;
}

function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match !== null) return match[1];
  }
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  if (request.routeOptions.url === '/v1/runs/:id/events') {
    const token = (request.query as Record<string, unknown> | undefined)?.['access_token'];
    if (typeof token === 'string' && token !== '') return token;
  }
  return undefined;
}

function registerRoutes(api: FastifyInstance, options: ServerOptions, version: string): void {
  const { service } = options;
  const auth = { config: { auth: true } };
  const open = { config: { auth: false, rateLimit: false } };

  const accepted = (reply: FastifyReply, started: StartedRun, kind: 'solve' | 'build') => reply.code(202).header('location', `/v1/runs/${started.runId}`).send({
    runId: started.runId, kind, status: started.queuePosition === null ? 'running' : 'queued', queuePosition: started.queuePosition,
    links: { self: `/v1/runs/${started.runId}`, events: `/v1/runs/${started.runId}/events`, cancel: `/v1/runs/${started.runId}/cancel` },
  });
  const startBuild = async (reply: FastifyReply, requirements: string, buildOptions: object | undefined) =>
    accepted(reply, await service.startBuild({ request: { ...buildOptions, requirements } }), 'build');
  /** The run exists (stored, or waiting in the service's queue). */
  const requireRun = async (runId: string): Promise<void> => {
    if (await service.get(runId) === undefined) throw new ApiError('run_not_found', `no run ${JSON.stringify(runId)}`);
  };

  api.post('/v1/runs', auth, async (request, reply) => {
    const body = parseOptions(CreateRunBodySchema, request.body ?? {}, 'body');
    if (body.kind === 'build') return startBuild(reply, body.requirements, body.options);
    const started = await service.startSolve({
      spec: body.spec, ...(body.k === undefined ? {} : { k: body.k }), ...(body.maxSamples === undefined ? {} : { maxSamples: body.maxSamples }),
      ...(body.vote === undefined ? {} : { vote: body.vote }), ...(body.target === undefined ? {} : { target: body.target }),
    });
    return accepted(reply, started, 'solve');
  });
  api.post('/build', auth, async (request, reply) => {
    const body = parseOptions(AliasBuildBodySchema, request.body ?? {}, 'body');
    return startBuild(reply, body.requirements, body.options);
  });
  api.get('/v1/runs', auth, async (request) => {
    const query = parseOptions(ListRunsQuerySchema, request.query, 'query');
    return { runs: await service.list(query.limit === undefined ? {} : { limit: query.limit }) };
  });
  api.get('/v1/queues', auth, async () => (options.queues === undefined ? {} : await options.queues()));
  api.get('/v1/models', auth, async () => {
    const routed = options.models?.() ?? null;
    return routed === null ? { route: null, models: [] } : { route: routed.route, models: routed.models };
  });
  api.get('/v1/runs/:id', auth, async (request) => {
    const { id } = parseOptions(RunIdParamsSchema, request.params, 'params');
    const view = await service.get(id);
    if (view === undefined) throw new ApiError('run_not_found', `no run ${JSON.stringify(id)}`);
    return view;
  });
  api.get('/v1/runs/:id/tasks/:taskId', auth, async (request) => {
    const { id, taskId } = parseOptions(TaskParamsSchema, request.params, 'params');
    const run = await service.record(id);
    if (run === undefined) {
      await requireRun(id);
      throw new ApiError('task_not_found', `run ${JSON.stringify(id)} has not started yet (it waits in the queue); it has no tasks`);
    }
    const detail = taskDetail(run, taskId);
    if (detail === undefined) throw new ApiError('task_not_found', `run ${JSON.stringify(id)} has no task ${JSON.stringify(taskId)}`);
    return detail;
  });
  api.get('/v1/runs/:id/events', auth, async (request, reply) => {
    const { id } = parseOptions(RunIdParamsSchema, request.params, 'params');
    const query = parseOptions(EventsQuerySchema, request.query, 'query');
    await requireRun(id);
    const header = request.headers['last-event-id'];
    const fromHeader = typeof header === 'string' && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
    await streamRunEvents(reply, service, id, { afterId: fromHeader ?? query.lastEventId ?? 0, heartbeatMs: options.heartbeatMs ?? 15_000 });
  });
  api.post('/v1/runs/:id/cancel', auth, async (request, reply) => {
    const { id } = parseOptions(RunIdParamsSchema, request.params, 'params');
    if (await service.cancel(id)) return reply.code(202).send({ runId: id, cancelled: true });
    await requireRun(id);
    throw new RunNotLiveError(id);
  });
  api.get('/v1/escalations', auth, async (request) => {
    const query = parseOptions(EscalationsQuerySchema, request.query, 'query');
    return { escalations: await service.listEscalations({ ...(query.runId === undefined ? {} : { runId: query.runId }), ...(query.status === undefined ? {} : { status: query.status }) }) };
  });
  api.post('/v1/runs/:id/escalations/:escalationId/answer', auth, async (request) => {
    const { id, escalationId } = parseOptions(EscalationParamsSchema, request.params, 'params');
    const answer = parseOptions(AnswerBodySchema, request.body ?? {}, 'body');
    await requireRun(id);
    return service.answerEscalation(id, escalationId, { answer, answeredBy: request.identity?.name ?? 'http' });
  });
  api.get('/status', auth, async () => {
    const status = service.status();
    return {
      status: status.closed ? 'closing' : 'ok', version, live: status.live, queued: status.queued,
      limits: { maxRunningRuns: status.maxRunningRuns, maxQueuedRuns: status.maxQueuedRuns }, runs: await service.list({ limit: 20 }),
    };
  });
  api.get('/health', open, async () => ({ status: 'ok' }));
  api.get('/ready', open, async (_request, reply) => {
    const store = await options.store.listRuns({ limit: 1 }).then(() => ({ ok: true, detail: 'listRuns answered' }), (error: unknown) => ({ ok: false, detail: error instanceof Error ? error.message : String(error) }));
    const closed = service.status().closed;
    const checks = {
      store,
      service: { ok: !closed, detail: closed ? 'the run service is closed' : 'accepting runs' },
      model: { ok: true, detail: 'an engine with its model is wired; /ready does not call the model (a call costs tokens)' },
    };
    const ready = store.ok && !closed;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
  api.get('/metrics', open, async (_request, reply) => {
    if (options.metrics === undefined) throw new ApiError('metrics_disabled', 'metrics are not enabled in this server');
    return reply.type(options.metrics.contentType).send(await options.metrics.render());
  });
  api.get('/openapi.json', open, async () => openApiDocument({ version }));
}
