/**
 * @module decompose/decomposition-proposal
 * The JSON a decomposer agent answers with: subtasks with a typed signature, dependencies on sibling subtasks,
 * test cases and size estimates (seed implementation guide §3, hierarchical decomposition; MAKER §3.1, maximal
 * decomposition). The zod schema is the single source of truth: the JSON Schema handed to llama.cpp grammars and
 * OpenAI `response_format` is derived from it with `z.toJSONSchema`.
 */
import { z } from 'zod';
import { CallSequenceSchema, FieldSchema, MethodSchema, SignatureSchema, TestCaseSchema } from '../task-spec/task-spec.js';

/**
 * One proposed subtask. `id` is kebab-case and unique within the proposal. A `function` (the default) is tested by
 * `testCases`; a `class` (state shared by several operations) names the class in `signature.entryPoint`, its
 * constructor's parameters in `signature.inputs`, and is tested by call `sequences` over its `methods` and `fields`,
 * as a class task spec is (docs/spec.md, "Classes").
 */
export const SubtaskProposalSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,47}$/, 'kebab-case, at most 48 characters'),
    name: z.string().min(1).max(120),
    description: z.string().min(1).max(2000),
    /** `function` when absent. */
    taskType: z.enum(['function', 'class']).optional(),
    signature: SignatureSchema,
    /** Ids of sibling subtasks whose functions or classes this one uses. */
    dependencies: z.array(z.string()).default([]),
    testCases: z.array(TestCaseSchema).default([]),
    /** A class's methods (without `self`/`this`). */
    methods: z.array(MethodSchema).optional(),
    /** A class's fields that sequences may read or set. */
    fields: z.array(FieldSchema).optional(),
    /** A class's tests: construct, then call, read or set, each step checked. */
    sequences: z.array(CallSequenceSchema).optional(),
    /** The decomposer's estimate of the non-blank lines of the implementation. */
    estimatedLines: z.number().int().positive(),
    /** The decomposer's estimate of the implementation's cyclomatic complexity. */
    estimatedComplexity: z.number().int().positive(),
  })
  .strict();
export type SubtaskProposal = z.infer<typeof SubtaskProposalSchema>;

/** HTTP methods a service route may answer. */
export const HttpMethodSchema = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A route of a service: `method` and `path` (a template: `/todos/{id}/complete`, each `{name}` one path segment, given
 * to the handler as `request.params.name`, a string) answered by the function subtask `handler` (its id).
 */
export const RouteSchema = z
  .object({
    method: HttpMethodSchema,
    path: z.string().regex(/^\/(?:[A-Za-z0-9_.~-]+|\{[A-Za-z_][A-Za-z0-9_]*\})?(?:\/(?:[A-Za-z0-9_.~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))*$/, 'a path template such as /todos/{id}'),
    handler: z.string().min(1),
  })
  .strict();
export type Route = z.infer<typeof RouteSchema>;

/** One request of a service's scenario and the response it must get (`response` omitted: any body). */
export const ServiceExchangeSchema = z
  .object({
    method: HttpMethodSchema,
    /** The request target: a path, maybe with a query (`/todos?done=true`). */
    path: z.string().regex(/^\/[^\s#]*$/, 'a request path such as /todos/1'),
    body: z.unknown().optional(),
    status: z.number().int().min(100).max(599),
    response: z.unknown().optional(),
    description: z.string().optional(),
  })
  .strict();
export type ServiceExchange = z.infer<typeof ServiceExchangeSchema>;

/**
 * An HTTP service over the subtasks (issue 14, builds): its state starts as `initialState` (JSON) and lives in the
 * server's memory; each request is answered by its route's handler, a function subtask
 * `handler(state, request) -> response` with `request = { params, query, body }` and `response = { status, body?,
 * state? }` (`state`: the new state, kept when given). The integrator writes the server around the handlers; the
 * `scenario` (requests in order, against one fresh server) is the service's integration test, run in the sandbox on
 * its own loopback.
 */
export const ServiceSchema = z
  .object({
    initialState: z.unknown(),
    routes: z.array(RouteSchema).min(1).max(32),
    scenario: z.array(ServiceExchangeSchema).min(1).max(64),
  })
  .strict();
export type Service = z.infer<typeof ServiceSchema>;

/** A decomposition proposal: 1 to 32 subtasks, and for requirements that ask for an HTTP service, its `service`. */
export const DecompositionProposalSchema = z
  .object({ subtasks: z.array(SubtaskProposalSchema).min(1).max(32), service: ServiceSchema.optional() })
  .strict();
/** A validated decomposition proposal (defaults applied). */
export type DecompositionProposal = z.infer<typeof DecompositionProposalSchema>;
