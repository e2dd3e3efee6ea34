/**
 * End-to-end test of `zerr mcp` started without a model (no `--model`, ZERR_MODEL empty): the built CLI over stdio
 * with the SDK's `Client`, the real bubblewrap sandbox. It must start, list every tool, serve `verify` (a correct
 * clamp passes, a wrong one fails at unit-tests) and `estimate`, and answer the tools that need a model with the
 * tool error `model_required` (not a protocol error, nothing recorded in the store).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTaskSpec, SqliteRunStore, type TaskSpec } from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const CLAMP_GOOD = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}';
const CLAMP_WRONG = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}';

const structured = <T>(result: Awaited<ReturnType<Client['callTool']>>): T => (result as CallToolResult).structuredContent as T;
const text = (result: Awaited<ReturnType<Client['callTool']>>): string =>
  ((result as CallToolResult).content[0] as { text: string } | undefined)?.text ?? '';

let work: string;
let clamp: TaskSpec;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-mcp-no-model-'));
  clamp = await loadTaskSpec(CLAMP);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr mcp without --model (stdio, the built CLI)', () => {
  it('starts, lists every tool, serves verify and estimate, and answers solve/build/answer_escalation with model_required', async () => {
    const store = join(work, 'runs.sqlite');
    const env = { ...process.env as Record<string, string>, CI: '1', ZERR_MODEL: '', ZERR_MEMORY: join(work, 'memory.sqlite') };
    const transport = new StdioClientTransport({
      command: process.execPath, args: [BIN, 'mcp', '--store', store, '--out-root', join(work, 'builds')], cwd: work, stderr: 'pipe', env,
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const errors: Error[] = [];
    const client = new Client({ name: 'zerr-e2e-no-model', version: '1.0.0' });
    client.onerror = (error) => { errors.push(error); };
    await client.connect(transport);
    try {
      expect(client.getInstructions()).toMatch(/runs without a model/);
      expect((await client.listTools()).tools.map((tool) => tool.name).sort())
        .toEqual(['answer_escalation', 'build', 'cancel_run', 'escalations', 'estimate', 'implement', 'memory_search', 'run_status', 'solve', 'specify', 'verify']);

      const good = await client.callTool({ name: 'verify', arguments: { spec: clamp, code: CLAMP_GOOD } });
      expect(good.isError, text(good)).not.toBe(true);
      expect(structured<{ passed: boolean; failedLayer: string | null }>(good)).toMatchObject({ passed: true, failedLayer: null });
      const wrong = await client.callTool({ name: 'verify', arguments: { spec: clamp, code: CLAMP_WRONG } });
      expect(structured<{ passed: boolean; failedLayer: string | null }>(wrong)).toMatchObject({ passed: false, failedLayer: 'unit-tests' });
      expect(text(wrong)).toMatch(/^clamp: fail at unit-tests/);

      const estimate = await client.callTool({ name: 'estimate', arguments: { steps: 1_048_575, p: 0.9978 } });
      expect(structured<{ kMin: number }>(estimate).kMin).toBe(3);
      expect((await client.callTool({ name: 'escalations', arguments: {} })).isError).not.toBe(true);
      const searched = await client.callTool({ name: 'memory_search', arguments: { query: 'clamp a number' } });
      expect(searched.isError, text(searched)).not.toBe(true);
      expect(structured<{ mode: string; note: string; hits: unknown[] }>(searched)).toEqual({ mode: 'bm25', note: 'BM25 only: no embedding model configured', hits: [] });

      const calls = [
        ['solve', { spec: clamp, k: 2 }],
        ['specify', { task: 'a function that clamps a number' }],
        ['implement', { target: 'src/clamp.ts#clamp' }],
        ['build', { requirements: 'A function that clamps a number.' }],
        ['answer_escalation', { runId: 'run-x', escalationId: 'esc-x', code: CLAMP_GOOD }],
      ] as const;
      for (const [name, args] of calls) {
        const result = await client.callTool({ name, arguments: args });
        expect(result.isError, name).toBe(true);
        expect(text(result)).toMatch(new RegExp(`^model_required: the ${name} tool needs a model, and this server was started without one: restart it with \`zerr mcp --model <uri>\``));
        expect(structured<{ error: { code: string; kind: string; retryable: boolean } }>(result).error).toMatchObject({ code: 'model_required', kind: 'unsupported', retryable: false });
      }
    } finally {
      const closing = Date.now();
      await client.close();
      expect(Date.now() - closing).toBeLessThan(2_000);
    }
    expect(errors, `stdout carried something other than JSON-RPC; stderr:\n${stderr}`).toEqual([]);
    expect(stderr).toMatch(/zerr mcp: serving over stdio \(no model: verify, estimate, run_status, cancel_run, escalations, memory_search and the run resources; solve, specify, implement, build and answer_escalation answer model_required/);
    expect(stderr).toContain('zerr mcp: stopping: stdin closed');
    expect(stderr).not.toMatch(/^zerr: /m);

    // The refused calls started nothing: the store holds no run.
    const opened = await SqliteRunStore.open({ path: store });
    try {
      expect(await opened.listRuns()).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 90_000);
});
