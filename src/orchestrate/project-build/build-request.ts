/**
 * @module orchestrate/project-build/build-request
 * What `zerr build` is asked to do: requirements text, target language, atomicity limits, voting and sampling
 * settings, concurrency and budgets. Validated with zod at the boundary; stored as the first checkpoint of the run
 * so that a resumed build continues with exactly the settings it started with.
 */
import { z } from 'zod';
import { parseOptions } from '../../errors/parse-options.js';
import { perStepErrorTarget, type AdaptiveMarginOptions } from '../../vote/adaptive-margin.js';

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
 * §3), maxDepth 2 (decomposition levels below the root), k 3 (plain first-to-ahead-by-k; `vote: adaptive` with
 * `target` 0.95 for adaptive k) and maxSamples 12 per task, decomposition k 2 and 8 samples per node, concurrency 2
 * tasks at once, seed 42, no budgets.
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
    /**
     * Vote rule of each task: plain first-to-ahead-by-k, or adaptive k (decision 022) with a per-task error target of
     * 1 - target^(1/N), N the most tasks `maxDepth` allows (see `buildTaskBound`).
     */
    vote: z.enum(['first-to-ahead-by-k', 'adaptive']).default('first-to-ahead-by-k'),
    /** With `vote: adaptive`: probability that every task of the build is decided right, in (0, 1). */
    target: z.number().gt(0, 'a number in (0, 1)').lt(1, 'a number in (0, 1)').default(0.95),
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
 * The most atomic tasks a build of `maxDepth` decomposition levels can have when every decomposition splits into
 * `maxSubtasks` (the decomposer's cap, 12): maxSubtasks^(maxDepth + 1), at least 1. Adaptive k splits the build's
 * target over this bound, so a task's error target does not depend on how many tasks happen to exist when it is
 * solved (and a resumed build uses the same one).
 */
export function buildTaskBound(request: Pick<BuildRequest, 'maxDepth'>, maxSubtasks: number): number {
  return Math.max(1, maxSubtasks ** (request.maxDepth + 1));
}

/**
 * The adaptive-k options of every task of a build (decision 022): per-task error target 1 - target^(1/N), N =
 * {@link buildTaskBound}; undefined for plain first-to-ahead-by-k - also for a request recorded before `vote` existed.
 */
export function buildTaskAdaptive(
  request: Pick<BuildRequest, 'maxDepth'> & { readonly vote?: BuildRequest['vote'] | undefined; readonly target?: number | undefined },
  maxSubtasks: number,
): AdaptiveMarginOptions | undefined {
  if (request.vote !== 'adaptive') return undefined;
  return { errorTarget: perStepErrorTarget({ target: request.target ?? 0.95, steps: buildTaskBound(request, maxSubtasks) }) };
}

/**
 * Validates a build request and applies the defaults.
 * @throws InvalidArgumentError (`invalid_argument`) naming the field, e.g. `request.maxLines`.
 */
export function parseBuildRequest(input: unknown): BuildRequest {
  return parseOptions(BuildRequestSchema, input, 'request');
}
