/**
 * End-to-end tests of the MCP server as MCP clients use it: the SDK's `Client` over an in-memory transport pair
 * (the real engine, a real SQLite store, real bubblewrap), over streamable HTTP on 127.0.0.1, and over stdio against
 * the built CLI (`node bin/zerr.js mcp`). Models: the scriptable mock (a refusal, a wrong clamp, then correct ones)
 * and the replay script of test/fixtures/build for `build`. One session's requests and abbreviated responses are
 * written to test-results/mcp-transcript.txt.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  createLanguageModel,
  createRunService,
  createSandbox,
  loadTaskSpec,
  MockLanguageModel,
  SqliteRunStore,
  type Engine,
  type LanguageModel,
  type RunService,
  type RunStore,
  type TaskSpec,
} from '../../src/index.js';
import { createMcpServer, serveMcpHttp } from '../../src/mcp/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const BUILD_FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const REQUIREMENTS = join(BUILD_FIXTURES, 'text-stats.requirements.md');
const BUILD_REPLAY = `replay:${join(BUILD_FIXTURES, 'text-stats.replay.jsonl')}?seed=5`;
const TRANSCRIPT = join(ROOT, 'test-results', 'mcp-transcript.txt');

const fence = (code: string): string => `\`\`\`typescript\n${code}\n\`\`\``;
const CLAMP_MINMAX = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}';
const CLAMP_BRANCHES = 'function clamp(x: number, low: number, high: number): number {\n  if (x < low) return low;\n  if (x > high) return high;\n  return x;\n}';
const CLAMP_WRONG = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}';
/** Call 0 refuses (red-flagged), call 1 is wrong (fails unit tests), the rest alternate two correct versions. */
const scriptedClampModel = (): MockLanguageModel => new MockLanguageModel({
  responses: (_options, callIndex) => {
    if (callIndex === 0) return 'I cannot help with that request.';
    if (callIndex === 1) return fence(CLAMP_WRONG);
    return fence(callIndex % 2 === 0 ? CLAMP_MINMAX : CLAMP_BRANCHES);
  },
});

/** Records a client session's JSON-RPC messages (requests and abbreviated responses) for the transcript. */
class Transcript {
  readonly lines: string[] = [];
  #started = Date.now();

  /** Wraps the client side of a transport: what the client sends is `->`, what it receives `<-`. */
  wrap(transport: Transport): Transport {
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => { this.#add('->', message); return send(message, options); };
    const add = (message: JSONRPCMessage): void => { this.#add('<-', message); };
    let handler: Transport['onmessage'];
    Object.defineProperty(transport, 'onmessage', {
      configurable: true,
      get: () => handler,
      set: (next: Transport['onmessage']) => {
        handler = next === undefined ? undefined : (message, extra) => { add(message); next(message, extra); };
      },
    });
    return transport;
  }

  note(text: string): void {
    this.lines.push(`# ${text}`);
  }

  #add(direction: string, message: JSONRPCMessage): void {
    const elapsed = ((Date.now() - this.#started) / 1000).toFixed(1).padStart(6);
    this.lines.push(`${elapsed}s ${direction} ${abbreviate(message)}`);
  }
}

/** JSON with long strings cut and long arrays shortened, at most 700 characters. */
function abbreviate(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string' && item.length > 160) return `${item.slice(0, 157)}...`;
    if (Array.isArray(item) && item.length > 6) return [...item.slice(0, 5), `... ${item.length - 5} more`];
    return item;
  });
  return text.length > 700 ? `${text.slice(0, 697)}...` : text;
}

interface Session {
  readonly client: Client;
  readonly engine: Engine;
  readonly service: RunService;
  readonly store: RunStore;
  close(): Promise<void>;
}

let work: string;
let clamp: TaskSpec;
const transcript = new Transcript();

/** An engine on `model` with its own SQLite store, a run service, the MCP server and a client over an in-memory pair. */
async function openSession(model: LanguageModel, modelName: string, name: string, record = false): Promise<Session> {
  const store = await SqliteRunStore.open({ path: join(work, `${name}.sqlite`) });
  const engine = createEngine({ model, modelName, store, sandbox: await createSandbox() });
  const service = createRunService({ engine, store, outRoot: join(work, `${name}-builds`) });
  const server = createMcpServer({ engine, service, store });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'zerr-e2e', version: '1.0.0' });
  await client.connect(record ? transcript.wrap(clientSide) : clientSide);
  return {
    client, engine, service, store,
    async close() {
      await client.close();
      await server.close();
      await service.close();
      await engine.close();
    },
  };
}

