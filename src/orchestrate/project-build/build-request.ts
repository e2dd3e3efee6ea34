/**
 * @module orchestrate/project-build/build-request
 * What `zerr build` is asked to do: requirements text, target language, atomicity limits, voting and sampling
 * settings, concurrency and budgets. Validated with zod at the boundary; stored as the first checkpoint of the run
 * so that a resumed build continues with exactly the settings it started with.
 */
import { z } from 'zod';
import { parseOptions } from '../../errors/parse-options.js';

/** Per-run budgets. When one is hit the build stops cleanly as `paused` and can be resumed. */
export const BuildBudgetsSchema = z
  .object({
    /** Cost over every model call of the run (all sessions), in USD. */
    maxCostUsd: z.number().positive().optional(),
    /** Input + output tokens over every model call of the run (all sessions). */
    maxTokens: z.number().int().positive().optional(),
    /** Wall-clock time over all sessions of the run, in ms. */
    maxWallMs: z.number().int().positive().optional(),
  })
  .strict();
export type BuildBudgets = z.infer<typeof BuildBudgetsSchema>;

/**
 * A build request. Defaults: language `typescript`, maxLines 40, maxComplexity 10 (atomicity thresholds, seed guide
 * §3), maxDepth 2 (decomposition levels below the root), k 3 and maxSamples 12 per task, decomposition k 2 and 8
 * samples per node, concurrency 2 tasks at once, seed 42, no budgets.
 */
export const BuildRequestSchema = z
  .object({
    /** The requirements in natural language. */
    requirements: z.string().trim().min(1, 'the requirements text is empty'),
    /** Project name (package.json `name`): lowercase letters, digits and dashes. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'lowercase letters, digits and -').default('zerr-project'),
    /** Language of the project: a TypeScript package (npm test) or a Python one (pytest, pyright). */
    language: z.enum(['typescript', 'python']).default('typescript'),
    maxLines: z.number().int().positive().default(40),
    maxComplexity: z.number().int().positive().default(10),
    maxDepth: z.number().int().nonnegative().max(5).default(2),
    k: z.number().int().positive().default(3),
    maxSamples: z.number().int().positive().default(12),
    decomposeK: z.number().int().positive().default(2),
    decomposeMaxSamples: z.number().int().positive().default(8),
    concurrency: z.number().int().positive().max(64).default(2),
    seed: z.number().int().default(42),
    budgets: BuildBudgetsSchema.default({}),
  })
  .strict();
/** A validated build request (defaults applied). */
export type BuildRequest = z.infer<typeof BuildRequestSchema>;
/** A build request as written by a caller. */
export type BuildRequestInput = z.input<typeof BuildRequestSchema>;

/**
 * Validates a build request and applies the defaults.
 * @throws InvalidArgumentError (`invalid_argument`) naming the field, e.g. `request.maxLines`.
 */
export function parseBuildRequest(input: unknown): BuildRequest {
  return parseOptions(BuildRequestSchema, input, 'request');
}
