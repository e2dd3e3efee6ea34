/**
 * @module decompose/decompose-node
 * Decomposes one node of a build by voting: sample decomposer proposals -> red-flag -> structural signature ->
 * first-to-ahead-by-k vote (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.1 maximal decomposition, §3.3
 * red-flagging, Algorithm 2; seed implementation guide §3 hierarchical decomposition). Every sample, red flag, vote
 * and the decision go to the run store as they happen, so an interrupted decomposition resumes without calling the
 * model again for a recorded sample.
 */
import { z } from 'zod';
import { IdentifierSchema } from '../task-spec/task-spec.js';
import { parseOptions } from '../errors/parse-options.js';
import type { TaskProgress } from '../store/task-progress.js';
import { decomposer, decomposerVariables } from './archetypes/decomposer.js';
import { canonicalProposalJson, parseProposalJson } from './canonical-proposal.js';
import type { DecompositionProposal } from './decomposition-proposal.js';
import { checkProposal, DEFAULT_MAX_SUBTASKS } from './proposal-red-flags.js';
import { voteOnProposals, type ProposalKind, type ProposalVoteDependencies, type ProposalVoteResult } from './proposal-vote.js';
import { structuralSignature } from './structural-signature.js';

/** Narrow dependencies of {@link decomposeNode}. `emit` accepts the engine's event bus unchanged. */
export type DecomposeNodeDependencies = ProposalVoteDependencies;

/** Options of one node's decomposition. Units and defaults in the field docs. */
export interface DecomposeNodeOptions {
  readonly runId: string;
  /** Node id; the store task id is `decompose:<nodeId>`. */
  readonly nodeId: string;
  /** What to decompose: the user's requirements (root), or a node's name, description and signature (nested). */
  readonly requirements: string;
  readonly language: 'typescript' | 'python';
  /** Size of an atomic task, shown to the decomposer. */
  readonly limits: { readonly maxLines: number; readonly maxComplexity: number };
  /** Entry point of the node being decomposed (nested nodes): exactly one subtask must have it. */
  readonly parentEntryPoint?: string | undefined;
  /** Entry points used elsewhere in the project. Default none. */
  readonly reservedEntryPoints?: readonly string[] | undefined;
  /** Lead the winning class needs over the runner-up (first-to-ahead-by-k). Default 3. */
  readonly k?: number | undefined;
  /**
   * Sample budget: answers (red-flagged ones included). Calls that gave no answer are counted apart (recorded with
   * their causes) and their sample index is drawn again; `maxSamples` of them in all, or 5 in a row, mean the model
   * is unavailable. Default 12.
   */
  readonly maxSamples?: number | undefined;
  /** Samples per round (in flight at once). Default `k`. */
  readonly parallelism?: number | undefined;
  /** Sample `i` is called with seed `seed + i`. Default 42. */
  readonly seed?: number | undefined;
  /** Token cap of one answer (longer answers are red-flagged). Default 4096 (a service with its routes and scenario needs more than 2048). */
  readonly maxOutputTokens?: number | undefined;
  /** Most subtasks of one proposal. Default 12. */
  readonly maxSubtasks?: number | undefined;
  /** Records of an interrupted decomposition of this node (`taskProgress(run, 'decompose:<nodeId>')`). */
  readonly resume?: TaskProgress | undefined;
  /**
   * Record the decision `model-unavailable` before throwing ModelUnavailableError. Default true. `zerr build` passes
   * false, so that the node stays undecided and a resume decomposes it once the model is back.
   */
  readonly recordUnavailable?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

export type { ProposalClassTally } from './proposal-vote.js';

/** The decision for one node (see {@link ProposalVoteResult}); `taskId` is `decompose:<nodeId>`. */
export type DecomposeNodeResult = Omit<ProposalVoteResult<DecompositionProposal>, 'members'> & { readonly nodeId: string };

const OptionsSchema = z
  .object({
    runId: z.string().min(1),
    nodeId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'letters, digits and _ . : / -'),
    requirements: z.string().trim().min(1, 'a non-empty string'),
    language: z.enum(['typescript', 'python']),
    limits: z.object({ maxLines: z.number().int().positive(), maxComplexity: z.number().int().positive() }).strict(),
    parentEntryPoint: IdentifierSchema.optional(),
    reservedEntryPoints: z.array(z.string()).default([]),
    k: z.number().int().min(1, 'an integer >= 1').default(3),
    maxSamples: z.number().int().min(1, 'an integer >= 1').default(12),
    parallelism: z.number().int().min(1, 'an integer >= 1').optional(),
    seed: z.number().int().default(42),
    maxOutputTokens: z.number().int().positive().default(4096),
    maxSubtasks: z.number().int().positive().default(DEFAULT_MAX_SUBTASKS),
    resume: z.custom<TaskProgress>(
      (value) => typeof value === 'object' && value !== null && ['samples', 'redFlags', 'votes'].every((key) => Array.isArray((value as Record<string, unknown>)[key])),
      'a TaskProgress ({ samples, redFlags, layerResults, votes })',
    ).optional(),
    signal: z.instanceof(AbortSignal).optional(),
    recordUnavailable: z.boolean().default(true),
  })
  .strict();