const structured = <T>(result: Awaited<ReturnType<Client['callTool']>>): T => (result as CallToolResult).structuredContent as T;
const text = (result: Awaited<ReturnType<Client['callTool']>>): string =>
  ((result as CallToolResult).content[0] as { text: string } | undefined)?.text ?? '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-mcp-e2e-'));
  clamp = await loadTaskSpec(CLAMP);
});
afterAll(async () => {
  await mkdir(join(ROOT, 'test-results'), { recursive: true });
  if (transcript.lines.length > 0) await writeFile(TRANSCRIPT, `${transcript.lines.join('\n')}\n`);
  await rm(work, { recursive: true, force: true });
});

describe('MCP server over an in-memory transport (SDK Client, real engine, SQLite store, bubblewrap)', () => {
  let session: Session;
  beforeAll(async () => {
    transcript.note('session 1: mock model scripted for clamp (refusal, wrong, then correct versions)');
    session = await openSession(scriptedClampModel(), 'mock:scripted-clamp', 'solve', true);
  });
  afterAll(async () => { await session.close(); });

  it('lists the ten tools with their input schemas, and the two run resource templates', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['answer_escalation', 'build', 'cancel_run', 'escalations', 'estimate', 'implement', 'run_status', 'solve', 'specify', 'verify']);
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    const solveSchema = byName['solve']?.inputSchema as { required: string[]; properties: Record<string, { type?: string; required?: string[]; properties?: Record<string, unknown> }> };
    expect(solveSchema.required).toEqual(['spec']);
    // The spec argument is advertised with the engine's task-spec schema.
    expect(solveSchema.properties['spec']?.required).toEqual(expect.arrayContaining(['id', 'name', 'description', 'language', 'signature']));
    expect(Object.keys(solveSchema.properties['spec']?.properties ?? {})).toEqual(expect.arrayContaining(['testCases', 'limits', 'postconditions']));
    expect(solveSchema.properties['k']?.type).toBe('integer');
    expect(byName['verify']?.inputSchema.required).toEqual(['spec', 'code']);
    expect(byName['estimate']?.inputSchema.required).toEqual(['steps', 'p']);
    expect(byName['build']?.inputSchema.required).toEqual(['requirements']);
    const buildOptions = (byName['build']?.inputSchema.properties as Record<string, { properties?: Record<string, unknown> }>)['options'];
    expect(Object.keys(buildOptions?.properties ?? {})).toEqual(expect.arrayContaining(['maxLines', 'k', 'budgets']));
    expect(byName['run_status']?.inputSchema.required).toEqual(['runId']);
    expect(byName['cancel_run']?.inputSchema.required).toEqual(['runId']);
    expect(byName['escalations']?.inputSchema.required ?? []).toEqual([]);
    expect(byName['answer_escalation']?.inputSchema.required).toEqual(['runId', 'escalationId']);
    expect(Object.keys(byName['answer_escalation']?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['code', 'proposal', 'answeredBy']));

    const { resourceTemplates } = await session.client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate).sort()).toEqual(['zerr://runs/{runId}', 'zerr://runs/{runId}/report']);
    expect(resourceTemplates.every((template) => template.mimeType === 'application/json')).toBe(true);
  });

  it('verify: a correct clamp passes every layer; a wrong one fails at unit-tests with the reason', async () => {
    const good = await session.client.callTool({ name: 'verify', arguments: { spec: clamp, code: CLAMP_MINMAX } });
    expect(good.isError).not.toBe(true);
    const passed = structured<{ passed: boolean; failedLayer: string | null; layers: { layer: string; status: string; reason: string }[] }>(good);
    expect(passed).toMatchObject({ passed: true, failedLayer: null });
    expect(passed.layers.find((layer) => layer.layer === 'unit-tests')?.status).toBe('pass');
    expect(passed.layers.every((layer) => layer.status !== 'fail')).toBe(true);
    expect(text(good)).toMatch(/^clamp: pass/);

    const bad = await session.client.callTool({ name: 'verify', arguments: { spec: clamp, code: CLAMP_WRONG } });
    const failed = structured<{ passed: boolean; failedLayer: string | null; layers: { layer: string; status: string; reason: string }[] }>(bad);
    expect(failed).toMatchObject({ passed: false, failedLayer: 'unit-tests' });
    const unit = failed.layers.find((layer) => layer.layer === 'unit-tests');
    expect(unit?.status).toBe('fail');
    expect(unit?.reason).not.toBe('');
    expect(text(bad)).toMatch(/fail at unit-tests/);
  });

  it('an invalid spec comes back as a tool error with the engine code invalid_spec naming the field', async () => {
    const result = await session.client.callTool({ name: 'verify', arguments: { spec: { ...clamp, language: 'cobol' }, code: CLAMP_MINMAX } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^invalid_spec: /);
    expect(text(result)).toContain('language');
    expect(structured<{ error: { code: string; kind: string; issues: { path: string }[] } }>(result).error).toMatchObject({
      code: 'invalid_spec', kind: 'invalid_input', issues: [expect.objectContaining({ path: 'language' })],
    });
  });

  it('solve: the refusal is red-flagged, the wrong clamp fails verification, the correct class reaches consensus', async () => {
    const result = await session.client.callTool({ name: 'solve', arguments: { spec: clamp, k: 2, maxSamples: 10, parallelism: 1 } });
    expect(result.isError, text(result)).not.toBe(true);
    const decision = structured<{
      runId: string; outcome: string; code: string; votes: number; runnerUpVotes: number; samples: number; redFlagged: number;
      redFlagsByRule: Record<string, number>; failedByLayer: Record<string, number>;
    }>(result);
    expect(decision.outcome).toBe('consensus');
    expect(decision.votes - decision.runnerUpVotes).toBeGreaterThanOrEqual(2);
    expect(decision.samples).toBe(4);
    expect(decision.redFlagged).toBe(1);
    expect(decision.redFlagsByRule['refusal-or-hedge']).toBe(1);
    expect(decision.failedByLayer['unit-tests']).toBe(1);
    expect(decision.code).toContain('function clamp(');
    expect(text(result)).toMatch(/^clamp: consensus/);

    const status = await session.client.callTool({ name: 'run_status', arguments: { runId: decision.runId } });
    expect(structured<{ id: string; kind: string; status: string; tasks: { taskId: string; decision: { outcome: string } | null }[] }>(status)).toMatchObject({
      id: decision.runId, kind: 'solve', status: 'completed', tasks: [{ taskId: 'clamp', decision: { outcome: 'consensus' } }],
    });

    const { resources } = await session.client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain(`zerr://runs/${decision.runId}`);
    const read = await session.client.readResource({ uri: `zerr://runs/${decision.runId}` });
    const record = JSON.parse((read.contents[0] as { text: string }).text) as { status: string; counts: { samples: number; votes: number } };
    expect(record).toMatchObject({ status: 'completed', counts: { samples: 4, votes: 2 } });
    // A solve run has no build report: a JSON-RPC error, not a crash.
    await expect(session.client.readResource({ uri: `zerr://runs/${decision.runId}/report` })).rejects.toThrow(/report_not_found/);
  });

  it('estimate: p = 0.9978 over 1,048,575 steps (Towers of Hanoi, 20 disks) gives k_min 3 (MAKER §3.2)', async () => {
    const result = await session.client.callTool({ name: 'estimate', arguments: { steps: 1_048_575, p: 0.9978, usdPerMillionOutputTokens: 1 } });
    const estimate = structured<{ kMin: number; expectedCalls: number; expectedCostUsd: number; successProbability: number; expectedWallMs: number }>(result);
    expect(estimate.kMin).toBe(3);
    expect(estimate.successProbability).toBeGreaterThanOrEqual(0.95);
    expect(estimate.expectedCalls).toBeGreaterThan(3 * 1_048_575);
    expect(estimate.expectedCostUsd).toBeCloseTo((estimate.expectedCalls * 200) / 1e6, 6);
    expect(text(result)).toMatch(/^k_min 3 /);

    const bad = await session.client.callTool({ name: 'estimate', arguments: { steps: 10, p: 0.4 } });
    expect(bad.isError).toBe(true);
    expect(structured<{ error: { code: string; parameter: string } }>(bad).error).toMatchObject({ code: 'invalid_argument', parameter: 'options.p' });
  });

  it('run_status of an unknown run is a tool error run_not_found (isError, not a protocol error)', async () => {
    const result = await session.client.callTool({ name: 'run_status', arguments: { runId: 'no-such-run' } });
    expect(result.isError).toBe(true);
    expect(structured<{ error: { code: string; kind: string } }>(result).error).toMatchObject({ code: 'run_not_found', kind: 'not_found' });
    await expect(session.client.readResource({ uri: 'zerr://runs/no-such-run' })).rejects.toThrow(/run_not_found/);
  });
});

