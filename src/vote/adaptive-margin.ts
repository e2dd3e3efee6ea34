/**
 * @module vote/adaptive-margin
 * Adaptive k: the margin that first-to-ahead-by-k requires grows when a step is contested, following a sequential
 * stopping rule on the step's own vote split against a per-step error target derived from the run's target.
 *
 * Why: MAKER (Meyerson et al. 2025, arXiv 2511.09030) §3.2 sets one k (k_min) from the average per-vote accuracy p.
 * A step whose votes are far less accurate than the average (a "hard" step, where the model's errors are correlated)
 * is then a two-class race at its own accuracy θ and fails with probability 1 / (1 + ((1 - θ) / θ)^k): at θ = 0.7 and
 * k = 3, 7%. The engine cannot know θ in advance, but it sees a contested step in its vote split.
 *
 * The rule. Until a second class has a vote, the step needs the plain margin k (the run's k_min: a unanimous step is
 * what the average p predicts). Once contested, with a votes for the leader and b for the runner-up, the rule is
 * Wald's sequential probability ratio test (Wald 1945) between "the leader is correct" and "the runner-up is
 * correct" at the step's accuracy θ - the test first-to-ahead-by-k itself is at a known p (MAKER §3.2: the margin k
 * is ln((1 - ε) / ε) / ln(p / (1 - p)) rounded up) - with θ replaced by a conservative estimate from the split:
 * the lower end of the Wilson score interval of a / (a + b) at `confidence` standard deviations (Wilson 1927).
 * The step stops when a - b >= max(k, ceil(ln((1 - ε) / ε) / ln(θ_lo / (1 - θ_lo)))); while θ_lo <= 1/2 the split
 * says nothing and the step goes on (to its sample budget, then the engine's fallback or escalation).
 *
 * ε, the per-step error target, is 1 - t^(1/s) for a run of s steps with target t that every step is right (the
 * same split of the run's target that k_min uses). A plug-in estimate of θ makes the test approximate; the exact
 * error of the rule at a given θ is what {@link stoppingRuleOutcome} computes, and the decision record 022 gives the
 * figures (at θ = 0.7 and the default confidence the contested error stays under ε for a million-step run).
 *
 * Compared with maker-rs (github.com/zircote/maker-rs, `core/adaptive.rs`), which moves one run-wide k with an
 * exponential moving average of how fast votes converged, this rule is per step: the steps the run finds easy keep
 * k_min, and only a contested step pays for its own margin.
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';

/** How an adaptive vote raises its margin (see the module comment). */
export interface AdaptiveMarginOptions {
  /** Per-step error target ε in (0, 0.5): the probability of a wrong decision the step may risk. */
  readonly errorTarget: number;
  /**
   * Standard deviations below the observed leader share at which the step's accuracy is taken (Wilson score lower
   * bound), >= 0. Default 1.5 (about a 93% one-sided bound). 0 uses the observed share itself.
   */
  readonly confidence?: number | undefined;
}

/** Default of {@link AdaptiveMarginOptions.confidence}. */
export const DEFAULT_ADAPTIVE_CONFIDENCE = 1.5;

const AdaptiveSchema = z
  .object({
    errorTarget: z.number().gt(0, 'a number in (0, 0.5)').lt(0.5, 'a number in (0, 0.5)'),
    confidence: z.number().min(0, 'a finite number >= 0').finite('a finite number >= 0').default(DEFAULT_ADAPTIVE_CONFIDENCE),
  })
  .strict();

/** Validated {@link AdaptiveMarginOptions} with the default filled in. */
export interface AdaptiveMargin {
  readonly errorTarget: number;
  readonly confidence: number;
  /** ln((1 - ε) / ε): the log-likelihood ratio the test must reach. */
  readonly evidence: number;
}

/**
 * Validates adaptive-margin options.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `<name>.errorTarget` / `<name>.confidence`).
 */
export function parseAdaptiveMargin(options: AdaptiveMarginOptions, name = 'options'): AdaptiveMargin {
  const parsed = parseOptions(AdaptiveSchema, options, name);
  return { ...parsed, evidence: Math.log((1 - parsed.errorTarget) / parsed.errorTarget) };
}

/**
 * The per-step error target ε = 1 - t^(1/s) of a run of `steps` steps that should all be right with probability
 * `target` (computed as -expm1(ln(t) / s), exact for millions of steps). Worked number: t = 0.95 over 1,048,575 steps
 * gives 4.89e-8.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.target` / `options.steps`).
 */
export function perStepErrorTarget(options: { readonly target: number; readonly steps: number }): number {
  const input = parseOptions(
    z.object({
      target: z.number().gt(0, 'a number in (0, 1)').lt(1, 'a number in (0, 1)'),
      steps: z.number().int('an integer >= 1').min(1, 'an integer >= 1'),
    }).strict(),
    options,
  );
  return -Math.expm1(Math.log(input.target) / input.steps);
}

