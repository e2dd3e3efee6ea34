import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTaskSpec, parseTaskSpec } from './load-spec.js';
import { SpecValidationError } from './spec-validation-error.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/spec/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);

async function loadError(path: string): Promise<SpecValidationError> {
  const error: unknown = await loadTaskSpec(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpecValidationError);
  return error as SpecValidationError;
}

describe('loadTaskSpec', () => {
  it('loads a YAML spec and applies defaults', async () => {
    const spec = await loadTaskSpec(fixture('valid.yaml'));
    expect(spec.id).toBe('demo/add');
    expect(spec.signature.inputs.map((p) => p.name)).toEqual(['a', 'b']);
    expect(spec.limits).toEqual({ maxLines: 80, maxComplexity: 15, timeoutMs: 500, maxOutputTokens: 512 });
    expect(spec.testCases[0]).toEqual({ inputs: [1, 2], expected: 3, expectThrows: false });
  });

  it('loads a JSON spec', async () => {
    const spec = await loadTaskSpec(fixture('valid.json'));
    expect(spec.language).toBe('python');
    expect(spec.taskType).toBe('function');
  });

  it('lists every issue with source, field path, value and expectation', async () => {
    const path = fixture('invalid.yaml');
    const error = await loadError(path);
    expect(error.code).toBe('invalid_spec');
    const byPath = new Map(error.issues.map((i) => [i.path, i]));
    expect(byPath.get('limits.timeoutMs')?.message).toBe(`${path}: limits.timeoutMs: got -5, expected a positive integer`);
    expect(byPath.get('name')?.message).toBe(`${path}: name: got nothing (missing), expected a non-empty string`);
    expect(byPath.get('description')?.expected).toBe('a non-empty string');
    expect(byPath.get('language')?.message).toBe(`${path}: language: got "rust", expected one of "typescript", "python"`);
    expect(byPath.get('signature.entryPoint')?.message).toContain('got "1bad", expected an identifier');
    expect(byPath.get('limits.timeoutMS')?.message).toContain('(did you mean "timeoutMs"?)');
    expect(byPath.get('colour')?.message).toMatch(/colour: got "blue", expected no unknown key "colour".*allowed keys: id, name/);
    expect(error.issues).toHaveLength(7);
    for (const issue of error.issues) expect(error.message).toContain(issue.message);
  });

  it('reports YAML syntax errors with the line', async () => {
    const path = fixture('bad-syntax.yaml');
    const error = await loadError(path);
    expect(error.code).toBe('invalid_spec');
    expect(error.issues[0]?.line).toBe(4);
    expect(error.message).toContain(`${path}:4: (root): got a YAML syntax error`);
  });

  it('reports JSON syntax errors', async () => {
    const error = await loadError(fixture('bad-syntax.json'));
    expect(error.issues[0]?.expected).toBe('valid JSON');
    expect(error.issues[0]?.line).toBe(4);
  });

  it('throws spec_not_found for a missing file and invalid_argument for another extension', async () => {
    await expect(loadTaskSpec(fixture('nope.yaml'))).rejects.toMatchObject({ code: 'spec_not_found' });
    await expect(loadTaskSpec(fixture('valid.toml'))).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('parseTaskSpec', () => {
  it('names nested array fields and non-object documents', () => {
    const base = { id: 'x', name: 'x', description: 'd', language: 'python' };
    const signature = { entryPoint: 'f', inputs: [{ name: 'a b', type: 'int' }], output: { type: 'int' } };
    expect(() => parseTaskSpec({ ...base, signature }, 'inline')).toThrow(
      'inline: signature.inputs.0.name: got "a b", expected an identifier',
    );
    expect(() => parseTaskSpec('hello', 'doc')).toThrow('doc: (root): got "hello", expected a mapping (object)');
  });
});