describe('MCP build (replay script of test/fixtures/build, real sandbox and git)', () => {
  let session: Session;
  beforeAll(async () => {
    transcript.note('session 2: replay script test/fixtures/build/text-stats.replay.jsonl?seed=5, build in the background');
    session = await openSession(await createLanguageModel(BUILD_REPLAY), BUILD_REPLAY, 'build', true);
  });
  afterAll(async () => { await session.close(); });

  it('build returns a runId at once; run_status is polled to completed; the report resource is read', async () => {
    const requirements = await readFile(REQUIREMENTS, 'utf8');
    const started = Date.now();
    const result = await session.client.callTool({ name: 'build', arguments: { requirements, options: { name: 'text-stats' } } });
    expect(result.isError, text(result)).not.toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    const { runId } = structured<{ runId: string }>(result);
    expect(runId).toMatch(/\S/);

    let status = '';
    let polls = 0;
    let sawLive = false;
    while (Date.now() - started < 170_000) {
      const view = structured<{ status: string; live: boolean }>(await session.client.callTool({ name: 'run_status', arguments: { runId } }));
      polls += 1;
      sawLive ||= view.live;
      status = view.status;
      if (!view.live && status !== 'running') break;
      await new Promise((done) => setTimeout(done, 1_000));
    }
    expect(status).toBe('completed');
    expect(sawLive).toBe(true);
    expect(polls).toBeGreaterThan(1);

    const { resources } = await session.client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain(`zerr://runs/${runId}/report`);
    const read = await session.client.readResource({ uri: `zerr://runs/${runId}/report` });
    expect(read.contents[0]?.mimeType).toBe('application/json');
    const report = JSON.parse((read.contents[0] as { text: string }).text) as {
      runId: string; status: string; name: string; tasks: { id: string; source: string | null }[]; integration: { passed: boolean } | null; commits: unknown[];
    };
    expect(report).toMatchObject({ runId, status: 'completed', name: 'text-stats', integration: { passed: true } });
    expect(report.tasks.map((task) => [task.id, task.source])).toEqual([
      ['average-word-length', 'consensus'], ['count-words', 'consensus'], ['longest-word', 'consensus'], ['split-words', 'consensus'],
    ]);
    expect(report.commits.length).toBeGreaterThan(0);
    expect(existsSync(join(work, 'build-builds', runId, 'report.json'))).toBe(true);
  }, 180_000);

  it('build with wait: true returns the report once the build settles (here: paused by a token budget), with progress', async () => {
    const requirements = await readFile(REQUIREMENTS, 'utf8');
    const progress: { message: string; progress: number; total: number | undefined }[] = [];
    const result = await session.client.callTool(
      { name: 'build', arguments: { requirements, options: { name: 'budgeted', budgets: { maxTokens: 1 } }, wait: true } },
      undefined,
      { onprogress: (update) => { progress.push({ message: update.message ?? '', progress: update.progress, total: update.total }); }, resetTimeoutOnProgress: true },
    );
    expect(result.isError, text(result)).not.toBe(true);
    const settled = structured<{ runId: string; status: string; report: { status: string; reason: string; remaining: unknown[] } | null }>(result);
    expect(settled.status).toBe('paused');
    expect(settled.report?.status).toBe('paused');
    expect(settled.report?.reason).toMatch(/token/i);
    expect(settled.report?.remaining.length).toBeGreaterThan(0);
    // Every notification has a total (tasks known, plus the integration), and progress rises with each.
    expect(progress[0]?.message).toMatch(/^run-start \(0\/1 done\)$/);
    expect(progress.some((p) => p.message.startsWith('nodes-created') && (p.total ?? 0) > 1)).toBe(true);
    expect(progress.every((p, i) => p.total !== undefined && p.progress <= p.total && (i === 0 || p.progress > (progress[i - 1]?.progress ?? 0)))).toBe(true);
    expect(progress.at(-1)?.progress).toBe(progress.at(-1)?.total); // run-end: the run is over (paused)
    expect(text(result)).toMatch(/^build \S+: paused/);
  }, 120_000);

  it('a bad build option is a tool error invalid_argument naming the field; nothing is started', async () => {
    const before = (await session.store.listRuns()).length;
    const result = await session.client.callTool({ name: 'build', arguments: { requirements: 'x', options: { maxLines: -1 } } });
    expect(result.isError).toBe(true);
    expect(structured<{ error: { code: string; parameter: string } }>(result).error).toMatchObject({ code: 'invalid_argument', parameter: 'request.maxLines' });
    expect((await session.store.listRuns()).length).toBe(before);
  });
});

