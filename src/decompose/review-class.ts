/**
 * @module decompose/review-class
 * The reviewer as an optional vote filter: the representative of the class a vote is about to choose is reviewed
 * against its spec by sampled reviewer verdicts, themselves red-flagged and voted first-to-ahead-by-k (MAKER,
 * Meyerson et al. 2025, arXiv 2511.09030, §3.3, Algorithm 2), and recorded like every vote (store task
 * `review:<taskId>:<classKey>`). A review never judges alone: only code that already passed every verification layer
 * is reviewed, and only a rejection by consensus takes its class out of the vote; an undecided review changes nothing.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import { typedParameters, type TaskSpec } from '../task-spec/task-spec.js';
import type { TaskProgress } from '../store/task-progress.js';
import { VerdictSchema, type Verdict } from './archetypes/output-schemas.js';
import { reviewer } from './archetypes/reviewer.js';
import { checkJsonAnswer } from './json-answer-checks.js';
import { parseJsonWith } from './json-answer.js';
import { voteOnProposals, type ProposalKind, type ProposalVoteDependencies } from './proposal-vote.js';

/** Options of {@link reviewClass}. */
export interface ReviewClassOptions {
  readonly runId: string;
  /** The spec the code was verified against (its description and signature are shown to the reviewer). */
  readonly spec: TaskSpec;
  /** The class under review and its representative's code. */
  readonly classKey: string;
  readonly code: string;
  /** Lead the winning verdict needs (first-to-ahead-by-k). Default 2. */
  readonly k?: number | undefined;
  /** Sample budget of the review: answers, red-flagged ones included. Default 6. */
  readonly maxSamples?: number | undefined;
  /** Sample `i` is called with seed `seed + i`. Default 42. */
  readonly seed?: number | undefined;
  /** Records of an interrupted review of this class (`taskProgress(run, reviewTaskId(...))`). */
  readonly resume?: TaskProgress | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a review decided. `reject` only by consensus; anything else leaves the vote as it is. */
export interface ReviewOutcome {
  readonly classKey: string;
  readonly verdict: 'accept' | 'reject' | 'undecided';
  /** The store task id of the review. */
  readonly taskId: string;
  /** Votes for the chosen verdict and the runner-up's. */
  readonly votes: number;
  readonly runnerUpVotes: number;
  readonly samples: number;
  /** The reasons the winning verdict's first answer gave (empty for `undecided`). */
  readonly reasons: readonly string[];
  /** One line: how the review was decided. */
  readonly reason: string;
}

const OptionsSchema = z
  .object({
    runId: z.string().min(1),
    spec: z.custom<TaskSpec>((value) => typeof value === 'object' && value !== null && 'signature' in value, 'a TaskSpec'),
    classKey: z.string().min(1),
    code: z.string().min(1, 'the code under review'),
    k: z.number().int().min(1, 'an integer >= 1').default(2),
    maxSamples: z.number().int().min(1, 'an integer >= 1').default(6),
    seed: z.number().int().default(42),
    resume: z.custom<TaskProgress>((value) => typeof value === 'object' && value !== null, 'a TaskProgress').optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict();

/** The store task id of the review of `classKey` in task `taskId`: `review:<taskId>:<classKey>`. */
export function reviewTaskId(taskId: string, classKey: string): string {
  return `review:${taskId}:${classKey}`;
}

/**
 * Reviews one class's representative. Answers are red-flagged by the shared JSON rules (`over-token-cap`,
 * `not-json`, `schema` against `VerdictSchema`) and vote by verdict (`accept` or `reject`); a `reject` without a
 * reason is red-flagged `schema` too (the archetype asks for the concrete problem). Records as
 * {@link voteOnProposals}; the decision's reason names the verdict and its reasons.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.<field>`) for bad options; as
 *   {@link voteOnProposals}: ModelUnavailableError without recording a decision (a resume reviews the class again
 *   instead of reading an unavailable reviewer as undecided), the signal's reason.
 */
export async function reviewClass(deps: ProposalVoteDependencies, options: ReviewClassOptions): Promise<ReviewOutcome> {
  const o = parseOptions(OptionsSchema, options);
  const { spec } = o;
  const taskId = reviewTaskId(spec.id, o.classKey);
  const kind: ProposalKind<Verdict> = {
    archetype: reviewer,
    variables: {
      language: spec.language === 'python' ? 'Python' : 'TypeScript',
      fence: spec.language === 'python' ? 'python' : 'ts',
      description: spec.description,
      signature: `${spec.signature.entryPoint}(${typedParameters(spec.signature.inputs)}) -> ${spec.signature.output.type}`,
      code: o.code.endsWith('\n') ? o.code : `${o.code}\n`,
    },
    check: (answer) => {
      const json = checkJsonAnswer(answer.text, VerdictSchema, { ...answer, maxOutputTokens: reviewer.redFlagProfile.maxOutputTokens, noun: 'verdict' });
      if (json.value === null) return { proposal: null, parsed: null, hits: json.hits };
      const hits = [...json.hits];
      if (json.value.verdict === 'reject' && json.value.reasons.length === 0) hits.push({ rule: 'schema', reason: 'reasons: got [], expected the concrete problem a rejection names' });
      return { proposal: hits.length === 0 ? json.value : null, parsed: json.value, hits };
    },
    classify: (verdict) => ({ classKey: verdict.verdict, signature: verdict.verdict }),
    toJson: (verdict) => JSON.stringify(verdict),
    fromJson: (json) => parseJsonWith(VerdictSchema, json),
    noun: 'verdict',
  };
  const result = await voteOnProposals(deps, kind, {
    runId: o.runId, taskId, k: o.k, maxSamples: o.maxSamples, seed: o.seed + seedOffset(o.classKey),
    maxOutputTokens: reviewer.redFlagProfile.maxOutputTokens, resume: o.resume, recordUnavailable: false, signal: o.signal,
  });
  return reviewFromDecision({
    taskId, outcome: result.outcome, classKey: result.classKey, code: result.proposal === null ? null : JSON.stringify(result.proposal),
    votes: result.votes, runnerUpVotes: result.runnerUpVotes, samples: result.samples, reason: result.reason,
  }, o.classKey);
}

/** A per-class seed offset, so that two classes of one task are not reviewed with the same seeds. */
function seedOffset(classKey: string): number {
  return createHash('sha256').update(classKey).digest().readUInt16BE(0);
}

/**
 * A review decision (as recorded: `classKey` the verdict, `code` its first answer's JSON) read back as an outcome; a
 * resumed task is not reviewed again.
 */
export function reviewFromDecision(decision: { readonly taskId: string; readonly outcome: string; readonly classKey: string | null; readonly code: string | null; readonly votes: number; readonly runnerUpVotes: number; readonly samples: number; readonly reason: string }, classKey: string): ReviewOutcome {
  const verdict = decision.outcome === 'consensus' && (decision.classKey === 'accept' || decision.classKey === 'reject') ? decision.classKey : 'undecided';
  let reasons: readonly string[] = [];
  try {
    const parsed = VerdictSchema.safeParse(JSON.parse(decision.code ?? 'null'));
    if (parsed.success && verdict !== 'undecided') reasons = parsed.data.reasons;
  } catch {
    reasons = [];
  }
  return {
    classKey, verdict, taskId: decision.taskId, votes: decision.votes, runnerUpVotes: decision.runnerUpVotes, samples: decision.samples, reasons,
    reason: verdict === 'undecided'
      ? `the review of class ${classKey} was not decided (${decision.reason}); the class stays in the vote`
      : `the reviewers ${verdict === 'accept' ? 'accepted' : 'rejected'} class ${classKey} ${decision.votes}-${decision.runnerUpVotes}${reasons.length === 0 ? '' : `: ${reasons.join('; ')}`}`,
  };
}
