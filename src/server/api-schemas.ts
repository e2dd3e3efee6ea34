/**
 * @module server/api-schemas
 * The HTTP API's request and response schemas (zod) and its route catalogue. Handlers validate with these schemas
 * and `openapi.ts` generates `GET /openapi.json` from the same catalogue, so the two cannot drift apart.
 */
import { z } from 'zod';
import { BuildRequestSchema, TaskSpecSchema } from '../index.js';

/** `POST /v1/runs` for one spec. */
export const SolveRunBodySchema = z.object({
  kind: z.literal('solve'),
  spec: TaskSpecSchema,
  /** first-to-ahead-by-k margin (default 3). */
  k: z.number().int().positive().optional(),
  /** Sample budget (default 20). */
  maxSamples: z.number().int().positive().optional(),
  /** Vote rule (default first-to-ahead-by-k); `adaptive` raises a contested vote's margin (decision 022). */
  vote: z.enum(['first-to-ahead-by-k', 'adaptive']).optional(),
  /** With `vote: "adaptive"`: probability that the decision is right, in (0, 1) (default 0.95). */
  target: z.number().gt(0).lt(1).optional(),
}).strict();

/** Build settings besides the requirements (see `BuildRequestSchema` for the defaults). */
export const BuildOptionsBodySchema = BuildRequestSchema.omit({ requirements: true });

/** `POST /v1/runs` for a build. */
export const BuildRunBodySchema = z.object({
  kind: z.literal('build'),
  requirements: z.string().trim().min(1, 'the requirements text is empty'),
  options: BuildOptionsBodySchema.optional(),
}).strict();

/** `POST /v1/runs`. */
export const CreateRunBodySchema = z.discriminatedUnion('kind', [SolveRunBodySchema, BuildRunBodySchema]);

/** `POST /build` (the seed's alias): a build without `kind`. */
export const AliasBuildBodySchema = BuildRunBodySchema.omit({ kind: true });

/** An escalation answer: the function's code, or a decomposition proposal `{ subtasks: [...] }`. */
export const AnswerBodySchema = z.union([
  z.object({ code: z.string().min(1, 'non-empty code') }).strict(),
  z.object({ proposal: z.record(z.string(), z.unknown()) }).strict(),
], { error: 'an answer: { "code": "<the function\'s code>" } or { "proposal": { "subtasks": [...] } }' });

export const RunIdParamsSchema = z.object({ id: z.string().min(1) });
export const EscalationParamsSchema = z.object({ id: z.string().min(1), escalationId: z.string().min(1) });
export const TaskParamsSchema = z.object({ id: z.string().min(1), taskId: z.string().min(1) });
export const ListRunsQuerySchema = z.object({ limit: z.coerce.number().int().positive().max(500).optional() });
export const EscalationsQuerySchema = z.object({ runId: z.string().min(1).optional(), status: z.enum(['open', 'answered']).optional() });
export const EventsQuerySchema = z.object({
  /** Resume after this event id (as the `Last-Event-ID` header; the header wins). */
  lastEventId: z.coerce.number().int().nonnegative().optional(),
  /** The API key, for clients that cannot set headers (`EventSource`). */
  access_token: z.string().optional(),
});

export const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export const AcceptedBodySchema = z.object({
  runId: z.string(),
  kind: z.enum(['solve', 'build']),
  /** `running`: started at once; `queued`: every run slot is taken, it starts when one frees (`queuePosition`, 1 = next). */
  status: z.enum(['running', 'queued']),
  queuePosition: z.number().int().positive().nullable(),
  links: z.object({ self: z.string(), events: z.string(), cancel: z.string() }),
});

