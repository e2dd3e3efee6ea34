/**
 * @module decompose/archetypes/registry
 * The registry of the seven agent archetypes of a `zerr build`, by name.
 */
import type { ArchetypeName, Archetype } from './archetype.js';
import { coder } from './coder.js';
import { coordinator } from './coordinator.js';
import { decomposer } from './decomposer.js';
import { integrator } from './integrator.js';
import { reviewer } from './reviewer.js';
import { specifier } from './specifier.js';
import { verifier } from './verifier.js';

/** Every archetype by name, each with its own output schema type. */
export const ARCHETYPES = {
  decomposer,
  specifier,
  coder,
  verifier,
  integrator,
  reviewer,
  coordinator,
} as const satisfies Readonly<Record<ArchetypeName, Archetype>>;
