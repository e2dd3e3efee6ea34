/**
 * @module decompose/archetypes/output-schemas
 * zod schemas of the archetypes' answers (the decomposer's is `DecompositionProposalSchema`). Each is the single
 * source of the JSON Schema handed to grammar-constrained decoding or `response_format`.
 */
import { z } from 'zod';
import { TaskSpecSchema } from '../../task-spec/task-spec.js';

/** The coder's answer: the source of one function (and its helpers), without the fence. */
export const CodeOutputSchema = z.string().min(1);

/** A verifier's or reviewer's verdict on one candidate, with the reasons (empty when accepted without remarks). */
export const VerdictSchema = z
  .object({
    verdict: z.enum(['accept', 'reject']),
    reasons: z.array(z.string().min(1)).default([]),
  })
  .strict();
/** A validated verdict. */
export type Verdict = z.infer<typeof VerdictSchema>;

/** The specifier's answer: the contract parts of a {@link TaskSpecSchema} (the engine fills in id, name, limits). */
export const SpecifiedContractSchema = TaskSpecSchema.pick({
  signature: true,
  preconditions: true,
  postconditions: true,
  testCases: true,
  properties: true,
}).strict();
/** A validated specified contract. */
export type SpecifiedContract = z.infer<typeof SpecifiedContractSchema>;

/** The integrator's answer: the project files that wire verified functions together (glue only, no new logic). */
export const IntegrationSchema = z
  .object({
    files: z
      .array(
        z.object({
          /** Relative POSIX path inside the project, e.g. `src/index.ts`. */
          path: z.string().regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9_./-]+$/, 'a relative path without ..'),
          content: z.string(),
        }).strict(),
      )
      .min(1),
    /** Entry points the integrated project exports. */
    exports: z.array(z.string().min(1)).default([]),
  })
  .strict();
/** A validated integration. */
export type Integration = z.infer<typeof IntegrationSchema>;

/** The coordinator's answer: what to do next with each open node of the decomposition tree. */
export const CoordinationSchema = z
  .object({
    actions: z
      .array(
        z.object({
          nodeId: z.string().min(1),
          action: z.enum(['decompose', 'solve', 'integrate', 'escalate', 'wait']),
          reason: z.string().min(1),
        }).strict(),
      )
      .min(1),
  })
  .strict();
/** A validated coordination plan. */
export type Coordination = z.infer<typeof CoordinationSchema>;
