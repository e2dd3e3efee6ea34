/**
 * @module decompose/subtask-to-spec
 * Turns an atomic subtask of an accepted decomposition into the {@link TaskSpec} the solve loop takes (seed
 * implementation guide §1.1 task specification, §3 hierarchical decomposition).
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import { LanguageSchema, LimitsSchema, type TaskSpec, TaskSpecSchema } from '../task-spec/task-spec.js';
import type { SubtaskProposal } from './decomposition-proposal.js';

/** Options of {@link subtaskToSpec}. */
export interface SubtaskToSpecOptions {
  /** Prefix of the spec id: `''` for the root's children, `'<parent id>.'` for nested ones. */
  readonly idPrefix: string;
  readonly language: 'typescript' | 'python';
  /** Limits of the spec (defaults of `LimitsSchema` for missing fields). */
  readonly limits?: Partial<TaskSpec['limits']>;
  /** Already-qualified node ids of the tasks this one depends on. Default none. */
  readonly dependencies?: readonly string[];
}

const OptionsSchema = z
  .object({
    idPrefix: z.string(),
    language: LanguageSchema,
    limits: LimitsSchema.partial().strict().optional(),
    dependencies: z.array(z.string().min(1)).optional(),
  })
  .strict();

/**
 * Builds the spec: id `idPrefix + subtask.id`, the subtask's name, description, taskType (`function` or `class`),
 * signature and test cases (a class's methods, fields and call sequences), `limits`, `dependencies`, and metadata `{ source: 'decomposition' }` (metadata never reaches a
 * prompt). Estimates are not carried over.
 * @throws InvalidArgumentError (`invalid_argument`): parameter `options.<field>` for bad options, `spec.<field>`
 *   when the result is not a valid TaskSpec (e.g. `spec.id` for a prefix with characters ids may not hold).
 */
export function subtaskToSpec(subtask: SubtaskProposal, options: SubtaskToSpecOptions): TaskSpec {
  const valid = parseOptions(OptionsSchema, options);
  return parseOptions(TaskSpecSchema, {
    id: `${valid.idPrefix}${subtask.id}`,
    name: subtask.name,
    description: subtask.description,
    taskType: subtask.taskType ?? 'function',
    language: valid.language,
    signature: subtask.signature,
    testCases: subtask.testCases,
    ...(subtask.taskType === 'class' ? { methods: subtask.methods ?? [], fields: subtask.fields ?? [], sequences: subtask.sequences ?? [] } : {}),
    limits: LimitsSchema.parse(valid.limits ?? {}),
    dependencies: valid.dependencies ?? [],
    metadata: { source: 'decomposition' },
  }, 'spec');
}