/** A route of the API, for validation and the OpenAPI document. */
export interface RouteDoc {
  readonly method: 'GET' | 'POST';
  /** Fastify form (`/v1/runs/:id`). */
  readonly path: string;
  readonly summary: string;
  /** Whether an API key is required (when auth is enabled). */
  readonly auth: boolean;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

/** One response of a route. `headers`: response headers by name with their description (e.g. `Retry-After`). */
export interface ResponseDoc {
  readonly description: string;
  readonly schema?: z.ZodType;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const json = (description: string, schema?: z.ZodType): ResponseDoc => (schema === undefined ? { description } : { description, schema });
const RETRY_AFTER = { 'Retry-After': 'seconds to wait before retrying' };
const errors: Record<number, ResponseDoc> = {
  401: json('no valid API key (`unauthorized`)', ErrorBodySchema),
  429: { ...json('too many requests for this key (`rate_limited`), or too many failed authentications from this client IP in the last minute (`auth_rate_limited`)', ErrorBodySchema), headers: RETRY_AFTER },
};
const badBody = (what: string): ResponseDoc => json(`${what} (\`invalid_argument\`, \`invalid_json\`, \`body_too_deep\`: JSON nested deeper than the limit, default 100)`, ErrorBodySchema);

/** Every route of the API. */
export const ROUTES: readonly RouteDoc[] = [
  { method: 'POST', path: '/v1/runs', summary: 'Start a solve or build run in the background (queued when every run slot is taken)', auth: true, body: CreateRunBodySchema,
    responses: {
      202: json('run started, or queued (`status`, `queuePosition`)', AcceptedBodySchema), 400: badBody('invalid body (also `invalid_spec`)'),
      413: json('body too large (`payload_too_large`)', ErrorBodySchema), ...errors,
      429: { ...json('rate limited (`rate_limited`, `auth_rate_limited`), or every run slot is taken and the queue is full (`run_queue_full`)', ErrorBodySchema), headers: RETRY_AFTER },
    } },
  { method: 'GET', path: '/v1/runs', summary: 'Recent runs, most recent first', auth: true, query: ListRunsQuerySchema, responses: { 200: json('`{ runs: RunSummary[] }`'), ...errors } },
  { method: 'GET', path: '/v1/runs/:id', summary: 'A run: tasks (with k), decisions, DAG, escalations, totals, report; `status: "queued"` and `queuePosition` while it waits for a slot', auth: true, params: RunIdParamsSchema,
    responses: { 200: json('RunView'), 404: json('no such run (`run_not_found`)', ErrorBodySchema), ...errors } },
  { method: 'GET', path: '/v1/runs/:id/tasks/:taskId', summary: 'One task in detail: every sample with its code, red flags (rule, reason) and layer results (status, reason), its class; the decision with the chosen code and k; a build node\'s own and dependencies\' code', auth: true, params: TaskParamsSchema,
    responses: { 200: json('TaskDetail'), 404: json('no such run (`run_not_found`) or task (`task_not_found`)', ErrorBodySchema), ...errors } },
  { method: 'GET', path: '/v1/runs/:id/events', summary: 'Server-Sent Events of a run (resumable with Last-Event-ID), ends after run-end', auth: true,
    params: RunIdParamsSchema, query: EventsQuerySchema,
    responses: { 200: { description: '`id: <n>`, `event: <type>`, `data: <EngineEvent JSON>`; `: heartbeat` comments every 15 s', contentType: 'text/event-stream' }, 404: json('no such run', ErrorBodySchema), ...errors } },
  { method: 'POST', path: '/v1/runs/:id/cancel', summary: 'Cancel a live run (a build pauses, resumable)', auth: true, params: RunIdParamsSchema,
    responses: { 202: json('`{ runId, cancelled: true }`'), 404: json('no such run', ErrorBodySchema), 409: json('the run is not live here (`run_not_live`)', ErrorBodySchema), ...errors } },
  { method: 'GET', path: '/v1/models', summary: 'The models this server calls: per model of its route, the role (mix with its weight, or fallback), calls asked, answered, failed by error code, handed over, and its circuit breaker state (CLOSED, OPEN, HALF_OPEN); one model without a route gives `route: null`', auth: true,
    responses: { 200: json('`{ route: string | null, models: RouteMemberStats[] }`'), ...errors } },
  { method: 'GET', path: '/v1/escalations', summary: 'Escalations, oldest first', auth: true, query: EscalationsQuerySchema, responses: { 200: json('`{ escalations: [...] }`'), 400: json('bad filter', ErrorBodySchema), ...errors } },
  { method: 'POST', path: '/v1/runs/:id/escalations/:escalationId/answer', summary: 'Answer an escalation (a paused build resumes)', auth: true,
    params: EscalationParamsSchema, body: AnswerBodySchema,
    responses: { 200: json('the answered escalation'), 400: badBody('invalid answer'), 404: json('no such run or escalation', ErrorBodySchema), 409: json('already answered (`escalation_already_answered`)', ErrorBodySchema), ...errors } },
  { method: 'POST', path: '/build', summary: 'Alias of POST /v1/runs with kind build', auth: true, body: AliasBuildBodySchema,
    responses: { 202: json('build started or queued', AcceptedBodySchema), 400: badBody('invalid body'), 413: json('body too large (`payload_too_large`)', ErrorBodySchema), ...errors,
      429: { ...json('rate limited, or the run queue is full (`run_queue_full`)', ErrorBodySchema), headers: RETRY_AFTER } } },
  { method: 'GET', path: '/status', summary: 'Service status: live runs, queued runs, admission limits and recent runs', auth: true, responses: { 200: json('`{ status, live, queued, limits: { maxRunningRuns, maxQueuedRuns }, runs }`'), ...errors } },
  { method: 'GET', path: '/health', summary: 'Liveness (no key needed)', auth: false, responses: { 200: json('`{ status: "ok" }`') } },
  { method: 'GET', path: '/ready', summary: 'Readiness: the run store answers and the service is open (no key needed)', auth: false,
    responses: { 200: json('`{ status: "ready", checks }`'), 503: json('`{ status: "not_ready", checks }`') } },
  { method: 'GET', path: '/metrics', summary: 'Prometheus metrics (no key needed)', auth: false, responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' }, 404: json('metrics not enabled', ErrorBodySchema) } },
  { method: 'GET', path: '/openapi.json', summary: 'This document (no key needed)', auth: false, responses: { 200: json('OpenAPI 3.1') } },
];
