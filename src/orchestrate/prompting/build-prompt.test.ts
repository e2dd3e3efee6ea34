import { describe, expect, test } from 'vitest';
import { clampSpec, sumPositiveSpec } from '../../../test/fixtures/orchestrate/specs.js';
import { renderStub } from '../../task-spec/render-stub.js';
import { TaskSpecSchema } from '../../task-spec/task-spec.js';
import {
  buildSamplePrompt,
  continuationStops,
  PYTHON_CONTINUATION_STOPS,
  TYPESCRIPT_CONTINUATION_STOPS,
} from './build-prompt.js';
import { PROMPT_VARIANTS, promptVariantForSample, temperatureForSample } from './prompt-variants.js';

/** Every string the model would see. */
const sentText = (prompt: ReturnType<typeof buildSamplePrompt>): string =>
  [prompt.prompt ?? '', ...(prompt.messages ?? []).map((message) => message.content)].join('\n');

describe('buildSamplePrompt', () => {
  test('continuation: the raw stub with the language stop list, variant stub', () => {
    const spec = sumPositiveSpec();
    const prompt = buildSamplePrompt(spec, 'continuation', 'edge-cases');
    expect(prompt).toEqual({ style: 'continuation', variant: 'stub', prompt: renderStub(spec), stop: PYTHON_CONTINUATION_STOPS, specialist: null });
    expect(prompt.messages).toBeUndefined();
  });

  test('chat: system format message, then the task, stub, examples and preconditions', () => {
    const spec = clampSpec();
    const prompt = buildSamplePrompt(spec, 'chat', 'direct');
    expect(prompt.prompt).toBeUndefined();
    expect(prompt.stop).toEqual([]);
    const [system, user] = prompt.messages ?? [];
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('```typescript');
    expect(system?.content).toContain('`clamp`');
    expect(user?.role).toBe('user');
    expect(user?.content).toMatch(/^Task: Clamp x into the closed range/);
    expect(user?.content).toContain(renderStub(spec));
    expect(user?.content).toContain('- clamp(5, 0, 10) returns 5');
    expect(user?.content).toContain('Preconditions: low <= high');
  });

  test('chat variants differ: spec-first leads with the signature, edge-cases adds the reminder', () => {
    const spec = sumPositiveSpec();
    const user = (variant: (typeof PROMPT_VARIANTS)[number]) => buildSamplePrompt(spec, 'chat', variant).messages?.[1]?.content ?? '';
    expect(user('spec-first')).toMatch(/^Signature to implement:\n```python\n/);
    expect(user('direct')).not.toContain('edge cases');
    expect(user('edge-cases')).toContain('Handle edge cases');
    expect(new Set(PROMPT_VARIANTS.map(user)).size).toBe(3);
    expect(buildSamplePrompt(spec, 'chat', 'spec-first').variant).toBe('spec-first');
  });

  test('the system message carries the guidance of the task\'s specialist profile; a plain task gets none', () => {
    const label = TaskSpecSchema.parse({ ...clampSpec(), name: 'formatLabel', description: 'Format the price label shown on the page.' });
    const prompt = buildSamplePrompt(label, 'chat', 'direct');
    expect(prompt.specialist).toBe('frontend');
    expect(prompt.messages?.[0]?.content).toMatch(/\n\nSpecialist guidance \(frontend\):\n- Treat user-visible text precisely/);
    const plain = buildSamplePrompt(clampSpec(), 'chat', 'direct');
    expect(plain.specialist).toBeNull();
    expect(plain.messages?.[0]?.content).not.toContain('Specialist guidance');
    expect(buildSamplePrompt(label, 'continuation', 'stub').specialist).toBeNull(); // a continuation model sees the stub alone
  });

  test('an expected throw is shown as such', () => {
    const spec = TaskSpecSchema.parse({
      ...clampSpec(),
      testCases: [{ inputs: [1, 5, 0], expectThrows: true }],
    });
    expect(buildSamplePrompt(spec, 'chat', 'direct').messages?.[1]?.content).toContain('- clamp(1, 5, 0) throws');
  });

  test('metadata (provenance, hidden-test references) never reaches a prompt', () => {
    const secret = 'HIDDEN-CHECK-assert-clamp-7-is-7';
    const spec = clampSpec({ metadata: { hiddenTests: secret, source: `dataset ${secret}`, licence: 'secret-licence-xyz' } });
    for (const style of ['chat', 'continuation'] as const) {
      for (const variant of PROMPT_VARIANTS) {
        const text = sentText(buildSamplePrompt(spec, style, variant));
        expect(text).not.toContain(secret);
        expect(text).not.toContain('secret-licence-xyz');
      }
    }
  });
});

describe('buildSamplePrompt with contextCode', () => {
  const helper = 'function lift(x: number, low: number): number {\n  return Math.max(x, low);\n}';
  const spec = TaskSpecSchema.parse({ ...clampSpec(), contextCode: helper });

  test('continuation: the context comes before the stub, with the newline assembly uses', () => {
    expect(buildSamplePrompt(spec, 'continuation', 'stub').prompt).toBe(`${helper}\n${renderStub(spec)}`);
  });

  test('chat: every variant shows the context in its own fenced block as available, verified functions', () => {
    for (const variant of PROMPT_VARIANTS) {
      const [system, user] = buildSamplePrompt(spec, 'chat', variant).messages ?? [];
      expect(user?.content).toContain(
        `Available functions, already verified; call them, do not redefine them:\n\`\`\`typescript\n${helper}\n\`\`\``,
      );
      expect(system?.content).toContain('never redefine');
      expect(system?.content).not.toContain('self-contained');
    }
    const direct = buildSamplePrompt(spec, 'chat', 'direct').messages?.[1]?.content ?? '';
    expect(direct.indexOf('Available functions')).toBeLessThan(direct.indexOf('Complete this code'));
  });

  test('without contextCode nothing about available functions is said', () => {
    for (const style of ['chat', 'continuation'] as const) {
      const text = sentText(buildSamplePrompt(clampSpec(), style, 'direct'));
      expect(text).not.toContain('Available functions');
      expect(text).not.toContain('redefine');
    }
    expect(buildSamplePrompt(clampSpec(), 'chat', 'direct').messages?.[0]?.content).toContain('self-contained');
  });
});

