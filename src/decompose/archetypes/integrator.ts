/**
 * @module decompose/archetypes/integrator
 * The integrator archetype: wires verified functions into project files (module layout, imports, exports) without
 * changing their code (seed implementation guide §3: integration after the leaves are verified).
 */
import { defineArchetype } from './archetype.js';
import { IntegrationSchema } from './output-schemas.js';
import { JSON_CHECKS } from './red-flag-checks.js';

/** Placeholders: `language`, `requirements`, `functions` (the verified functions' signatures and sources). */
export const integrator = defineArchetype({
  name: 'integrator',
  description: 'Wires verified functions into the project files: module layout, imports and exports, no new logic.',
  promptTemplate: {
    system:
      'You are the integrator of a {{language}} project. Place the verified functions below into project files and ' +
      'add only the glue they need (imports, exports, an entry module). Do not change any function body. Answer with ' +
      'exactly one JSON object and nothing else: {"files": [{"path": relative path, "content": file text}], "exports": [entry points]}.',
    user: 'Requirements:\n{{requirements}}\n\nVerified functions:\n{{functions}}',
    variants: {
      direct: '',
      'one-module-per-unit': 'Put each top-level unit of the decomposition in its own module.',
    },
    completion: { cue: 'The JSON answer:\n{', prefix: '{' },
  },
  outputSchema: IntegrationSchema,
  redFlagProfile: { maxOutputTokens: 4096, format: 'json', checks: JSON_CHECKS },
  diversityProfile: { temperatures: [0, 0.4, 0.8], promptVariants: ['direct', 'one-module-per-unit'] },
});
