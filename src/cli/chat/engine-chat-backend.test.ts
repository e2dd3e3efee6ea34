/**
 * The chat's engine backend on the real engine: a hand-written replay model (test/fixtures/chat/README.txt), a real
 * SQLite store, the real sandbox. What `zerr chat` does between the prompts: specify, show, solve, write the files.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { BuildOutcome, ChatBackend } from './chat-backend.js';
import { buildArguments, type ChatBuildRequest } from './chat-build.js';
import { openEngineChatBackend } from './engine-chat-backend.js';

const REPLAY = resolve(import.meta.dirname, '../../../test/fixtures/chat/largest-even.replay.jsonl');
const TASK = 'a function that returns the largest even number in a list of integers, or null when there is none';

let dir: string;
let backend: ChatBackend;
let progress = '';
const builds: ChatBuildRequest[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zerr-chat-backend-'));
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => { progress += chunk.toString(); });
  backend = await openEngineChatBackend({
    model: `replay:${REPLAY}`, k: 2, maxSamples: 10, specSamples: 12, seed: 42, out: join(dir, 'out'), language: 'typescript',
    store: join(dir, 'runs.sqlite'), cwd: dir, progressStream: stream as unknown as NodeJS.WriteStream,
    build: (request): Promise<BuildOutcome> => {
      builds.push(request);
      return Promise.resolve({ status: 'completed', outDir: request.outDir, exitCode: 0 });
    },
  });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('openEngineChatBackend', () => {
  it('specifies words into a spec written as YAML, solves it with progress, and writes the code and report', async () => {
    const specified = await backend.specify({ requirements: TASK, signal: new AbortController().signal });
    if (specified.status !== 'proposed') throw new Error(`expected a proposed spec, got ${specified.status}`);
    const { proposal } = specified;
    expect(proposal.origin).toBe('specifier');
    expect(proposal.specification).toMatchObject({ outcome: 'consensus', votes: 3 });
    expect(proposal.spec.signature).toMatchObject({ entryPoint: 'largestEven', output: { type: 'number | null' } });
    expect(proposal.yaml).toContain('entryPoint: largestEven');
    expect(proposal.yaml).toContain('metadata:');
    expect(proposal.bareYaml).not.toContain('metadata:');
    expect(proposal.file).toBe(join(dir, 'out', proposal.specification?.runId ?? '', 'spec.yaml'));
    expect(await readFile(proposal.file ?? '', 'utf8')).toBe(proposal.yaml);
    expect((parseYaml(proposal.yaml) as { description: string }).description).toBe(TASK);

    // The written file is a spec the chat (and zerr solve) loads back as the same spec.
    const loaded = await backend.loadSpec(proposal.file ?? '', 'file');
    expect(loaded.spec).toEqual(proposal.spec);

    const solved = await backend.solve(proposal.spec, { signal: new AbortController().signal });
    if (solved.status !== 'decided') throw new Error(`expected a decided solve, got ${solved.status}`);
    expect(solved.result).toMatchObject({ outcome: 'consensus', votes: 2, runnerUpVotes: 0, k: 2 });
    expect(solved.result.failedVerification + solved.result.redFlagged).toBeGreaterThan(0); // the wrong and the refusal
    expect(solved.files.code).toBe(join(dir, 'out', solved.runId, 'largestEven.ts'));
    expect(await readFile(solved.files.code ?? '', 'utf8')).toBe(solved.result.code);
    const report = JSON.parse(await readFile(solved.files.report, 'utf8')) as { runId: string; spec: { id: string } };
    expect(report).toMatchObject({ runId: solved.runId, spec: { id: 'largestEven' } });
    expect(progress).toMatch(/largestEven: consensus - samples \d+\/10/);
  });

  it('a refinement keeps the description it is given instead of the request', async () => {
    const specified = await backend.specify({ requirements: `The previous spec was: ...\nThe user now asks: ${TASK}`, description: 'the largest even number\nChange: none', signal: new AbortController().signal });
    if (specified.status !== 'proposed') throw new Error(`expected a proposed spec, got ${specified.status}`);
    expect(specified.proposal.spec.description).toBe('the largest even number\nChange: none');
    expect(specified.proposal.yaml).toContain('Change: none');
  });

  it('a solve stopped by its signal is paused, resumable with zerr resume', async () => {
    const specified = await backend.loadSpec(resolve(import.meta.dirname, '../../../test/fixtures/specify/largest-even.yaml'), 'file');
    const controller = new AbortController();
    controller.abort(new Error('interrupted (SIGINT)'));
    const solved = await backend.solve(specified.spec, { signal: controller.signal });
    expect(solved).toMatchObject({ status: 'paused', runId: expect.stringMatching(/^run-/) as unknown });
  });

  it('a specification stopped by its signal is interrupted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted (SIGINT)'));
    expect(await backend.specify({ requirements: TASK, signal: controller.signal })).toEqual({ status: 'interrupted' });
  });

  it('/build runs zerr build into a new folder of the output folder; /undo and /implement outside git say why not', async () => {
    const outcome = await backend.build('a library with clamp', { signal: new AbortController().signal });
    expect(outcome.outDir.startsWith(join(dir, 'out', 'build-'))).toBe(true);
    expect(builds[0]).toMatchObject({ requirements: 'a library with clamp', model: `replay:${REPLAY}`, k: 2, maxSamples: 10, language: 'typescript', store: join(dir, 'runs.sqlite') });
    expect(buildArguments({ ...(builds[0] as ChatBuildRequest), requirements: '--not-an-option' })).toEqual([
      'build', '--out', outcome.outDir, '--model', `replay:${REPLAY}`, '--k', '2', '--max-samples', '10', '--language', 'typescript',
      '--store', join(dir, 'runs.sqlite'), '--', '--not-an-option',
    ]);
    expect(await backend.undo({ signal: new AbortController().signal })).toMatchObject({ status: 'refused', reason: expect.stringContaining('not in a git repository') as unknown });
    // `/implement` is zerr implement on the chat's engine: a target outside any repository is refused, naming it.
    await writeFile(join(dir, 'a.ts'), 'export function f(x: number): number {\n  throw new Error("not implemented");\n}\n');
    await expect(backend.implement({ file: 'a.ts', symbol: 'f', model: backend.model, k: 2, maxSamples: 10, signal: new AbortController().signal, write: () => undefined }))
      .rejects.toMatchObject({ code: 'invalid_implement_target', message: expect.stringContaining('a.ts#f: the file is not in a git repository') as unknown });
  });
});
