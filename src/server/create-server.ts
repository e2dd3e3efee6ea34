/**
 * @module server/create-server
 * The HTTP API (Fastify): runs as resources on a {@link RunService}. Routes and their schemas are listed in
 * `api-schemas.ts` (also the source of `GET /openapi.json`); errors leave as `{ error: { code, message } }` with the
 * status from `error-table.ts`. Every `/v1/*` route and the seed's aliases (`POST /build`, `GET /status`) need an
 * API key (`Authorization: Bearer zerr_...` or `X-API-Key`; the event stream also takes `?access_token=` for
 * `EventSource`), unless the server was created with `keys: null` (auth disabled). Requests are rate-limited per
 * key (per client IP without one). `/health`, `/ready`, `/metrics`, `/openapi.json` and the dashboard page at `/`
 * are public.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parseOptions, RunNotLiveError, type RunService, type RunStore } from '../index.js';
import { ApiError } from './api-error.js';
import type { ApiKeyStore } from './api-keys.js';
import {
  AliasBuildBodySchema, AnswerBodySchema, CreateRunBodySchema, EscalationParamsSchema, EscalationsQuerySchema, EventsQuerySchema,
  ListRunsQuerySchema, RunIdParamsSchema,
} from './api-schemas.js';
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
  /** Requests per minute per API key. Default 120. */
  readonly rateLimitPerMinute?: number;
  /** A pino-compatible logger, or true for Fastify's own (info), false for none. Default false. */
  readonly logger?: FastifyBaseLogger | boolean;
  /** Interval of SSE heartbeat comments, ms. Default 15 000. */
  readonly heartbeatMs?: number;
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
  const version = options.version ?? '0.1.0';
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    forceCloseConnections: true,
    ...(typeof options.logger === 'object'
      ? { loggerInstance: options.logger }
      : { logger: options.logger === true ? { level: 'info', serializers: { req: (request: FastifyRequest) => ({ method: request.method, url: request.url.split('?')[0] ?? '' }) } } : false }),
  }) as unknown as FastifyInstance;

  app.decorateRequest('identity', null);
  app.setErrorHandler((error, request, reply) => {
    const wire = toWireError(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
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
    const record = key === undefined ? undefined : await keys.verify(key);
    if (record === undefined) {
      throw new ApiError('unauthorized', key === undefined
        ? 'an API key is required: Authorization: Bearer <key> or X-API-Key (create one with `zerr keys create --name <name>`)'
        : 'the API key is not valid or was revoked');
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

  const accepted = (reply: FastifyReply, runId: string, kind: 'solve' | 'build') => reply.code(202).header('location', `/v1/runs/${runId}`).send({
    runId, kind, links: { self: `/v1/runs/${runId}`, events: `/v1/runs/${runId}/events`, cancel: `/v1/runs/${runId}/cancel` },
  });
  const startBuild = async (reply: FastifyReply, requirements: string, buildOptions: object | undefined) => {
    const { runId } = await service.startBuild({ request: { ...buildOptions, requirements } });
    return accepted(reply, runId, 'build');
  };
  const requireRun = async (runId: string): Promise<void> => {
    if (await service.record(runId) === undefined) throw new ApiError('run_not_found', `no run ${JSON.stringify(runId)}`);
  };

  api.post('/v1/runs', auth, async (request, reply) => {
    const body = parseOptions(CreateRunBodySchema, request.body ?? {}, 'body');
    if (body.kind === 'build') return startBuild(reply, body.requirements, body.options);
    const { runId } = await service.startSolve({
      spec: body.spec, ...(body.k === undefined ? {} : { k: body.k }), ...(body.maxSamples === undefined ? {} : { maxSamples: body.maxSamples }),
    });
    return accepted(reply, runId, 'solve');
  });
  api.post('/build', auth, async (request, reply) => {
    const body = parseOptions(AliasBuildBodySchema, request.body ?? {}, 'body');
    return startBuild(reply, body.requirements, body.options);
  });
  api.get('/v1/runs', auth, async (request) => {
    const query = parseOptions(ListRunsQuerySchema, request.query, 'query');
    return { runs: await service.list(query.limit === undefined ? {} : { limit: query.limit }) };
  });
  api.get('/v1/runs/:id', auth, async (request) => {
    const { id } = parseOptions(RunIdParamsSchema, request.params, 'params');
    const view = await service.get(id);
    if (view === undefined) throw new ApiError('run_not_found', `no run ${JSON.stringify(id)}`);
    return view;
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
    return service.answerEscalation(id, escalationId, { answer, answeredBy: request.identity?.name ?? 'http' });
  });
  api.get('/status', auth, async () => {
    const status = service.status();
    return { status: status.closed ? 'closing' : 'ok', version, live: status.live, runs: await service.list({ limit: 20 }) };
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