/**
 * Lower end of the Wilson score interval for a share of `successes` in `trials`, `z` standard deviations down
 * (Wilson 1927). Returns 0 for 0 trials.
 */
export function wilsonLowerBound(successes: number, trials: number, z: number): number {
  if (trials <= 0) return 0;
  const share = successes / trials;
  const z2 = z * z;
  const centre = share + z2 / (2 * trials);
  const spread = z * Math.sqrt((share * (1 - share)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - spread) / (1 + z2 / trials));
}

/**
 * The lead the leader needs over the runner-up: `k` while the step is uncontested (`runnerUpVotes` = 0), else
 * max(k, ceil(evidence / ln(θ_lo / (1 - θ_lo)))) with θ_lo the Wilson lower bound of leader / (leader + runner-up);
 * `Infinity` while θ_lo <= 1/2. Pure; no validation (hot path: callers pass validated options).
 */
export function requiredMargin(k: number, adaptive: AdaptiveMargin | null, leaderVotes: number, runnerUpVotes: number): number {
  if (adaptive === null || runnerUpVotes === 0) return k;
  const accuracy = wilsonLowerBound(leaderVotes, leaderVotes + runnerUpVotes, adaptive.confidence);
  if (accuracy <= 0.5) return Number.POSITIVE_INFINITY;
  // The tiny allowance keeps an exact integer quotient (e.g. 12.000000000000002) from rounding up by one.
  return Math.max(k, Math.ceil(adaptive.evidence / Math.log(accuracy / (1 - accuracy)) - 1e-9));
}

/** Exact outcome of a stopping rule on a two-class race (see {@link stoppingRuleOutcome}). */
export interface StoppingRuleOutcome {
  /** Probability that the wrong class is decided. */
  readonly wrong: number;
  /** Probability that the wrong class is decided although the first k votes were not all for it. */
  readonly wrongContested: number;
  /** Probability that the correct class is decided. */
  readonly right: number;
  /** Probability that no decision came within `maxVotes`. */
  readonly undecided: number;
  /** Expected votes of the decided steps (conditional on a decision). */
  readonly expectedVotes: number;
}

/**
 * Exact probabilities of a vote whose valid votes are a two-class race - each vote correct with probability
 * `theta`, else for one single wrong class (MAKER §3.2's worst case) - under plain first-to-ahead-by-k
 * (`adaptive` null) or the adaptive margin: a first round of k votes, then one vote at a time, by dynamic
 * programming over (correct, wrong) counts up to `maxVotes`. Plain k gives the gambler's-ruin figures of k-min.ts.
 * @throws InvalidArgumentError (`invalid_argument`) for `theta` outside [0, 1], `k` or `maxVotes` not integers >= 1.
 */
export function stoppingRuleOutcome(options: {
  readonly theta: number;
  readonly k: number;
  readonly adaptive: AdaptiveMarginOptions | null;
  readonly maxVotes: number;
}): StoppingRuleOutcome {
  const input = parseOptions(
    z.object({
      theta: z.number().min(0, 'a number in [0, 1]').max(1, 'a number in [0, 1]'),
      k: z.number().int('an integer >= 1').min(1, 'an integer >= 1'),
      adaptive: z.unknown(),
      maxVotes: z.number().int('an integer >= 1').min(1, 'an integer >= 1'),
    }).strict(),
    options,
  );
  const adaptive = input.adaptive === null ? null : parseAdaptiveMargin(options.adaptive as AdaptiveMarginOptions, 'options.adaptive');
  const { theta, k } = input;
  // probability[w] = P(w wrong votes among n cast, undecided so far); n grows by one per pass.
  let probability = new Float64Array(1).fill(1);
  let wrong = 0, wrongContested = 0, right = 0, votesSum = 0;
  for (let n = 1; n <= input.maxVotes; n += 1) {
    const next = new Float64Array(n + 1);
    for (let w = 0; w < n; w += 1) {
      const mass = probability[w] ?? 0;
      if (mass === 0) continue;
      next[w] = (next[w] ?? 0) + mass * theta;
      next[w + 1] = (next[w + 1] ?? 0) + mass * (1 - theta);
    }
    if (n >= k) {
      for (let w = 0; w <= n; w += 1) {
        const mass = next[w] ?? 0;
        if (mass === 0) continue;
        const c = n - w;
        const leader = Math.max(c, w), runnerUp = Math.min(c, w);
        if (leader - runnerUp < requiredMargin(k, adaptive, leader, runnerUp)) continue;
        next[w] = 0;
        votesSum += mass * n;
        if (c > w) right += mass;
        else {
          wrong += mass;
          if (!(n === k && c === 0)) wrongContested += mass;
        }
      }
    }
    probability = next;
  }
  const undecided = probability.reduce((sum, mass) => sum + mass, 0);
  const decided = wrong + right;
  return { wrong, wrongContested, right, undecided, expectedVotes: decided === 0 ? 0 : votesSum / decided };
}
