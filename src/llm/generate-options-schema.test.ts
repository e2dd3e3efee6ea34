import { describe, it, expect } from 'vitest';
import { validateGenerateOptions } from './generate-options-schema.js';

describe('validateGenerateOptions', () => {
  it.each([
    [{ prompt: 'p', messages: [{ role: 'user' as const, content: 'm' }] }, 'options.prompt'],
    [{ prompt: 'p', maxOutputTokens: 1.5 }, 'options.maxOutputTokens'],
    [{ prompt: 'p', topP: 0 }, 'options.topP'],
    [{ prompt: 'p', unknown: 1 } as never, 'options.unknown'],
  ])('names the offending field of %j', (options, parameter) => {
    expect(() => validateGenerateOptions(options)).toThrow(expect.objectContaining({ code: 'invalid_argument', parameter }));
  });
});