const RIGHT_LONGEST_WORD = "function longestWord(text: string): string {\n  let best = '';\n  for (const word of splitWords(text)) if (word.length > best.length) best = word;\n  return best;\n}\n";

/** Polls run_status until the run is no longer live; returns its last view. */
async function settledView(session: Session, runId: string, timeoutMs: number): Promise<{ status: string; live: boolean }> {
  const started = Date.now();
  for (;;) {
    const view = structured<{ status: string; live: boolean }>(await session.client.callTool({ name: 'run_status', arguments: { runId } }));
    if ((!view.live && view.status !== 'running') || Date.now() - started > timeoutMs) return view;
    await new Promise((done) => setTimeout(done, 500));
  }
}

describe('MCP escalations and cancellation (replay script where longest-word has only wrong answers)', () => {
  let session: Session;
  beforeAll(async () => {
    const lines = (await readFile(join(BUILD_FIXTURES, 'text-stats.replay.jsonl'), 'utf8')).trim().split('\n')
      .map((line) => JSON.parse(line) as { taskId: string; completions: string[] });
    const wrongOnly = lines.map((line) => line.taskId === 'longest-word' ? { ...line, completions: line.completions.filter((code) => code.includes('>=')) } : line);
    const replay = join(work, 'wrong-longest.jsonl');
    await writeFile(replay, `${wrongOnly.map((line) => JSON.stringify(line)).join('\n')}\n`);
    transcript.note('session 3: replay script with only wrong longest-word answers: escalation answered over MCP, then a cancelled build');
    session = await openSession(await createLanguageModel(`replay:${replay}`), 'replay:wrong-longest', 'escalating', true);
  });
  afterAll(async () => { await session.close(); });

  it('a build paused on an escalation is listed, answered through answer_escalation, and resumes to completion', async () => {
    const requirements = await readFile(REQUIREMENTS, 'utf8');
    const { runId } = structured<{ runId: string }>(await session.client.callTool({ name: 'build', arguments: { requirements, options: { name: 'text-stats' } } }));
    expect((await settledView(session, runId, 170_000)).status).toBe('paused');

    const listed = await session.client.callTool({ name: 'escalations', arguments: { runId, status: 'open' } });
    const open = structured<{ escalations: { runId: string; escalationId: string; kind: string; taskId: string; status: string }[] }>(listed).escalations;
    expect(open.map((e) => [e.runId, e.escalationId, e.kind, e.taskId, e.status])).toEqual([[runId, 'esc-longest-word-1', 'code', 'longest-word', 'open']]);
    expect(text(listed)).toContain('esc-longest-word-1');

    // Exactly one of code and proposal.
    for (const args of [{}, { code: RIGHT_LONGEST_WORD, proposal: { subtasks: [] } }]) {
      const bad = await session.client.callTool({ name: 'answer_escalation', arguments: { runId, escalationId: 'esc-longest-word-1', ...args } });
      expect(bad.isError).toBe(true);
      expect(structured<{ error: { code: string } }>(bad).error.code).toBe('invalid_argument');
    }
    const answered = await session.client.callTool({
      name: 'answer_escalation', arguments: { runId, escalationId: 'esc-longest-word-1', code: RIGHT_LONGEST_WORD, answeredBy: 'mcp-e2e' },
    });
    expect(answered.isError, text(answered)).not.toBe(true);
    expect(structured<{ escalation: { status: string; answeredBy: string } }>(answered).escalation).toMatchObject({ status: 'answered', answeredBy: 'mcp-e2e' });
    expect((await settledView(session, runId, 170_000)).status).toBe('completed');
    const report = JSON.parse(((await session.client.readResource({ uri: `zerr://runs/${runId}/report` })).contents[0] as { text: string }).text) as {
      tasks: { id: string; source: string | null }[]; integration: { passed: boolean } | null;
    };
    expect(report.tasks.find((task) => task.id === 'longest-word')?.source).toBe('person');
    expect(report.integration?.passed).toBe(true);

    const again = await session.client.callTool({ name: 'answer_escalation', arguments: { runId, escalationId: 'esc-longest-word-1', code: RIGHT_LONGEST_WORD } });
    expect(structured<{ error: { code: string; kind: string } }>(again).error).toMatchObject({ code: 'escalation_already_answered', kind: 'conflict' });
    const settled = await session.client.callTool({ name: 'cancel_run', arguments: { runId } });
    expect(structured<{ error: { code: string } }>(settled).error.code).toBe('run_not_live');
    const unknown = await session.client.callTool({ name: 'cancel_run', arguments: { runId: 'run-nope' } });
    expect(structured<{ error: { code: string } }>(unknown).error.code).toBe('run_not_found');
  }, 360_000);

  it('cancel_run stops a live build, which pauses resumably', async () => {
    const requirements = await readFile(REQUIREMENTS, 'utf8');
    const { runId } = structured<{ runId: string }>(await session.client.callTool({ name: 'build', arguments: { requirements, options: { name: 'cancelled' } } }));
    const cancelled = await session.client.callTool({ name: 'cancel_run', arguments: { runId } });
    expect(cancelled.isError, text(cancelled)).not.toBe(true);
    expect(structured<{ runId: string; cancelled: boolean }>(cancelled)).toEqual({ runId, cancelled: true });
    expect((await settledView(session, runId, 60_000)).status).toBe('paused');
    const report = JSON.parse(((await session.client.readResource({ uri: `zerr://runs/${runId}/report` })).contents[0] as { text: string }).text) as { reason: string };
    expect(report.reason).toContain('cancelled by request');
  }, 120_000);
});

