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
]);

export const RunIdParamsSchema = z.object({ id: z.string().min(1) });
export const EscalationParamsSchema = z.object({ id: z.string().min(1), escalationId: z.string().min(1) });
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
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: z.ZodType; readonly contentType?: string }>>;
}

const json = (description: string, schema?: z.ZodType) => (schema === undefined ? { description } : { description, schema });
const errors = {
  401: json('no valid API key (`unauthorized`)', ErrorBodySchema),
  429: json('too many requests for this key (`rate_limited`)', ErrorBodySchema),
};

/** Every route of the API. */
export const ROUTES: readonly RouteDoc[] = [
  { method: 'POST', path: '/v1/runs', summary: 'Start a solve or build run in the background', auth: true, body: CreateRunBodySchema,
    responses: { 202: json('run started', AcceptedBodySchema), 400: json('invalid body (`invalid_argument`, `invalid_spec`)', ErrorBodySchema), 413: json('body too large', ErrorBodySchema), ...errors } },
  { method: 'GET', path: '/v1/runs', summary: 'Recent runs, most recent first', auth: true, query: ListRunsQuerySchema, responses: { 200: json('`{ runs: RunSummary[] }`'), ...errors } },
  { method: 'GET', path: '/v1/runs/:id', summary: 'A run: tasks, decisions, DAG, escalations, totals, report', auth: true, params: RunIdParamsSchema,
    responses: { 200: json('RunView'), 404: json('no such run (`run_not_found`)', ErrorBodySchema), ...errors } },
  { method: 'GET', path: '/v1/runs/:id/events', summary: 'Server-Sent Events of a run (resumable with Last-Event-ID), ends after run-end', auth: true,
    params: RunIdParamsSchema, query: EventsQuerySchema,
    responses: { 200: { description: '`id: <n>`, `event: <type>`, `data: <EngineEvent JSON>`; `: heartbeat` comments every 15 s', contentType: 'text/event-stream' }, 404: json('no such run', ErrorBodySchema), ...errors } },
  { method: 'POST', path: '/v1/runs/:id/cancel', summary: 'Cancel a live run (a build pauses, resumable)', auth: true, params: RunIdParamsSchema,
    responses: { 202: json('`{ runId, cancelled: true }`'), 404: json('no such run', ErrorBodySchema), 409: json('the run is not live here (`run_not_live`)', ErrorBodySchema), ...errors } },
  { method: 'GET', path: '/v1/escalations', summary: 'Escalations, oldest first', auth: true, query: EscalationsQuerySchema, responses: { 200: json('`{ escalations: [...] }`'), 400: json('bad filter', ErrorBodySchema), ...errors } },
  { method: 'POST', path: '/v1/runs/:id/escalations/:escalationId/answer', summary: 'Answer an escalation (a paused build resumes)', auth: true,
    params: EscalationParamsSchema, body: AnswerBodySchema,
    responses: { 200: json('the answered escalation'), 400: json('invalid answer', ErrorBodySchema), 404: json('no such run or escalation', ErrorBodySchema), 409: json('already answered (`escalation_already_answered`)', ErrorBodySchema), ...errors } },
  { method: 'POST', path: '/build', summary: 'Alias of POST /v1/runs with kind build', auth: true, body: AliasBuildBodySchema, responses: { 202: json('build started', AcceptedBodySchema), 400: json('invalid body', ErrorBodySchema), ...errors } },
  { method: 'GET', path: '/status', summary: 'Service status: live runs and recent runs', auth: true, responses: { 200: json('`{ status, live, runs }`'), ...errors } },
  { method: 'GET', path: '/health', summary: 'Liveness (no key needed)', auth: false, responses: { 200: json('`{ status: "ok" }`') } },
  { method: 'GET', path: '/ready', summary: 'Readiness: the run store answers and the service is open (no key needed)', auth: false,
    responses: { 200: json('`{ status: "ready", checks }`'), 503: json('`{ status: "not_ready", checks }`') } },
  { method: 'GET', path: '/metrics', summary: 'Prometheus metrics (no key needed)', auth: false, responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' }, 404: json('metrics not enabled', ErrorBodySchema) } },
  { method: 'GET', path: '/openapi.json', summary: 'This document (no key needed)', auth: false, responses: { 200: json('OpenAPI 3.1') } },
];