describe('continuationStops', () => {
  test('language defaults', () => {
    expect(continuationStops(clampSpec())).toEqual(TYPESCRIPT_CONTINUATION_STOPS);
    expect(continuationStops(sumPositiveSpec())).toEqual(PYTHON_CONTINUATION_STOPS);
  });

  test('recorded stop tokens (a JSON array in metadata) win', () => {
    const spec = clampSpec({ metadata: { stopTokens: JSON.stringify(['\n}', '\nexport']) } });
    expect(continuationStops(spec)).toEqual(['\n}', '\nexport']);
    expect(buildSamplePrompt(spec, 'continuation', 'stub').stop).toEqual(['\n}', '\nexport']);
  });

  test('malformed or non-string stop tokens fall back to the default', () => {
    expect(continuationStops(clampSpec({ metadata: { stopTokens: 'not json' } }))).toEqual(TYPESCRIPT_CONTINUATION_STOPS);
    expect(continuationStops(clampSpec({ metadata: { stopTokens: '[1, 2]' } }))).toEqual(TYPESCRIPT_CONTINUATION_STOPS);
    expect(continuationStops(clampSpec({ metadata: { stopTokens: '{"a": "b"}' } }))).toEqual(TYPESCRIPT_CONTINUATION_STOPS);
  });
});

describe('prompt variants and temperatures', () => {
  test('variants rotate round-robin', () => {
    expect([0, 1, 2, 3, 4, 5].map(promptVariantForSample)).toEqual([
      'direct', 'edge-cases', 'spec-first', 'direct', 'edge-cases', 'spec-first',
    ]);
  });

  test('sample 0 is at temperature 0; later samples climb a ladder in [0.3, 1.0] and repeat', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((index) => temperatureForSample(index))).toEqual([0, 0.3, 0.48, 0.65, 0.83, 1, 0.3]);
    for (let index = 1; index < 50; index += 1) {
      const temperature = temperatureForSample(index, { minTemperature: 0.2, maxTemperature: 0.8 });
      expect(temperature).toBeGreaterThanOrEqual(0.2);
      expect(temperature).toBeLessThanOrEqual(0.8);
    }
  });
});
