/**
 * The chat's conversation over in-memory streams, with a scripted backend standing in for the engine (the engine
 * backend is covered by `engine-chat-backend.test.ts` and, in a real terminal, by `test/e2e/chat.test.ts`).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SolveTaskResult, SpecifyResult, TaskSpec } from '../../index.js';
import type { BuildOutcome, ChatBackend, ProposedSpec, SolveOutcome, SpecifyOutcome, SpecifyRequest } from './chat-backend.js';
import { ChatHistory } from './chat-history.js';
import type { ImplementHandler, ImplementRequest } from './chat-implement.js';
import { ChatSession } from './chat-session.js';
import type { UndoOutcome } from './git-undo.js';
import type { SpecEditor } from './spec-editor.js';

function specOf(id: string, description: string): TaskSpec {
  return {
    id, name: id, description, language: 'typescript', taskType: 'function',
    signature: { entryPoint: id, inputs: [{ name: 'xs', type: 'number[]' }], output: { type: 'number | null' } },
    testCases: [{ inputs: [[1, 2]], expected: 2, expectThrows: false }],
  } as unknown as TaskSpec;
}

function proposalOf(spec: TaskSpec, origin: ProposedSpec['origin'], runId = 'run-spec-1'): ProposedSpec {
  const yaml = `id: ${spec.id}\ndescription: ${JSON.stringify(spec.description)}\n`;
  const specification = {
    runId, model: 'scripted', outcome: 'consensus', reason: 'contract class abc led the runner-up by 2 >= k=2', taskId: 'specify:root',
    classKey: 'abc', votes: 2, runnerUpVotes: 0, k: 2, samples: 2, failedCalls: 0, failedCallsByCause: {}, retries: 0,
    redFlagged: 0, redFlagsByRule: {}, classes: [{ classKey: 'abcdef0123456789', votes: 2 }], inputTokens: 0, outputTokens: 0,
    costUsd: 0, durationMs: 1, spec, droppedTestCases: [],
  } as unknown as SpecifyResult;
  return { spec, yaml, bareYaml: yaml, file: `/out/${runId}/spec.yaml`, origin, ...(origin === 'specifier' ? { specification } : {}) };
}

function resultOf(spec: TaskSpec): SolveTaskResult {
  return {
    taskId: spec.id, outcome: 'consensus', code: `function ${spec.id}(xs: number[]): number | null {\n  return null;\n}\n`,
    classKey: '237c5edb797002c2', votes: 2, runnerUpVotes: 0, k: 2, samples: 3, failedCalls: 0, failedCallsByCause: {}, retries: 0,
    redFlagged: 0, redFlagsByRule: {}, failedVerification: 1, failedByLayer: { 'unit-tests': 1 }, verified: 2,
    classes: [{ classKey: '237c5edb797002c2', votes: 2, representative: 0 }], inputTokens: 10, outputTokens: 10, costUsd: 0,
    durationMs: 5, reason: 'class 237c5edb797002c2 led the runner-up by 2 >= k=2 after 3 samples',
  };
}

/** A backend whose answers the test scripts; it records what it was asked. */
class ScriptedBackend implements ChatBackend {
  readonly model = 'scripted:model';
  readonly k = 2;
  readonly maxSamples = 10;
  readonly implemented: ImplementRequest[] = [];
  readonly implement: ImplementHandler = (request) => {
    this.implemented.push(request);
    request.write('src/math.ts#clamp: consensus (scripted)\n');
    return Promise.resolve({ status: 'implemented', runId: 'run-scripted', message: 'committed 0123456789 on branch zerr/implement-clamp (from main); /undo reverts it' });
  };
  readonly specifyRequests: SpecifyRequest[] = [];
  readonly solved: TaskSpec[] = [];
  readonly loaded: { path: string; origin: string }[] = [];
  readonly builds: string[] = [];
  /** When set, `solve` waits for its signal and answers `paused`. */
  slowSolve = false;
  undoOutcome: UndoOutcome = { status: 'refused', reason: 'no commit made by zerr' };
  closed = false;

