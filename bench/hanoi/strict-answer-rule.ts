/**
 * @module bench/hanoi/strict-answer-rule
 * MAKER's red-flagging output parser for Towers of Hanoi (Meyerson et al. 2025, arXiv 2511.09030, §3.3 and §4): an
 * answer counts only when it is exactly `move = [disk, from, to]` followed by `next_state = [[...], [...], [...]]`
 * in the paper's format. Anything else - prose, JSON, missing spaces, a missing line - is discarded, never repaired
 * (the paper found that a repairing parser lets format-confused, error-prone samples vote). Overlong answers are
 * flagged by the engine's own `over-token-cap` rule next to this one.
 */
import type { RedFlagHit, RedFlagRule } from '../../src/index.js';
import type { Move } from './towers.js';

/** Name of the rule in counts and records. */
export const HANOI_STRICT_FORMAT = 'hanoi-strict-format';

/** A parsed answer. */
export interface HanoiAnswer {
  readonly move: Move;
  readonly nextState: readonly (readonly number[])[];
}

const PEG = String.raw`\[(?:\d+(?:, \d+)*)?\]`;
const ANSWER = new RegExp(String.raw`^move = \[(\d+), (\d), (\d)\]\nnext_state = \[(${PEG}), (${PEG}), (${PEG})\]$`);

/**
 * Parses an answer strictly. Besides the exact text shape it requires disk in 1..n, pegs in 0..2 with from != to,
 * and a next_state holding every disk 1..n exactly once, each peg strictly decreasing bottom to top. It does not
 * check that the move is the right one: that is what voting is for.
 * @returns the answer, or a reason when it is malformed.
 */
export function parseHanoiAnswer(text: string, disks: number): HanoiAnswer | { readonly error: string } {
  const match = ANSWER.exec(text);
  if (match === null) return { error: 'not exactly "move = [d, f, t]" + newline + "next_state = [[...], [...], [...]]"' };
  const [disk, from, to] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (disk < 1 || disk > disks) return { error: `disk ${disk} is not in 1..${disks}` };
  if (from > 2 || to > 2 || from === to) return { error: `pegs ${from} -> ${to} are not two different pegs in 0..2` };
  const nextState = [match[4], match[5], match[6]].map((peg) => (peg === '[]' ? [] : (peg ?? '[]').slice(1, -1).split(', ').map(Number)));
  const seen = new Set<number>();
  for (const peg of nextState) {
    for (let i = 0; i < peg.length; i += 1) {
      const value = peg[i] ?? 0;
      if (value < 1 || value > disks || seen.has(value)) return { error: `next_state does not hold disks 1..${disks} exactly once` };
      if (i > 0 && value >= (peg[i - 1] ?? 0)) return { error: 'next_state has a larger disk on a smaller one' };
      seen.add(value);
    }
  }
  if (seen.size !== disks) return { error: `next_state holds ${seen.size} of ${disks} disks` };
  return { move: [disk, from, to], nextState };
}

/**
 * The strict-format red-flag rule for an n-disk puzzle. The verdict depends on the text alone, so the last
 * `cacheSize` (default 16) verdicts are kept: the samples of one step mostly repeat a handful of texts.
 */
export function hanoiStrictFormatRule(options: { readonly disks: number; readonly cacheSize?: number }): RedFlagRule {
  const cache = new Map<string, RedFlagHit | undefined>();
  const cacheSize = options.cacheSize ?? 16;
  return {
    name: HANOI_STRICT_FORMAT,
    description: 'The answer is not exactly "move = [disk, from, to]" and "next_state = [[...], [...], [...]]" (MAKER strict parser).',
    check({ text }) {
      if (cache.has(text)) return cache.get(text);
      const parsed = parseHanoiAnswer(text, options.disks);
      const hit = 'error' in parsed ? { rule: HANOI_STRICT_FORMAT, reason: parsed.error } : undefined;
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(text, hit);
      return hit;
    },
  };
}
