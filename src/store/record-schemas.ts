/**
 * @module store/record-schemas
 * zod schemas of what callers hand a {@link RunStore}, shared by every backend so that all of them accept and
 * reject exactly the same inputs. Validation failures throw `InvalidArgumentError` (`invalid_argument`) naming the
 * field, e.g. `sample.sampleIndex`.
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import type { EscalationStatus, RunStatus } from './run-store.js';

const id = z.string().min(1);
const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const json = z.record(z.string(), z.unknown());

/** Statuses a run may take. */
export const runStatusSchema: z.ZodType<RunStatus> = z.enum(['running', 'completed', 'failed', 'cancelled', 'paused']);

/** Statuses an escalation may take. */
export const escalationStatusSchema: z.ZodType<EscalationStatus> = z.enum(['open', 'answered']);

export const runIdSchema = id;

export const newRunSchema = z.strictObject({
  id,
  kind: z.string(),
  model: z.string(),
  config: json,
  createdAt: z.number(),
});

export const taskSchema = z.strictObject({ taskId: id, spec: z.unknown() });

export const sampleSchema = z.strictObject({
  taskId: id,
  sampleIndex: count,
  model: z.string(),
  temperature: z.number().nullable(),
  promptVariant: z.string(),
  text: z.string(),
  code: z.string().nullable(),
  inputTokens: count,
  outputTokens: count,
  latencyMs: nonNegative,
  finishReason: z.string(),
  costUsd: nonNegative.nullable(),
  createdAt: z.number(),
});

export const callFailureSchema = z.strictObject({
  taskId: id,
  sampleIndex: count,
  code: id,
  statusCode: z.number().int().min(100).max(599).nullable(),
  message: z.string(),
  attempts: z.number().int().min(1),
  createdAt: z.number(),
});

export const redFlagSchema = z.strictObject({ taskId: id, sampleIndex: count, rule: id, reason: z.string() });

export const layerResultSchema = z.strictObject({
  taskId: id,
  sampleIndex: count,
  layer: id,
  status: z.enum(['pass', 'fail', 'skipped']),
  reason: z.string(),
  durationMs: nonNegative,
  details: z.unknown(),
});

export const voteSchema = z.strictObject({ taskId: id, sampleIndex: count, classKey: id, signature: z.string() });

export const decisionSchema = z.strictObject({
  taskId: id,
  outcome: id,
  classKey: z.string().nullable(),
  code: z.string().nullable(),
  votes: count,
  runnerUpVotes: count,
  samples: count,
  k: count,
  reason: z.string(),
  decidedAt: z.number(),
});

export const finishSchema = z.strictObject({ status: runStatusSchema, finishedAt: z.number(), summary: json });

/** A build checkpoint as recorded; `body` must also be JSON-encodable (checked when it is encoded). */
export const checkpointSchema = z.strictObject({ kind: id, body: z.unknown(), createdAt: z.number() });

/** Id of an escalation within its run. */
export const escalationIdSchema = id;

export const newEscalationSchema = z.strictObject({
  escalationId: id,
  taskId: id,
  kind: z.enum(['code', 'decomposition']),
  reason: z.string(),
  question: z.string(),
  context: z.unknown(),
  createdAt: z.number(),
});

/** The answer to an escalation. The answer itself is any JSON value other than `undefined` (`null` is allowed). */
export const escalationAnswerSchema = z.strictObject({
  answer: z.unknown().refine((value) => value !== undefined, 'a JSON value (not undefined)'),
  answeredBy: id,
  answeredAt: z.number(),
});

export const escalationFilterSchema = z
  .strictObject({ runId: id.optional(), status: escalationStatusSchema.optional() })
  .optional();

/** Entries appended to a run's event log: ids >= 1, events JSON objects (checked again when encoded). */
export const runEventsSchema = z.array(z.strictObject({ id: z.number().int().positive(), event: z.record(z.string(), z.unknown()) }));

export const listEventsOptionsSchema = z
  .strictObject({ afterId: z.number().int().nonnegative().optional(), limit: z.number().int().positive().optional() })
  .optional();

export const listOptionsSchema = z.strictObject({ limit: z.number().int().positive().optional() }).optional();

/** A page cap of the SQLite store (`capPages`): a positive integer. */
export const pageCapSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The prefix `findRunIds` matches run ids against (any string, `''` matches all). */
export const runIdPrefixSchema = z.string();

/**
 * Parses `value` with `schema`; on failure throws `InvalidArgumentError` for the first issue, with `parameter` the
 * dotted path under `parameter` (e.g. `sample.sampleIndex`) and `value` the offending value.
 */
export function validate<T>(schema: z.ZodType<T>, value: unknown, parameter: string): T {
  return parseOptions(schema, value, parameter);
}