describe('MCP specify (a mock specifier answering contracts)', () => {
  it('turns a task in words into a spec by vote; the spec solves with the solve tool', async () => {
    const contract = (parameter: string) => JSON.stringify({
      signature: { entryPoint: 'clamp', inputs: [{ name: parameter, type: 'number' }, { name: 'low', type: 'number' }, { name: 'high', type: 'number' }], output: { type: 'number' } },
      preconditions: ['low <= high'], postconditions: ['result >= low && result <= high'], testCases: [{ inputs: [5, 0, 10], expected: 5 }, { inputs: [-3, 0, 10], expected: 0 }], properties: [],
    });
    const answers = (options: { metadata?: Record<string, string> }) => options.metadata?.['taskId'] === 'specify:root'
      ? (Number(options.metadata['sampleIndex']) % 2 === 0 ? contract('x') : contract('value'))
      : fence(CLAMP_MINMAX);
    const session = await openSession(new MockLanguageModel({ responses: answers }), 'mock:specifier', 'specify');
    try {
      const specified = await session.client.callTool({ name: 'specify', arguments: { task: 'a function that clamps x into [low, high]', k: 2 } });
      expect(specified.isError, text(specified)).not.toBe(true);
      const result = structured<{ outcome: string; votes: number; spec: Record<string, unknown> & { id: string; description: string } }>(specified);
      expect(result).toMatchObject({ outcome: 'consensus', votes: 2, spec: { id: 'clamp', description: 'a function that clamps x into [low, high]' } });
      expect(text(specified)).toMatch(/^specification: consensus \(run run-/);
      const solved = await session.client.callTool({ name: 'solve', arguments: { spec: result.spec, k: 2 } });
      expect(structured<{ outcome: string }>(solved).outcome).toBe('consensus');
    } finally {
      await session.close();
    }
  });
});

describe('MCP over streamable HTTP on 127.0.0.1 (stateless)', () => {
  it('serves listTools and estimate; GET is refused with 405', async () => {
    const store = await SqliteRunStore.open({ path: join(work, 'http.sqlite') });
    const engine = createEngine({ model: new MockLanguageModel({ responses: fence(CLAMP_MINMAX) }), modelName: 'mock', store, sandbox: await createSandbox() });
    const service = createRunService({ engine, store, outRoot: join(work, 'http-builds') });
    const endpoint = await serveMcpHttp({ port: 0, createServer: () => createMcpServer({ engine, service, store }) });
    const client = new Client({ name: 'zerr-e2e-http', version: '1.0.0' });
    try {
      expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url)));
      expect((await client.listTools()).tools).toHaveLength(10);
      const result = await client.callTool({ name: 'estimate', arguments: { steps: 1_048_575, p: 0.9978 } });
      expect(structured<{ kMin: number }>(result).kMin).toBe(3);
      const verdict = await client.callTool({ name: 'verify', arguments: { spec: clamp, code: CLAMP_BRANCHES } });
      expect(structured<{ passed: boolean }>(verdict).passed).toBe(true);
      expect((await fetch(endpoint.url)).status).toBe(405);
    } finally {
      await client.close();
      await endpoint.close();
      await service.close();
      await engine.close();
    }
  });
});

