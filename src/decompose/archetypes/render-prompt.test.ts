import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { decomposerVariables } from './decomposer.js';
import { ARCHETYPES } from './registry.js';
import { renderPrompt, renderTemplate } from './render-prompt.js';

const variables = decomposerVariables({
  requirements: 'A calculator for {{x}} expressions.',
  language: 'typescript',
  limits: { maxLines: 30, maxComplexity: 6 },
  maxSubtasks: 12,
  parentEntryPoint: 'calculate',
  reservedEntryPoints: ['main', 'calculate', 'main'],
});

describe('renderTemplate', () => {
  test('replaces placeholders, keeps JSON braces, does not re-scan values', () => {
    expect(renderTemplate('{"a": {{v}}} {{w}}', { v: 1, w: '{{v}}' })).toBe('{"a": 1} {{v}}');
  });

  test('a placeholder without a value throws invalid_argument naming it', () => {
    const thrown = (() => {
      try {
        renderTemplate('{{missing}}', {});
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).parameter).toBe('variables.missing');
  });
});

describe('renderPrompt (decomposer)', () => {
  test('chat: system with the limits, user with the requirements and the parent and reserved clauses', () => {
    const prompt = renderPrompt(ARCHETYPES.decomposer, variables, 'direct');
    const [system, user] = prompt.messages;
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('at most 30 non-blank lines');
    expect(system?.content).toContain('cyclomatic complexity at most 6');
    expect(system?.content).toContain('at most 12 subtasks');
    expect(user?.content).toContain('A calculator for {{x}} expressions.');
    expect(user?.content).toContain('entry point `calculate`');
    expect(user?.content).toContain('do not use them: `main`.');
    expect(user?.content).not.toMatch(/`calculate`, |, `calculate`/);
  });

  test('variants change only the user message', () => {
    const direct = renderPrompt(ARCHETYPES.decomposer, variables, 'direct');
    const tests = renderPrompt(ARCHETYPES.decomposer, variables, 'tests-first');
    expect(tests.messages[0]).toEqual(direct.messages[0]);
    expect(tests.messages[1]?.content).toContain('at least two test cases');
    expect(direct.messages[1]?.content).not.toContain('at least two test cases');
    expect(tests.variant).toBe('tests-first');
  });

  test('completion style: one prompt ending in the start of a JSON object; structured output leaves the brace out', () => {
    const prompt = renderPrompt(ARCHETYPES.decomposer, variables);
    expect(prompt.variant).toBe('direct');
    expect(prompt.prompt.startsWith(prompt.messages[0]?.content ?? '?')).toBe(true);
    expect(prompt.prompt.endsWith('\n{')).toBe(true);
    expect(prompt.continuationPrefix).toBe('{');
    const structured = renderPrompt(ARCHETYPES.decomposer, variables, 'direct', { structuredOutput: true });
    expect(structured.prompt.endsWith(':\n')).toBe(true);
    expect(structured.continuationPrefix).toBe('');
  });

  test('root: no parent or reserved clause', () => {
    const root = decomposerVariables({ requirements: 'r', language: 'python', limits: { maxLines: 1, maxComplexity: 1 }, maxSubtasks: 3 });
    const user = renderPrompt(ARCHETYPES.decomposer, root).messages[1]?.content;
    expect(user).toBe('Requirements:\nr');
    expect(renderPrompt(ARCHETYPES.decomposer, root).messages[0]?.content).toContain('Python');
  });

  test('an unknown variant throws invalid_argument naming the variants', () => {
    expect(() => renderPrompt(ARCHETYPES.decomposer, variables, 'poetic')).toThrow(/variant.*"direct", "interfaces-first", "tests-first"/);
  });

  test('the coder renders its stub as the continuation prefix', () => {
    const prompt = renderPrompt(ARCHETYPES.coder, { language: 'TypeScript', fence: 'typescript', entryPoint: 'f', description: 'd', stub: 'function f(): number {\n' });
    expect(prompt.prompt.endsWith('```typescript\nfunction f(): number {\n')).toBe(true);
    expect(prompt.continuationPrefix).toBe('function f(): number {\n');
  });
});
