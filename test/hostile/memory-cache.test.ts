/**
 * @module test/hostile/memory-cache
 * The verified-solution cache (`RunOptions.memory`) trusts nothing in the memory file: remembered code is candidate
 * code. A poisoned "solution" planted under a spec's key (`test/fixtures/hostile/memory/m01-poisoned-solution.ts.txt`:
 * it clamps correctly, and on load writes a marker file on the host with a secret from the environment) goes through
 * every verification layer in the sandbox like any sample, and the test checks that:
 * - it is not reused (a layer refuses it), so the task is sampled from the model as usual;
 * - the marker file never appears on the host, and the engine's process never ran the code.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { clampChat, clampSpec, CLAMP_BODY } from '../fixtures/orchestrate/specs.js';
import { createEngine } from '../../src/engine.js';
import { MockLanguageModel } from '../../src/llm/providers/mock/mock-language-model.js';
import { CODER_NAMESPACE, SqliteMemoryStore, specKey } from '../../src/memory/index.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { MemoryRunStore } from '../../src/store/memory/memory-run-store.js';

const POISON = readFileSync(resolve(import.meta.dirname, '../fixtures/hostile/memory/m01-poisoned-solution.ts.txt'), 'utf8');
const MARKER = join(tmpdir(), `zerr-hostile-m01-${process.pid}`);

afterAll(() => rmSync(MARKER, { force: true }));

describe('hostile: a poisoned memory', () => {
  test('m01: planted code is verified in the sandbox, refused, never reused, and writes nothing on the host', async () => {
    process.env['ZERR_HOSTILE_MARKER'] = MARKER;
    process.env['ZERR_HOSTILE_SECRET'] = 'secret-m01';
    const memory = SqliteMemoryStore.open(':memory:');
    await memory.add([{ type: 'task', text: POISON, source: 'run-planted', taskId: 'orchestrate/clamp', tags: [specKey(clampSpec()), 'verified'], namespace: CODER_NAMESPACE }]);
    const model = new MockLanguageModel({ responses: clampChat(CLAMP_BODY.minMax), capabilities: { completionStyle: 'chat', honoursTemperature: true } });
    const store = new MemoryRunStore();
    const engine = createEngine({ model, modelName: 'mock', store, sandbox: new BwrapSandbox(), memory });
    try {
      const { results } = await engine.run([clampSpec()], { runId: 'run-hostile-memory', k: 2, memory: true });
      expect(results[0]?.reusedFrom).toBeUndefined();
      expect(results[0]?.code).not.toContain('writeFileSync');
      expect(results[0]?.outcome).toBe('consensus');
      expect(model.calls.length).toBeGreaterThan(0);
      expect(existsSync(MARKER)).toBe(false);
    } finally {
      await engine.close();
      delete process.env['ZERR_HOSTILE_MARKER'];
      delete process.env['ZERR_HOSTILE_SECRET'];
    }
  });
});
