/**
 * @module llm/token-estimate
 * A tokenizer-free token count for providers that have no tokenizer for their model (mock, replay).
 */

const PIECE = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/**
 * Estimates the number of tokens in `text` as the number of word pieces (runs of letters, digits and `_`) plus
 * the number of other non-whitespace characters (each punctuation mark counts as one). Whitespace is free.
 *
 * This is a heuristic, not a BPE tokenizer: for source code it usually *under*-counts a GPT-2-style BPE
 * (long identifiers split into several BPE tokens; indentation runs are tokens there), so a `maxOutputTokens`
 * cap applied with it truncates later, never earlier, than the real model would.
 *
 * @example estimateTokenCount('return a[i] + 1') // 7: return, a, [, i, ], +, 1
 */
export function estimateTokenCount(text: string): number {
  return text.match(PIECE)?.length ?? 0;
}

/**
 * Cuts `text` after its first `maxTokens` pieces as counted by {@link estimateTokenCount}.
 *
 * @returns The text unchanged when it has at most `maxTokens` pieces, else its prefix ending at the end of the
 *   `maxTokens`-th piece, with `truncated: true`.
 */
export function truncateToEstimatedTokens(text: string, maxTokens: number): { text: string; truncated: boolean } {
  let count = 0;
  for (const match of text.matchAll(PIECE)) {
    count += 1;
    if (count === maxTokens) {
      const end = match.index + match[0].length;
      // Any non-whitespace character left over starts another piece.
      return /\S/u.test(text.slice(end)) ? { text: text.slice(0, end), truncated: true } : { text, truncated: false };
    }
  }
  return { text, truncated: false };
}
