import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { DecompositionProposalSchema } from '../decomposition-proposal.js';
import { PROPOSAL_RED_FLAG_RULES } from '../proposal-red-flags.js';
import { baseProposal } from '../testing/proposals.js';
import { ARCHETYPE_NAMES, defineArchetype } from './archetype.js';
import { CodeOutputSchema, SpecifiedContractSchema, VerdictSchema } from './output-schemas.js';
import { ARCHETYPES } from './registry.js';

describe('ARCHETYPES', () => {
  test('holds all seven archetypes, each under its own name', () => {
    expect(Object.keys(ARCHETYPES).sort()).toEqual([...ARCHETYPE_NAMES].sort());
    for (const [key, archetype] of Object.entries(ARCHETYPES)) {
      expect(archetype.name).toBe(key);
      expect(archetype.specialists).toEqual([]);
      expect(archetype.diversityProfile.temperatures[0]).toBe(0);
      for (const variant of archetype.diversityProfile.promptVariants) expect(archetype.promptTemplate.variants).toHaveProperty(variant);
    }
  });

  test('output schemas: decomposer proposals, coder code, verifier and reviewer verdicts, specifier contracts', () => {
    expect(ARCHETYPES.decomposer.outputSchema).toBe(DecompositionProposalSchema);
    expect(ARCHETYPES.coder.outputSchema).toBe(CodeOutputSchema);
    expect(ARCHETYPES.verifier.outputSchema).toBe(VerdictSchema);
    expect(ARCHETYPES.reviewer.outputSchema).toBe(VerdictSchema);
    expect(ARCHETYPES.specifier.outputSchema).toBe(SpecifiedContractSchema);
    expect(VerdictSchema.parse({ verdict: 'reject', reasons: ['off by one'] })).toEqual({ verdict: 'reject', reasons: ['off by one'] });
    expect(VerdictSchema.safeParse({ verdict: 'maybe', reasons: [] }).success).toBe(false);
    const contract = SpecifiedContractSchema.parse({ signature: { entryPoint: 'f', output: { type: 'number' } } });
    expect(contract).toMatchObject({ preconditions: [], postconditions: [], testCases: [], properties: [] });
    expect(SpecifiedContractSchema.safeParse({ signature: { entryPoint: 'f', output: { type: 'number' } }, id: 'x' }).success).toBe(false);
  });

  test('jsonSchema() is derived from the output schema (defaulted fields optional) and accepts a valid answer', () => {
    const schema = ARCHETYPES.decomposer.jsonSchema() as { type: string; required?: string[]; properties: Record<string, { items?: { required?: string[] } }> };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['subtasks']);
    const itemRequired = schema.properties['subtasks']?.items?.required ?? [];
    expect(itemRequired).toContain('estimatedLines');
    expect(itemRequired).not.toContain('dependencies');
    expect(ARCHETYPES.decomposer.jsonSchema()).toBe(ARCHETYPES.decomposer.jsonSchema());
    expect(ARCHETYPES.verifier.jsonSchema()).toMatchObject({ properties: { verdict: { enum: ['accept', 'reject'] } } });
    expect(DecompositionProposalSchema.safeParse(baseProposal()).success).toBe(true);
  });

  test('red-flag profiles: JSON archetypes check JSON, the coder the standard code rules, the decomposer the graph rules', () => {
    expect(ARCHETYPES.decomposer.redFlagProfile).toMatchObject({ format: 'json', maxOutputTokens: 4096 });
    expect(ARCHETYPES.decomposer.redFlagProfile.checks).toEqual(PROPOSAL_RED_FLAG_RULES);
    expect(ARCHETYPES.coder.redFlagProfile.format).toBe('code');
    expect(ARCHETYPES.coder.redFlagProfile.checks).toEqual(expect.arrayContaining(['over-token-cap', 'no-code', 'unbalanced-delimiters']));
    for (const name of ['verifier', 'integrator', 'reviewer', 'coordinator'] as const) {
      expect(ARCHETYPES[name].redFlagProfile.format).toBe('json');
      expect(ARCHETYPES[name].redFlagProfile.checks).toEqual(['over-token-cap', 'not-json', 'schema']);
    }
    expect(ARCHETYPES.specifier.redFlagProfile.format).toBe('json');
    expect(ARCHETYPES.specifier.redFlagProfile.checks).toEqual(['over-token-cap', 'not-json', 'schema', 'invalid-spec', 'too-few-tests']);
  });
});

describe('defineArchetype', () => {
  const valid = {
    name: 'coordinator' as const,
    description: 'x',
    promptTemplate: { system: 's', user: 'u', variants: { direct: '' }, completion: { cue: '{', prefix: '{' } },
    outputSchema: z.object({ a: z.number() }),
    redFlagProfile: { maxOutputTokens: 10, format: 'json' as const, checks: [] },
    diversityProfile: { temperatures: [0], promptVariants: ['direct'] },
  };

  test('a prompt variant without template text is rejected, naming the field', () => {
    expect(() => defineArchetype({ ...valid, diversityProfile: { temperatures: [0], promptVariants: ['direct', 'missing'] } }))
      .toThrow(/archetype\.diversityProfile\.promptVariants/);
  });

  test('empty temperatures, a negative temperature and an unknown name are rejected', () => {
    expect(() => defineArchetype({ ...valid, diversityProfile: { temperatures: [], promptVariants: ['direct'] } })).toThrow(/temperatures/);
    expect(() => defineArchetype({ ...valid, diversityProfile: { temperatures: [-1], promptVariants: ['direct'] } })).toThrow(/temperatures\.0/);
    expect(() => defineArchetype({ ...valid, name: 'poet' as 'coder' })).toThrow(/archetype\.name/);
  });
});
