/**
 * @module llm/seeded-shuffle
 * Deterministic randomness of the replay provider and the model router: FNV-1a string hash, mulberry32 PRNG and Fisher-Yates.
 */

/** 32-bit FNV-1a hash of `text` (UTF-16 code units), as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): a tiny 32-bit PRNG. Returns a function yielding floats in [0, 1).
 * Not cryptographic; fine for sample order.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A copy of `items` in a pseudo-random order determined only by `seed` and `key` (Fisher-Yates driven by
 * mulberry32 seeded with `fnv1a32(`${seed}:${key}`)`). Same inputs give the same order on every run and platform.
 */
export function seededShuffle<T>(items: readonly T[], seed: number, key: string): T[] {
  const random = mulberry32(fnv1a32(`${seed}:${key}`));
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const a = result[i] as T;
    result[i] = result[j] as T;
    result[j] = a;
  }
  return result;
}
