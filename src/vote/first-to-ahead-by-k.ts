/**
 * @module vote/first-to-ahead-by-k
 * First-to-ahead-by-k voting over equivalence classes of candidates: MAKER (Meyerson et al. 2025,
 * arXiv 2511.09030) Algorithm 2 and §3.2; seed implementation guide §1.2. Votes arrive in batches (one round of
 * samples drawn in parallel); the decision depends only on the class counts after each batch.
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import { parseAdaptiveMargin, requiredMargin, type AdaptiveMargin, type AdaptiveMarginOptions } from './adaptive-margin.js';
import { VoteDecidedError } from './vote-decided-error.js';

/** Votes of one equivalence class. */
export interface ClassTally {
  readonly classKey: string;
  readonly votes: number;
}

/** Snapshot of a vote. */
export interface VoteStatus {
  /** True once some class led every other class by at least k after a batch. */
  readonly decided: boolean;
  /** The winning class key once decided, else null. */
  readonly winner: string | null;
  /** Votes of the largest class (0 before any vote). */
  readonly leaderVotes: number;
  /** Votes of the largest other class (0 when there is at most one class). */
  readonly runnerUpVotes: number;
  /** `leaderVotes - runnerUpVotes`. */
  readonly margin: number;
  /**
   * The margin the leader needs now: `k`, or with adaptive k the margin the step's split calls for (>= k;
   * `Infinity` while the split cannot tell the leader from the runner-up). See vote/adaptive-margin.ts.
   */
  readonly requiredMargin: number;
  /** True once a second class has a vote. */
  readonly contested: boolean;
  /** Votes cast so far, over all classes. */
  readonly totalVotes: number;
  /** Batches cast so far (empty batches included). */
  readonly batches: number;
  /** Every class, sorted by votes descending, then by class key (code-unit order) ascending. */
  readonly tallies: readonly ClassTally[];
}

const OptionsSchema = z.object({ k: z.number().int('an integer >= 1').min(1, 'an integer >= 1'), adaptive: z.unknown().optional() }).strict();
const KeysSchema = z.array(z.string().min(1, 'a non-empty class key'));

/**
 * A first-to-ahead-by-k vote (MAKER Algorithm 2).
 *
 * After each batch, the class with the most votes wins when its votes minus the largest other class's votes is at
 * least `k` (the runner-up counts 0 when there is only one class). Samples drawn in parallel in one round have no
 * inherent order, so the state is checked only at batch boundaries: permuting votes inside a batch never changes
 * the result. With `k = 1` the first batch after which one class has a unique maximum decides.
 *
 * @example
 * const vote = new FirstToAheadByKVote({ k: 2 });
 * vote.castBatch(['a', 'b', 'a']); // a: 2, b: 1 -> margin 1, undecided
 * vote.cast('a');                   // a: 3, b: 1 -> decided, winner 'a'
 */
export class FirstToAheadByKVote {
  /** The required lead of an uncontested step (and of every step without `adaptive`). */
  readonly k: number;
  /** The adaptive rule, or null for plain first-to-ahead-by-k. */
  readonly adaptive: AdaptiveMargin | null;
  readonly #votes = new Map<string, number>();
  #total = 0;
  #batches = 0;
  #winner: string | null = null;

  /**
   * @param options.k the plain margin, integer >= 1 (the run's k_min).
   * @param options.adaptive when given, the margin grows on contested steps (see vote/adaptive-margin.ts).
   * @throws InvalidArgumentError (`invalid_argument`) when `k` is not an integer >= 1 (parameter `options.k`), or
   *   for adaptive options out of range (`options.adaptive.errorTarget`, `options.adaptive.confidence`).
   */
  constructor(options: { readonly k: number; readonly adaptive?: AdaptiveMarginOptions | undefined }) {
    this.k = parseOptions(OptionsSchema, options).k;
    this.adaptive = options.adaptive === undefined ? null : parseAdaptiveMargin(options.adaptive, 'options.adaptive');
  }

  /**
   * Adds one round of votes, one class key per valid (verified, not red-flagged) sample, then checks for a
   * decision. An empty batch is allowed and changes nothing but the batch count.
   * @returns the status after the batch.
   * @throws VoteDecidedError (`vote_already_decided`) when the vote is already decided; InvalidArgumentError
   *   (`invalid_argument`, parameter `classKeys.<i>`) for a key that is not a non-empty string. Nothing is counted
   *   when it throws.
   */
  castBatch(classKeys: readonly string[]): VoteStatus {
    if (this.#winner !== null) throw new VoteDecidedError({ winner: this.#winner });
    // The schema runs only when a key is not a non-empty string: the common case stays off zod (a million-step run
    // casts millions of batches).
    if (!Array.isArray(classKeys) || classKeys.some((key) => typeof key !== 'string' || key.length === 0)) parseOptions(KeysSchema, classKeys, 'classKeys');
    for (const key of classKeys) this.#votes.set(key, (this.#votes.get(key) ?? 0) + 1);
    this.#total += classKeys.length;
    this.#batches += 1;
    const [leader, runnerUp] = this.#sorted();
    if (leader && leader.votes - (runnerUp?.votes ?? 0) >= requiredMargin(this.k, this.adaptive, leader.votes, runnerUp?.votes ?? 0)) {
      this.#winner = leader.classKey;
    }
    return this.status();
  }

  /** Casts a single vote: `castBatch([classKey])`. Same errors. */
  cast(classKey: string): VoteStatus {
    return this.castBatch([classKey]);
  }

  /** The current state (a fresh snapshot; never mutated later). */
  status(): VoteStatus {
    const tallies = this.#sorted();
    const leaderVotes = tallies[0]?.votes ?? 0;
    const runnerUpVotes = tallies[1]?.votes ?? 0;
    return {
      decided: this.#winner !== null,
      winner: this.#winner,
      leaderVotes,
      runnerUpVotes,
      margin: leaderVotes - runnerUpVotes,
      requiredMargin: requiredMargin(this.k, this.adaptive, leaderVotes, runnerUpVotes),
      contested: runnerUpVotes > 0,
      totalVotes: this.#total,
      batches: this.#batches,
      tallies,
    };
  }

  /**
   * The largest class, for the no-consensus fallback (the sample budget ran out before any class got ahead by k).
   * Ties are broken deterministically by the smaller class key (code-unit order). Null before any vote.
   */
  bestPartial(): ClassTally | null {
    return this.#sorted()[0] ?? null;
  }

  #sorted(): ClassTally[] {
    return [...this.#votes]
      .map(([classKey, votes]) => ({ classKey, votes }))
      .sort((a, b) => b.votes - a.votes || (a.classKey < b.classKey ? -1 : a.classKey > b.classKey ? 1 : 0));
  }
}
