/**
 * @module mcp/task-spec-input
 * The `spec` argument of the `solve` and `verify` tools. Clients see the full task-spec JSON Schema (derived from
 * the engine's `TaskSpecSchema`); the value is validated by `parseTaskSpec` inside the tool, so that a bad spec
 * comes back as an `invalid_spec` tool error listing every field, value and expectation (the SDK's own argument
 * check would give raw zod issues instead).
 */
import { z } from 'zod';
import { parseTaskSpec, taskSpecJsonSchema, type TaskSpec } from '../index.js';

/** The task-spec JSON Schema without its document keywords, to sit under a tool's `properties.spec`. */
function specPropertySchema(): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = taskSpecJsonSchema();
  return rest;
}

/** Zod shape member for a task spec: any JSON object on the wire, advertised with the task-spec JSON Schema. */
export function taskSpecArgument(): z.ZodType<Record<string, unknown>> {
  return z.record(z.string(), z.unknown()).meta(specPropertySchema());
}

/**
 * Validates the `spec` argument with the engine's TaskSpecSchema and applies its defaults.
 * @throws SpecValidationError (`invalid_spec`), one issue per bad field.
 */
export function parseSpecArgument(value: Record<string, unknown>): TaskSpec {
  return parseTaskSpec(value, 'spec');
}
