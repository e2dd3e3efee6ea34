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

/** A decomposition proposal: 1 to 32 subtasks. */
export const DecompositionProposalSchema = z
  .object({ subtasks: z.array(SubtaskProposalSchema).min(1).max(32) })
  .strict();
/** A validated decomposition proposal (defaults applied). */
export type DecompositionProposal = z.infer<typeof DecompositionProposalSchema>;
