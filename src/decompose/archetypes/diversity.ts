/**
 * @module decompose/archetypes/diversity
 * Temperature and prompt variant of sample `i` under an archetype's diversity profile (MAKER, Meyerson et al. 2025,
 * arXiv 2511.09030, §3.3: decorrelated samples make voting effective; seed guide §1.2).
 */
import type { DiversityProfile } from './archetype.js';

/**
 * Temperature of sample `index`: `temperatures[0]` for sample 0 only, then `temperatures[1..]` cycling (a profile
 * with one temperature uses it for every sample).
 */
export function temperatureForSample(profile: DiversityProfile, index: number): number {
  const [first = 0, ...rest] = profile.temperatures;
  if (index === 0 || rest.length === 0) return first;
  return rest[(index - 1) % rest.length] ?? first;
}

/** Prompt variant of sample `index`: `promptVariants` round-robin. */
export function promptVariantForSample(profile: DiversityProfile, index: number): string {
  return profile.promptVariants[index % profile.promptVariants.length] ?? '';
}
