import { describe, expect, test } from 'vitest';
import { ARCHETYPES } from './registry.js';
import { renderPrompt } from './render-prompt.js';
import { SPECIALISTS, specialistFor, withSpecialist } from './specialists.js';
import { specifierVariables } from './specifier.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';

const coderVariables = { language: 'TypeScript', fence: 'typescript', entryPoint: 'f', description: 'd', stub: 's' };

describe('withSpecialist', () => {
  test('five profiles, each layering on the coder and the specifier', () => {
    expect(Object.keys(SPECIALISTS).sort()).toEqual(['backend', 'devops', 'documentation', 'frontend', 'testing']);
    for (const profile of Object.values(SPECIALISTS)) {
      expect(withSpecialist(ARCHETYPES.coder, profile).specialists).toEqual([profile.name]);
      expect(withSpecialist(ARCHETYPES.specifier, profile).specialists).toEqual([profile.name]);
    }
  });

  test('adds the guidance to the system message only, leaves the base archetype unchanged, shares the schema', () => {
    const backend = withSpecialist(ARCHETYPES.coder, SPECIALISTS.backend);
    const plain = renderPrompt(ARCHETYPES.coder, coderVariables);
    const special = renderPrompt(backend, coderVariables);
    expect(special.messages[0]?.content).toContain('Specialist guidance:\n- Validate inputs at the boundary');
    expect(plain.messages[0]?.content).not.toContain('Specialist guidance');
    expect(special.messages[1]).toEqual(plain.messages[1]);
    expect(ARCHETYPES.coder.promptTemplate.guidance).toEqual([]);
    expect(backend.outputSchema).toBe(ARCHETYPES.coder.outputSchema);
    expect(backend.jsonSchema()).toEqual(ARCHETYPES.coder.jsonSchema());
  });

  test('profiles stack in order; the same profile twice is rejected', () => {
    const both = withSpecialist(withSpecialist(ARCHETYPES.specifier, SPECIALISTS.testing), SPECIALISTS.documentation);
    expect(both.specialists).toEqual(['testing', 'documentation']);
    const system = renderPrompt(both, specifierVariables({ task: 'd', language: 'python' })).messages[0]?.content ?? '';
    expect(system.indexOf('boundary values')).toBeLessThan(system.indexOf('docstring'));
    expect(() => withSpecialist(both, SPECIALISTS.testing)).toThrow(/already layered/);
  });

  test('a profile does not apply to the other archetypes', () => {
    expect(() => withSpecialist(ARCHETYPES.decomposer, SPECIALISTS.frontend)).toThrow(/invalid argument profile/i);
    expect(() => withSpecialist(ARCHETYPES.reviewer, SPECIALISTS.devops)).toThrow(/applies to coder, specifier/);
  });

  test('a profile with a model route sets it', () => {
    const routed = withSpecialist(ARCHETYPES.coder, { ...SPECIALISTS.backend, modelRoute: 'strong' });
    expect(routed.diversityProfile.modelRoute).toBe('strong');
    expect(ARCHETYPES.coder.diversityProfile.modelRoute).toBeUndefined();
  });
});

describe('specialistFor', () => {
  const task = (name: string, description: string, extra: Partial<Pick<TaskSpec, 'taskType'>> = {}) =>
    ({ name, description, taskType: 'function' as const, ...extra });

  test('by task type first, then by the words of the task', () => {
    expect(specialistFor(task('anything', 'anything', { taskType: 'test' }))).toBe('testing');
    expect(specialistFor(task('anything', 'anything', { taskType: 'documentation' }))).toBe('documentation');
    expect(specialistFor(task('formatPrice', 'Format a price label for display on the checkout page.'))).toBe('frontend');
    expect(specialistFor(task('parse_env_path', 'Read the config path from the environment.'))).toBe('devops');
    expect(specialistFor(task('validateOrder', 'Validate an order record before it is saved to the database.'))).toBe('backend');
    expect(specialistFor(task('headings', 'The headings of a markdown document, in order.'))).toBe('documentation');
  });

  test('a task that names no kind of work gets the plain coder', () => {
    expect(specialistFor(task('largestEven', 'The largest even number in a list of integers, or null.'))).toBeNull();
  });
});
