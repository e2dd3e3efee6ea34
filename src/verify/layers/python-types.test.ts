import { describe, expect, test } from 'vitest';
import { hasCloseElementsSpec, PY_CORRECT, TS_BAD_TYPES, TS_CORRECT } from '../../../test/fixtures/sandbox/specs.js';
import { PythonTypesLayer } from './python-types.js';
import { TypesLayer } from './types.js';

const pySpec = hasCloseElementsSpec('python');
const tsSpec = hasCloseElementsSpec('typescript');
const verifyPy = (layer: PythonTypesLayer, code: string) => layer.verify({ spec: pySpec, candidate: { language: 'python', code } });

const PY_WRONG_RETURN = `from typing import List


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    return "yes"
`;

describe('python types layer (pyright)', () => {
  const layer = new PythonTypesLayer();

  test('a correct candidate passes', { timeout: 30_000 }, async () => {
    const result = await verifyPy(layer, PY_CORRECT);
    expect(result, result.reason).toMatchObject({ layer: 'types', status: 'pass' });
  });

  test('a wrong return type fails with its line and pyright rule', { timeout: 30_000 }, async () => {
    const result = await verifyPy(layer, PY_WRONG_RETURN);
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^line 5:12: Type "Literal\['yes'\]" is not assignable to return type "bool" \(reportReturnType\)$/);
  });

  test('a missing pyright is skipped with a reason, never passed', async () => {
    const missing = new PythonTypesLayer({ pyrightPath: '/nonexistent/pyright/index.js' });
    expect(await verifyPy(missing, PY_CORRECT)).toMatchObject({ status: 'skipped', reason: 'pyright is not installed' });
  });

  test('TypeScript candidates go to the configured TypeScript layer, else are skipped', async () => {
    const delegating = new PythonTypesLayer({ typescriptLayer: new TypesLayer() });
    const ts = (code: string, l: PythonTypesLayer) => l.verify({ spec: tsSpec, candidate: { language: 'typescript', code } });
    expect((await ts(TS_CORRECT, delegating)).status).toBe('pass');
    expect((await ts(TS_BAD_TYPES, delegating)).status).toBe('fail');
    expect((await ts(TS_CORRECT, layer)).status).toBe('skipped');
  });
});
