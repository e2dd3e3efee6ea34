import { describe, expect, test } from 'vitest';
import { contextPrefix, TaskSpecSchema } from './task-spec.js';

const base = {
  id: 'demo/add',
  name: 'add',
  description: 'Add.',
  language: 'typescript',
  signature: { entryPoint: 'add', inputs: [{ name: 'a', type: 'number' }], output: { type: 'number' } },
};

describe('TaskSpec contextCode', () => {
  test('is optional, kept verbatim, and must be a string', () => {
    expect(TaskSpecSchema.parse(base).contextCode).toBeUndefined();
    expect(TaskSpecSchema.parse({ ...base, contextCode: 'const one = 1;' }).contextCode).toBe('const one = 1;');
    expect(TaskSpecSchema.safeParse({ ...base, contextCode: ['const one = 1;'] }).success).toBe(false);
  });

  test('contextPrefix: the context plus one newline only when it lacks one; empty without context', () => {
    expect(contextPrefix({ contextCode: 'const one = 1;' })).toBe('const one = 1;\n');
    expect(contextPrefix({ contextCode: 'const one = 1;\n' })).toBe('const one = 1;\n');
    expect(contextPrefix({ contextCode: 'const one = 1;\n\n' })).toBe('const one = 1;\n\n');
    expect(contextPrefix({ contextCode: '' })).toBe('');
    expect(contextPrefix({})).toBe('');
  });
});
