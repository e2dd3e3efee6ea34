import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { taskSpecJsonSchema } from './json-schema.js';

const valid = {
  id: 'demo/add',
  name: 'add',
  description: 'Add.',
  language: 'typescript',
  signature: { entryPoint: 'add', inputs: [{ name: 'a', type: 'number' }], output: { type: 'number' } },
  testCases: [{ inputs: [1], expected: 1 }],
};

describe('taskSpecJsonSchema', () => {
  it('names the required fields and rejects unknown keys', () => {
    const schema = taskSpecJsonSchema();
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['required']).toEqual(['id', 'name', 'description', 'language', 'signature']);
    expect(schema['additionalProperties']).toBe(false);
    const properties = schema['properties'] as Record<string, Record<string, unknown>>;
    expect(properties['language']?.['enum']).toEqual(['typescript', 'python']);
    expect(Object.keys(properties)).toContain('limits');
  });

  it('validates a valid spec and rejects invalid ones (via an independent JSON Schema reader)', () => {
    const validator = z.fromJSONSchema(taskSpecJsonSchema() as Parameters<typeof z.fromJSONSchema>[0]);
    expect(validator.safeParse(valid).success).toBe(true);
    expect(validator.safeParse({ ...valid, language: 'rust' }).success).toBe(false);
    expect(validator.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    expect(validator.safeParse({ ...valid, limits: { timeoutMs: -5 } }).success).toBe(false);
    const { name: _name, ...withoutName } = valid;
    expect(validator.safeParse(withoutName).success).toBe(false);
  });

  it('has contextCode as an optional string', () => {
    const schema = taskSpecJsonSchema();
    const properties = schema['properties'] as Record<string, Record<string, unknown>>;
    expect(properties['contextCode']).toMatchObject({ type: 'string' });
    expect(schema['required']).not.toContain('contextCode');
    const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    expect(validator.safeParse({ ...valid, contextCode: 'function one(): number {\n  return 1;\n}\n' }).success).toBe(true);
    expect(validator.safeParse({ ...valid, contextCode: 7 }).success).toBe(false);
  });

  it('returns a fresh object each call', () => {
    const first = taskSpecJsonSchema();
    first['title'] = 'changed';
    expect(taskSpecJsonSchema()['title']).toBe('Zero-Error task spec');
  });
});
