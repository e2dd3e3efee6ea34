import { describe, expect, test } from 'vitest';
import { extractJsonObject } from './json-answer.js';

describe('extractJsonObject', () => {
  test('a bare object, surrounding whitespace allowed', () => {
    expect(extractJsonObject('  \n{"a": 1}\n')).toEqual({ ok: true, value: { a: 1 } });
  });

  test('the first ```json block, prose around it allowed', () => {
    const text = 'Here is the plan:\n```json\n{"a": 1}\n```\nand another:\n```json\n{"a": 2}\n```';
    expect(extractJsonObject(text)).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJsonObject('```JSON\n{"b": true}\n```')).toEqual({ ok: true, value: { b: true } });
  });

  test('never repaired: prose before a bare object, trailing commas, truncation, arrays, unlabelled fences', () => {
    for (const text of ['Sure! {"a": 1}', '{"a": 1,}', '{"a": [1, 2', '[1, 2]', '```\n{"a": 1}\n```', '', '```json\n[1]\n```']) {
      const result = extractJsonObject(text);
      expect(result.ok, text).toBe(false);
    }
    expect(extractJsonObject('{"a": 1,}')).toMatchObject({ ok: false, reason: expect.stringMatching(/^the answer is not valid JSON/) });
    expect(extractJsonObject('```json\n[1]\n```')).toMatchObject({ ok: false, reason: 'the first ```json block is JSON but not an object' });
  });
});
