/**
 * @module task-spec/json-schema
 * The JSON Schema (draft 2020-12) of a task spec as users write it, derived from the zod schema so that editors
 * and other tools validate the same thing the loader does.
 */
import { z } from 'zod';
import { TaskSpecSchema } from './task-spec.js';

/** A JSON Schema document (plain JSON object). */
export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema of the task spec input side (fields with defaults are optional; unknown keys are rejected via
 * `additionalProperties: false`). Returns a fresh object on each call.
 */
export function taskSpecJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(TaskSpecSchema, { io: 'input' }) as JsonSchema;
  return {
    ...schema,
    $id: 'https://zero-error.dev/schema/task-spec.json',
    title: 'Zero-Error task spec',
    description: 'Formal specification of one atomic task: typed signature, contracts, test cases and limits.',
  };
}