describe('zerr mcp over stdio (the built CLI in a child process)', () => {
  it('speaks only the protocol on stdout, answers tools, and stops on its own when stdin closes', async () => {
    expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--model', `mock:${fence(CLAMP_MINMAX)}`, '--store', join(work, 'stdio.sqlite'), '--out-root', join(work, 'stdio-builds')],
      cwd: work, stderr: 'pipe',
      env: { ...process.env as Record<string, string>, CI: '1' },
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const errors: Error[] = [];
    const client = new Client({ name: 'zerr-e2e-stdio', version: '1.0.0' });
    client.onerror = (error) => { errors.push(error); };
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'zerr' });
      expect((await client.listTools()).tools.map((tool) => tool.name).sort())
        .toEqual(['answer_escalation', 'build', 'cancel_run', 'escalations', 'estimate', 'implement', 'memory_search', 'run_status', 'solve', 'specify', 'verify']);
      const estimate = await client.callTool({ name: 'estimate', arguments: { steps: 1_048_575, p: 0.9978 } });
      expect(structured<{ kMin: number }>(estimate).kMin).toBe(3);
      const solved = await client.callTool({ name: 'solve', arguments: { spec: clamp, k: 2 } });
      expect(structured<{ outcome: string; votes: number; samples: number }>(solved)).toMatchObject({ outcome: 'consensus', votes: 2, samples: 2 });
      const { runId } = structured<{ runId: string }>(solved);
      const read = await client.readResource({ uri: `zerr://runs/${runId}` });
      expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ id: runId, kind: 'solve', status: 'completed' });
    } finally {
      const closing = Date.now();
      await client.close();
      // The SDK ends stdin, waits up to 2 s for the process to exit, then sends SIGTERM: under 2 s means it
      // stopped on its own when stdin closed.
      expect(Date.now() - closing).toBeLessThan(2_000);
    }
    expect(errors, `stdout carried something other than JSON-RPC; stderr:\n${stderr}`).toEqual([]);
    expect(stderr).toContain('zerr mcp: serving over stdio');
    expect(stderr).toContain('zerr mcp: stopping: stdin closed');
    expect(stderr).not.toMatch(/^zerr: /m);
  }, 60_000);
});