  specify(request: SpecifyRequest): Promise<SpecifyOutcome> {
    this.specifyRequests.push(request);
    const id = this.specifyRequests.length === 1 ? 'largestEven' : `largestEven${this.specifyRequests.length}`;
    return Promise.resolve({ status: 'proposed', proposal: proposalOf(specOf(id, request.description ?? request.requirements), 'specifier', `run-spec-${this.specifyRequests.length}`) });
  }

  async loadSpec(path: string, origin: 'file' | 'edited'): Promise<ProposedSpec> {
    this.loaded.push({ path, origin });
    const text = await readFile(path, 'utf8');
    if (text.includes('broken')) throw Object.assign(new Error(`${path}: signature: got undefined, expected an object`), { code: 'invalid_spec' });
    const id = /id: (\w+)/.exec(text)?.[1] ?? 'fromFile';
    return { ...proposalOf(specOf(id, 'loaded'), origin), file: path };
  }

  solve(spec: TaskSpec, options: { signal: AbortSignal }): Promise<SolveOutcome> {
    this.solved.push(spec);
    if (!this.slowSolve) return Promise.resolve({ status: 'decided', runId: 'run-solve-1', model: this.model, result: resultOf(spec), files: { code: `/out/run-solve-1/${spec.id}.ts`, report: '/out/run-solve-1/report.json' } });
    return new Promise((resolve) => {
      options.signal.addEventListener('abort', () => resolve({ status: 'paused', runId: 'run-slow-1', reason: 'paused: interrupted (SIGINT)' }), { once: true });
    });
  }

  build(requirements: string): Promise<BuildOutcome> {
    this.builds.push(requirements);
    return Promise.resolve({ status: 'completed', outDir: '/out/build-1', exitCode: 0 });
  }

  undo(): Promise<UndoOutcome> {
    return Promise.resolve(this.undoOutcome);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** A chat over in-memory streams. */
class Harness {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  text = '';
  readonly done: Promise<void>;
  readonly session: ChatSession;

  constructor(options: { backend: ChatBackend; history: ChatHistory; editor?: SpecEditor; terminal?: boolean }) {
    this.output.on('data', (chunk: Buffer) => { this.text += chunk.toString(); });
    this.session = new ChatSession({
      input: this.input, output: this.output, terminal: options.terminal ?? false, backend: options.backend, history: options.history,
      editor: options.editor ?? { edit: () => Promise.resolve({ status: 'unavailable', reason: 'no editor: neither $VISUAL nor $EDITOR is set' }) },
    });
    this.done = this.session.run();
  }

  /** What was written, without terminal control sequences. */
  get plain(): string {
    // eslint-disable-next-line no-control-regex
    return this.text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }

  type(line: string): void {
    this.input.write(`${line}\n`);
  }

  /** Waits until the output holds `pattern` after `from` characters; returns where it ends. */
  async waitFor(pattern: string | RegExp, from = 0): Promise<number> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const rest = this.plain.slice(from);
      const match = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), length: pattern.length } : null) : (() => {
        const found = pattern.exec(rest);
        return found === null ? null : { index: found.index, length: found[0].length };
      })();
      if (match !== null) return from + match.index + match.length;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; output so far:\n${this.plain}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