/**
 * Decomposes one node.
 *
 * Sampling: rounds of `parallelism` samples (fewer when the budget ends) until a class leads by `k`, the budget is
 * spent, the model is unavailable or a replay provider runs out. Sample `i` uses the decomposer archetype's prompt
 * variant and temperature `i` (temperature only when the model honours it), seed `seed + i`, `maxOutputTokens`,
 * `jsonSchema` only when the model enforces it, and metadata `{ taskId, sampleIndex, promptVariant }`. A chat model
 * gets the archetype's messages; a continuation model a prompt ending in `{`, its answer read as `{` + text.
 * Each answer is checked by `checkProposal` (red flags discard it); an accepted proposal votes with its structural
 * signature. Votes are counted per round (MAKER Algorithm 2, checked at round boundaries).
 *
 * Records: `recordSample` per answered call (`code`: canonical proposal JSON when the answer is a schema-valid
 * proposal, else null), `recordRedFlag` per hit, `recordVote` per accepted proposal, and `recordDecision` (code: the
 * chosen class's first proposal as canonical JSON). A call without an answer records `recordCallFailure` (its cause)
 * and emits `sample-failed`; its index is drawn again.
 *
 * Resume: a sample index recorded in `options.resume` is not sent to the model and not recorded again. Its recorded
 * red flags mean red-flagged; its recorded vote means accepted with that class key (the proposal re-read from the
 * sample's `code`); otherwise its text is checked again and the missing red flags or vote are recorded. With a model
 * deterministic per (taskId, sampleIndex) the result equals an uninterrupted run's (timings aside). Replayed samples
 * emit no `sample-end` / `sample-red-flagged`; their votes are cast (and `vote-cast` emitted) again.
 *
 * Outcomes: `consensus` (a class led by k), `best-partial` (budget spent; the largest class, ties by class key),
 * `no-consensus` (no proposal passed red-flagging), `model-unavailable`.
 *
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.<field>`) for bad options;
 *   ModelUnavailableError (`model_unavailable`, or the provider's `circuit_open`) when the model cannot be reached or
 *   keeps failing - the decision `model-unavailable` is recorded first unless `recordUnavailable` is false; the
 *   signal's reason when aborted (no
 *   decision is recorded, so the node can be resumed from its records); store errors as thrown.
 */
export async function decomposeNode(deps: DecomposeNodeDependencies, options: DecomposeNodeOptions): Promise<DecomposeNodeResult> {
  const o = parseOptions(OptionsSchema, options);
  const variables = decomposerVariables({
    requirements: o.requirements, language: o.language, limits: o.limits, maxSubtasks: o.maxSubtasks,
    parentEntryPoint: o.parentEntryPoint, reservedEntryPoints: o.reservedEntryPoints,
  });
  const checkContext = {
    maxSubtasks: o.maxSubtasks, maxOutputTokens: o.maxOutputTokens, reservedEntryPoints: o.reservedEntryPoints, language: o.language,
    ...(o.parentEntryPoint === undefined ? {} : { parentEntryPoint: o.parentEntryPoint }),
  };
  const kind: ProposalKind<DecompositionProposal> = {
    archetype: decomposer,
    variables,
    check: (answer) => checkProposal(answer.text, { ...checkContext, finishReason: answer.finishReason, outputTokens: answer.outputTokens }),
    classify: structuralSignature,
    toJson: canonicalProposalJson,
    fromJson: parseProposalJson,
    noun: 'proposal class',
  };
  const { members: _members, ...result } = await voteOnProposals(deps, kind, {
    runId: o.runId, taskId: `decompose:${o.nodeId}`, k: o.k, maxSamples: o.maxSamples, parallelism: o.parallelism, seed: o.seed,
    maxOutputTokens: o.maxOutputTokens, resume: o.resume, recordUnavailable: o.recordUnavailable, signal: o.signal,
  });
  return { nodeId: o.nodeId, ...result };
}
