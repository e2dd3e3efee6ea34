import { describe, expect, it } from 'vitest';
import { proseSegments } from './prose.js';

describe('proseSegments', () => {
  it('keeps only the text outside fenced blocks, an unclosed fence running to the end', () => {
    expect(proseSegments({ text: 'Intro\n```python\n# TODO\nx = 1\n```\nOutro\n~~~\nmore code', generatedCode: 'x = 1\n' })).toEqual(['Intro\nOutro']);
  });

  it('without fences: the text around the code, all of it when no code, none when the text is the code', () => {
    expect(proseSegments({ text: 'Sure! def f(): pass Hope it helps', generatedCode: 'def f(): pass' })).toEqual(['Sure! ', ' Hope it helps']);
    expect(proseSegments({ text: 'I cannot do that', generatedCode: null })).toEqual(['I cannot do that']);
    expect(proseSegments({ text: '    return x\n', generatedCode: '    return x\n' })).toEqual([]);
  });
});
