/**
 * @module task-spec/closest-names
 * "Did you mean" suggestions: the known names nearest to a misspelt one, by Levenshtein edit distance
 * (`fastest-levenshtein`'s `distance`: Myers' bit-parallel algorithm, counted in UTF-16 code units).
 */
import { distance as editDistance } from 'fastest-levenshtein';

/**
 * The `limit` names of `known` closest to `name` (case-insensitive edit distance; names containing `name` first).
 * Default limit 5.
 */
export function closestNames(name: string, known: Iterable<string>, limit = 5): string[] {
  const needle = name.toLowerCase();
  return [...known]
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const score = lower.includes(needle) ? -1 : editDistance(needle, lower);
      return { candidate, score };
    })
    .sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/**
 * The known name closest to `name` when it is close enough to be a misspelling (edit distance at most
 * `maxDistance`, default 2, and at most half the name's length, ignoring case), else undefined: the "did you mean"
 * of one misspelt name (`numbr` -> `number`; `y` suggests nothing).
 */
export function closeName(name: string, known: Iterable<string>, maxDistance = 2): string | undefined {
  const needle = name.toLowerCase();
  const limit = Math.min(maxDistance, Math.floor(name.length / 2));
  let best: { readonly candidate: string; readonly distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
