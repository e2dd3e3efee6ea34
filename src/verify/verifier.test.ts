import { describe, expect, test } from 'vitest';
import { TaskSpecSchema } from '../task-spec/task-spec.js';
import type { LayerName, LayerResult, VerificationLayer } from './verification-layer.js';
import { Verifier } from './verifier.js';
import { hasCloseElementsSpec } from '../../test/fixtures/sandbox/specs.js';

function fakeLayer(name: LayerName, status: LayerResult['status'], applies = true): VerificationLayer & { calls: number } {
  return {
    name,
    calls: 0,
    appliesTo: () => applies,
    async verify() {
      this.calls += 1;
      return { layer: name, status, reason: `${name} ${status}`, durationMs: 1 };
    },
  };
}

const context = { spec: hasCloseElementsSpec('typescript'), candidate: { language: 'typescript' as const, code: '' } };

describe('Verifier', () => {
  test('stops at the first failing layer and reports it', async () => {
    const layers = [fakeLayer('syntax', 'pass'), fakeLayer('types', 'fail'), fakeLayer('unit-tests', 'pass')];
    const seen: string[] = [];
    const report = await new Verifier(layers).verify(context, { onLayerEnd: (r) => seen.push(r.layer) });
    expect(report).toMatchObject({ passed: false, failedLayer: 'types' });
    expect(report.results.map((r) => r.layer)).toEqual(['syntax', 'types']);
    expect(seen).toEqual(['syntax', 'types']);
    expect(layers[2]?.calls).toBe(0);
  });

  test('runAll runs every layer and keeps the first failure', async () => {
    const layers = [fakeLayer('syntax', 'fail'), fakeLayer('types', 'fail'), fakeLayer('unit-tests', 'pass')];
    const report = await new Verifier(layers).verify(context, { runAll: true });
    expect(report.results.map((r) => r.status)).toEqual(['fail', 'fail', 'pass']);
    expect(report.failedLayer).toBe('syntax');
  });

  test('layers that do not apply are reported as skipped with a reason', async () => {
    const spec = TaskSpecSchema.parse({ ...context.spec, testCases: [] });
    const unit = fakeLayer('unit-tests', 'pass', false);
    const report = await new Verifier([fakeLayer('syntax', 'pass'), unit]).verify({ ...context, spec });
    expect(report.passed).toBe(true);
    expect(report.results[1]).toMatchObject({ layer: 'unit-tests', status: 'skipped', reason: expect.stringContaining('no test cases') });
    expect(unit.calls).toBe(0);
  });

  test('rejects duplicate layers and honours abort', async () => {
    expect(() => new Verifier([fakeLayer('syntax', 'pass'), fakeLayer('syntax', 'pass')])).toThrow(/distinct/);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(new Verifier([fakeLayer('syntax', 'pass')]).verify({ ...context, signal: controller.signal })).rejects.toThrow('cancelled');
  });

  test('close closes every layer that can be closed, then onClose', async () => {
    const closed: string[] = [];
    const closable = { ...fakeLayer('types', 'pass'), close: async () => void closed.push('types') };
    const verifier = new Verifier([fakeLayer('syntax', 'pass'), closable], { onClose: async () => void closed.push('shared') });
    await verifier.close();
    expect(closed).toEqual(['types', 'shared']);
  });
});

describe('createDefaultVerifier', () => {
  test('composes the eight layers static-first, and fails a wrong candidate at unit tests', async () => {
    const { BwrapSandbox } = await import('../sandbox/index.js');
    const { createDefaultVerifier } = await import('./create-default-verifier.js');
    const { TS_CORRECT, TS_WRONG } = await import('../../test/fixtures/sandbox/specs.js');
    const sandbox = new BwrapSandbox();
    try {
      const verifier = createDefaultVerifier({ sandbox });
      expect(verifier.layers.map((l) => l.name)).toEqual([
        'syntax', 'types', 'security', 'static-analysis', 'unit-tests', 'contracts', 'property-tests', 'performance',
      ]);
      const good = await verifier.verify({ ...context, candidate: { language: 'typescript', code: TS_CORRECT } });
      expect(good).toMatchObject({ passed: true, failedLayer: null });
      const bad = await verifier.verify({ ...context, candidate: { language: 'typescript', code: TS_WRONG } });
      expect(bad.failedLayer).toBe('unit-tests');
      expect(bad.results.map((r) => `${r.layer}:${r.status}`)).toEqual([
        'syntax:pass', 'types:pass', 'security:pass', 'static-analysis:pass', 'unit-tests:fail',
      ]);
    } finally {
      await sandbox.close();
    }
  });
});