let dir: string;
let history: ChatHistory;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zerr-chat-session-'));
  history = new ChatHistory({ path: join(dir, '.zerr', 'chat-history.jsonl') });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ChatSession', () => {
  it('words -> proposed spec -> y -> solved with the vote and the code; a follow-up refines the last spec', async () => {
    const backend = new ScriptedBackend();
    const chat = new Harness({ backend, history });
    let at = await chat.waitFor('history: 0 earlier messages');
    chat.type('a function that returns the largest even number in a list, or null');
    at = await chat.waitFor('proposed spec:', at);
    at = await chat.waitFor('solve it? [Y/n/e]', at);
    expect(chat.plain).toContain('specification run-spec-1: consensus');
    expect(backend.specifyRequests[0]).toMatchObject({ requirements: 'a function that returns the largest even number in a list, or null' });
    expect(backend.specifyRequests[0]?.description).toBeUndefined();
    chat.type('y');
    at = await chat.waitFor('---\n', await chat.waitFor('--- verified code ---', at));
    const solved = chat.plain.slice(chat.plain.lastIndexOf('solving largestEven'));
    expect(solved).toContain('run run-solve-1: consensus - class 237c5edb797002c2 led the runner-up by 2 >= k=2 after 3 samples');
    expect(solved).toContain('vote: class 237c5edb797002c2 2 votes vs runner-up 0 (k=2)');
    expect(solved).toContain('samples 3, red-flagged 0, failed verification 1 (unit-tests 1), verified 2');
    expect(solved).toContain('code: /out/run-solve-1/largestEven.ts');
    expect(solved).toContain('function largestEven(xs: number[]): number | null {');
    expect(backend.solved.map((spec) => spec.id)).toEqual(['largestEven']);

    chat.type('return 0 instead of null when there is no even number');
    at = await chat.waitFor('solve it? [Y/n/e]', await chat.waitFor('refining the last spec (largestEven)', at));
    const refine = backend.specifyRequests[1];
    expect(refine?.requirements).toContain('The previous spec was:\n```yaml\nid: largestEven\n');
    expect(refine?.requirements).toContain('The user now asks: return 0 instead of null when there is no even number');
    expect(refine?.description).toBe('a function that returns the largest even number in a list, or null\nChange: return 0 instead of null when there is no even number');
    chat.type('n');
    at = await chat.waitFor('not solved. Say what to change, or /new to start over.', at);
    expect(backend.solved).toHaveLength(1);

    chat.type('/spec');
    at = await chat.waitFor('id: largestEven2', await chat.waitFor('last spec (specifier, /out/run-spec-2/spec.yaml):', at));
    chat.type('/new');
    at = await chat.waitFor('starting over', at);
    chat.type('a function that sums a list');
    at = await chat.waitFor('solve it? [Y/n/e]', at);
    expect(backend.specifyRequests[2]).toMatchObject({ requirements: 'a function that sums a list' });
    chat.type('n');
    await chat.waitFor('not solved', at);
    chat.type('/exit');
    await chat.done;
    expect(chat.plain.endsWith('bye\n')).toBe(true);

    const entries = await history.entries();
    expect(entries.filter((entry) => entry.role === 'user').map((entry) => entry.text)).toEqual([
      'a function that returns the largest even number in a list, or null', 'y', 'return 0 instead of null when there is no even number', 'n',
      '/spec', '/new', 'a function that sums a list', 'n', '/exit',
    ]);
    expect(entries.find((entry) => entry.kind === 'solve')).toMatchObject({ runId: 'run-solve-1', outcome: 'consensus', text: 'consensus: 2 votes vs 0 after 3 samples; code /out/run-solve-1/largestEven.ts' });
  });

  it('says how many earlier messages the history holds; /history lists them with their outcomes', async () => {
    await history.append({ role: 'user', text: 'an earlier task' });
    await history.append({ role: 'zerr', kind: 'solve', text: 'consensus: 2 votes vs 0' });
    for (let i = 0; i < 25; i += 1) await history.append({ role: 'user', text: `message ${i}` });
    const chat = new Harness({ backend: new ScriptedBackend(), history });
    const at = await chat.waitFor('history: 26 earlier messages');
    expect(chat.plain).toContain('(/history lists the last 20)');
    chat.type('/history');
    await chat.waitFor('message 24', at);
    const listed = chat.plain.slice(chat.plain.indexOf('/history'));
    expect(listed).toContain('message 5');
    expect(listed).not.toContain('message 4\n');
    expect(listed).not.toContain('an earlier task');
    chat.type('/exit');
    await chat.done;
    const fresh = new Harness({ backend: new ScriptedBackend(), history: new ChatHistory({ path: join(dir, 'other.jsonl') }) });
    await fresh.waitFor('history: 0 earlier messages');
    fresh.type('/history');
    await fresh.waitFor('no earlier messages');
    fresh.input.end();
    await fresh.done;
  });

  it('a spec file is loaded and confirmed; a bad one is an error line, and the chat goes on', async () => {
    const backend = new ScriptedBackend();
    const chat = new Harness({ backend, history });
    const good = join(dir, 'clamp.yaml');
    await writeFile(good, 'id: clamp\n');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'id: broken\n');
    let at = await chat.waitFor('zerr> ');
    chat.type(bad);
    at = await chat.waitFor(`error: ${bad}: signature: got undefined, expected an object`, at);
    expect(chat.plain).not.toMatch(/\n\s+at /); // no stack trace
    chat.type(good);
    at = await chat.waitFor('solve it? [Y/n/e]', await chat.waitFor(`spec from ${good}:`, at));
    chat.type('');
    await chat.waitFor('run run-solve-1: consensus', at);
    expect(backend.loaded).toEqual([{ path: bad, origin: 'file' }, { path: good, origin: 'file' }]);
    expect(backend.solved.map((spec) => spec.id)).toEqual(['clamp']);
    chat.input.end();
    await chat.done;
  });

  it('e opens the spec in the editor and shows the edited spec for confirmation; an invalid edit keeps the spec', async () => {
    const backend = new ScriptedBackend();
    const edits = ['id: broken\n', 'id: edited\n'];
    const editor: SpecEditor = {
      async edit(file) {
        await writeFile(file, edits.shift() ?? '');
        return { status: 'edited' };
      },
    };
    const chat = new Harness({ backend, history, editor });
    chat.type('a function that returns the largest even number');
    let at = await chat.waitFor('solve it? [Y/n/e]');
    chat.type('e');
    at = await chat.waitFor('e opens your edit again', await chat.waitFor('the edited spec is not valid', at));
    chat.type('e');
    at = await chat.waitFor('solve it? [Y/n/e]', await chat.waitFor('edited spec:\n  id: edited', at));
    expect(backend.loaded.map((load) => load.origin)).toEqual(['edited', 'edited']);
    expect(backend.loaded[0]?.path).toBe(backend.loaded[1]?.path); // the same draft, opened again
    chat.type('y');
    await chat.waitFor('run run-solve-1: consensus', at);
    expect(backend.solved.map((spec) => spec.id)).toEqual(['edited']);
    chat.type('/exit');
    await chat.done;
  });

  it('e without an editor says so; another answer is asked again', async () => {
    const chat = new Harness({ backend: new ScriptedBackend(), history });
    chat.type('a function that returns the largest even number');
    let at = await chat.waitFor('solve it? [Y/n/e]');
    chat.type('e');
    at = await chat.waitFor('solve it? [Y/n/e]', await chat.waitFor('no editor: neither $VISUAL nor $EDITOR is set', at));
    chat.type('maybe');
    at = await chat.waitFor('answer y (or Enter) to solve it, n not to, e to edit it', at);
    chat.type('n');
    await chat.waitFor('not solved', at);
    chat.input.end();
    await chat.done;
  });

  it('a command or a follow-up typed at the confirmation leaves the spec unsolved and is handled as a message', async () => {
    const backend = new ScriptedBackend();
    const chat = new Harness({ backend, history });
    chat.type('a function that returns the largest even number');
    let at = await chat.waitFor('solve it? [Y/n/e]');
    chat.type('/spec');
    at = await chat.waitFor('id: largestEven', await chat.waitFor('(not solved; the spec is kept)\nlast spec', at));
    at = await chat.waitFor('zerr> ', at);
    chat.type('/new');
    at = await chat.waitFor('starting over', at);
    chat.type('a function that returns the largest even number');
    at = await chat.waitFor('solve it? [Y/n/e]', at);
    chat.type('return 0 when there is none');
    await chat.waitFor('solve it? [Y/n/e]', await chat.waitFor('(not solved; the spec is kept)\nrefining the last spec (largestEven2)', at));
    expect(backend.specifyRequests.map((request) => request.description)).toEqual([undefined, undefined, 'a function that returns the largest even number\nChange: return 0 when there is none']);
    expect(backend.solved).toEqual([]);
    chat.type('/exit');
    await chat.done;
    expect((await history.entries()).filter((entry) => entry.role === 'user').map((entry) => entry.text)).toEqual([
      'a function that returns the largest even number', '/spec', '/new', 'a function that returns the largest even number', 'return 0 when there is none', '/exit',
    ]);
  });

  it('Ctrl-C during a solve stops the run (paused, resumable) and the chat prompts again; twice at an empty prompt leaves', async () => {
    const backend = new ScriptedBackend();
    backend.slowSolve = true;
    const chat = new Harness({ backend, history, terminal: true });
    chat.input.write('a function that returns the largest even number\r');
    let at = await chat.waitFor('solve it? [Y/n/e]');
    chat.input.write('y\r');
    at = await chat.waitFor('Ctrl-C stops the run', at);
    chat.input.write('\x03');
    at = await chat.waitFor('stopped: run run-slow-1 is paused (interrupted (SIGINT)); continue it with: zerr resume run-slow-1', await chat.waitFor('stopping the solve...', at));
    at = await chat.waitFor('zerr> ', at);
    expect(await history.entries()).toContainEqual(expect.objectContaining({ kind: 'solve', runId: 'run-slow-1', outcome: 'paused' }));
    // Ctrl-C with something typed clears the line and does not count towards leaving.
    chat.input.write('half a thought');
    chat.input.write('\x03');
    at = await chat.waitFor('zerr> ', at);
    chat.input.write('\x03');
    at = await chat.waitFor('(press Ctrl-C again or type /exit to leave)', at);
    chat.input.write('\x03');
    await chat.done;
    expect(chat.plain.slice(at)).toContain('bye');
    expect(backend.specifyRequests).toHaveLength(1);
  });

  it('Ctrl-D leaves; interrupt() from a SIGINT ends a waiting prompt as Ctrl-C does', async () => {
    const chat = new Harness({ backend: new ScriptedBackend(), history, terminal: true });
    await chat.waitFor('zerr> ');
    chat.session.interrupt();
    await chat.waitFor('(press Ctrl-C again or type /exit to leave)');
    chat.input.write('\x04');
    await chat.done;
    expect(chat.plain).toContain('bye');
  });

  it('/undo, /build and /implement report what came of them; unknown commands and missing arguments are explained', async () => {
    const backend = new ScriptedBackend();
    const chat = new Harness({ backend, history });
    chat.type('/undo');
    let at = await chat.waitFor('/undo refused: no commit made by zerr');
    backend.undoOutcome = { status: 'reverted', sha: 'a'.repeat(40), subject: 'zerr: add clamp', revertSha: 'b'.repeat(40), revertSubject: 'Revert "zerr: add clamp"' };
    chat.type('/undo');
    at = await chat.waitFor(`reverted aaaaaaaaaa "zerr: add clamp" with commit bbbbbbbbbb "Revert "zerr: add clamp""`, at);
    chat.type('/build');
    at = await chat.waitFor('usage: /build <requirements>', at);
    chat.type('/build a library with clamp and lerp');
    at = await chat.waitFor('build completed in /out/build-1 (exit 0)', at);
    expect(backend.builds).toEqual(['a library with clamp and lerp']);
    chat.type('/implement');
    at = await chat.waitFor('usage: /implement <file>#<symbol>', at);
    chat.type('/implement src/math.ts#clamp');
    at = await chat.waitFor('committed 0123456789 on branch zerr/implement-clamp (from main); /undo reverts it', at);
    expect(backend.implemented.map((request) => [request.file, request.symbol, request.k, request.maxSamples])).toEqual([['src/math.ts', 'clamp', 2, 10]]);
    chat.type('/frobnicate');
    at = await chat.waitFor('unknown command /frobnicate; /help lists the commands', at);
    chat.type('/help');
    at = await chat.waitFor('/implement <file>#<symbol>', at);
    chat.type('/spec');
    await chat.waitFor('no spec yet', at);
    chat.input.end();
    await chat.done;
    const outcomes = (await history.entries()).filter((entry) => entry.role === 'zerr').map((entry) => `${entry.kind ?? ''}:${entry.outcome ?? ''}`);
    expect(outcomes).toEqual(['undo:refused', 'undo:reverted', 'build:completed', 'implement:implemented']);
  });

  it('reads every line of a piped script, even those that arrive before they are asked for', async () => {
    const backend = new ScriptedBackend();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    input.end('a function that returns the largest even number\ny\n/history\n/exit\n');
    await new ChatSession({ input, output, terminal: false, backend, history, editor: { edit: () => Promise.resolve({ status: 'edited' }) } }).run();
    expect(backend.solved.map((spec) => spec.id)).toEqual(['largestEven']);
    expect(text).toContain('run run-solve-1: consensus');
    expect(text).toMatch(/zerr> \/history\n.*a function that returns the largest even number\n {4}-> proposed spec largestEven/);
    expect(text.endsWith('bye\n')).toBe(true);
  });
});
