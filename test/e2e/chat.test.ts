/**
 * `zerr chat` end to end in a real terminal: the built CLI runs in a bash shell inside tmux (a pseudo-terminal, so
 * readline is in raw mode and Ctrl-C is a key, as for a person), driven with `tmux send-keys` and read with
 * `tmux capture-pane`. The models are scripted (test/fixtures/chat/README.txt): a hand-written replay file for the
 * first chat, and an OpenAI-compatible server in this process for the second, whose specifier answers depend on the
 * request (so a follow-up can be seen to carry the last spec) and whose coder answers slowly (so Ctrl-C lands mid-run).
 * The project is a git repository holding a commit made by zerr, for `/undo`; a last chat runs `/implement` in a
 * copy of the `zerr implement` fixture repository and undoes it. The pane's text is saved to
 * test-results/chat-transcript.txt.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type CompletionRequest, type OpenAICompatibleServer } from '../fixtures/llm/openai-compatible-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'chat');
const REPLAY = join(FIXTURES, 'largest-even.replay.jsonl');
const TRANSCRIPT = join(ROOT, 'test-results', 'chat-transcript.txt');
const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((path) => existsSync(path));
const TASK = 'a function that returns the largest even number in a list of integers, or null when there is none';
/** A hand-written solution of the refined spec; never sent before the run is stopped, only after 30 s. */
const SLOW_ANSWER = '```ts\nfunction countVowels(s: string): number {\n  return (s.match(/[aeiouy]/gi) ?? []).length;\n}\n```';

let work: string;
let project: string;
let socket: string;
let env: NodeJS.ProcessEnv;
let server: OpenAICompatibleServer;

/** Runs tmux on the test's own server (its own socket: nothing of the user's tmux is touched). */
function tmux(...args: string[]): string {
  return execFileSync(TMUX ?? 'tmux', ['-S', socket, ...args], { encoding: 'utf8', env });
}

/** The pane's whole text: scrollback and screen, wrapped lines joined. */
function pane(): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'chat');
}

/** Types `text` literally, then Enter. */
function type(text: string): void {
  tmux('send-keys', '-t', 'chat', '-l', text);
  tmux('send-keys', '-t', 'chat', 'Enter');
}

/** Waits until the pane's text after `from` characters matches; returns the match and where it ends. */
async function waitFor(pattern: RegExp, from: number, timeoutMs = 20_000): Promise<{ match: RegExpExecArray; end: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = pane();
    const match = pattern.exec(text.slice(from));
    if (match !== null) return { match, end: from + match.index + match[0].length };
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; the pane:\n${text.slice(from)}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: project, encoding: 'utf8', env });
}

function zerr(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: project, env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/** The scripted server: the specifier's contracts (hand-written fixture) and a coder that takes 30 s to answer. */
async function startScriptedServer(): Promise<OpenAICompatibleServer> {
  const contracts = JSON.parse(await readFile(join(FIXTURES, 'count-vowels.specifier.json'), 'utf8')) as { first: string; refined: string };
  return startOpenAICompatibleServer((request: CompletionRequest) => {
    const text = request.messages.map((message) => message.content).join('\n');
    if (text.includes('You are the specifier')) return text.includes('The user now asks:') ? contracts.refined : contracts.first;
    return new Promise<string>((done) => { setTimeout(() => done(SLOW_ANSWER), 30_000).unref(); });
  });
}

describe.skipIf(TMUX === undefined)('zerr chat in a real terminal (tmux)', () => {
  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
    work = await mkdtemp(join(tmpdir(), 'zerr-chat-e2e-'));
    project = join(work, 'project');
    socket = join(work, 'tmux.sock');
    await mkdir(join(work, 'home'), { recursive: true });
    await mkdir(project);
    env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: join(work, 'home'), LANG: 'C.UTF-8', TERM: 'xterm-256color', NO_COLOR: '1',
      XDG_DATA_HOME: join(work, 'data'), XDG_CONFIG_HOME: join(work, 'config'), ZERR_DAEMON: 'off',
      GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
    };
    // The project: a git repository of its owner's, with one commit zerr made.
    git('init', '--quiet', '--initial-branch=main');
    git('config', 'user.name', 'Owner');
    git('config', 'user.email', 'owner@example.com');
    await writeFile(join(project, 'README.md'), '# numbers\n');
    git('add', 'README.md');
    git('commit', '--quiet', '-m', 'start the project');
    await mkdir(join(project, 'src'));
    await writeFile(join(project, 'src', 'largest-even.ts'), 'export function largestEven(xs: number[]): number | null {\n  return null;\n}\n');
    git('add', 'src/largest-even.ts');
    git('-c', 'user.name=zerr', '-c', 'user.email=zerr@localhost', 'commit', '--quiet', '-m', 'zerr: add largestEven');
    server = await startScriptedServer();
    tmux('new-session', '-d', '-x', '200', '-y', '50', '-s', 'chat', '-c', project, "env PS1='$ ' bash --norc --noprofile");
    tmux('set-option', '-t', 'chat', 'history-limit', '20000');
  });

  afterAll(async () => {
    if (TMUX === undefined) return;
    try {
      await mkdir(join(ROOT, 'test-results'), { recursive: true });
      await writeFile(TRANSCRIPT, pane().replace(/\s+$/, '\n'));
    } catch {
      // no pane to save
    }
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  it('words -> proposed spec -> y -> progress, vote and code; /undo reverts the zerr commit; /exit', async () => {
    let at = (await waitFor(/\$ $/m, 0, 10_000)).end;
    type(`node ${BIN} chat --model replay:${REPLAY} --k 2`);
    at = (await waitFor(/history: 0 earlier messages[^\n]*\nzerr> /, at)).end;

    type(TASK);
    const proposed = await waitFor(/proposed spec:\n([\s\S]*?)solve it\? \[Y\/n\/e\] /, at);
    at = proposed.end;
    expect(proposed.match[1]).toContain('entryPoint: largestEven');
    expect(proposed.match[1]).toContain(`description: ${TASK}`);
    expect(pane()).toMatch(/specification run-\S+: consensus - contract class [0-9a-f]{16} led the runner-up by 2 >= k=2/);

    type('y');
    const solved = await waitFor(/run (run-\S+): consensus - [^\n]*\n([\s\S]*?--- verified code ---\n[\s\S]*?\n---\n)zerr> /, at);
    at = solved.end;
    const [, runId = '', summary = ''] = solved.match;
    expect(pane()).toMatch(/largestEven: consensus - samples \d+\/20, red-flagged \d+, failed verification \d+, verified \d+/); // the progress display
    expect(summary).toMatch(/vote: class [0-9a-f]{16} 2 votes vs runner-up 0 \(k=2\)/);
    expect(summary).toMatch(/samples \d+, red-flagged \d+[^\n]*, failed verification \d+/);
    expect(summary).toContain('function largestEven(xs: number[]): number | null {');
    const code = await readFile(join(project, 'zerr-out', runId, 'largestEven.ts'), 'utf8');
    expect(summary).toContain(code.trimEnd());

    type('/undo');
    const undone = await waitFor(/reverted ([0-9a-f]{10}) "zerr: add largestEven" with commit ([0-9a-f]{10}) "Revert "zerr: add largestEven""\nzerr> /, at);
    at = undone.end;
    expect(git('log', '--format=%an|%s', '-n', '3').trim().split('\n')).toEqual(['Owner|Revert "zerr: add largestEven"', 'zerr|zerr: add largestEven', 'Owner|start the project']);
    expect(existsSync(join(project, 'src', 'largest-even.ts'))).toBe(false);

    type('/history');
    at = (await waitFor(/ {4}-> consensus: 2 votes vs 0 after \d+ samples; code [^\n]+\n[\s\S]*?zerr> /, at)).end;
    type('/exit');
    at = (await waitFor(/bye\n\$ $/m, at)).end;
    type('git log --oneline -n 3');
    await waitFor(/Revert "zerr: add largestEven"\n[0-9a-f]+ zerr: add largestEven\n/, at);
    const history = (await readFile(join(project, '.zerr', 'chat-history.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { role: string; kind?: string; outcome?: string });
    expect(history.filter((entry) => entry.role === 'user')).toHaveLength(5);
    expect(history).toContainEqual(expect.objectContaining({ kind: 'solve', outcome: 'consensus' }));
    expect(history).toContainEqual(expect.objectContaining({ kind: 'undo', outcome: 'reverted' }));
  });

  it('a follow-up refines the last spec; Ctrl-C stops a slow run (paused) and the chat goes on; Ctrl-C at the prompt warns', async () => {
    let at = pane().length;
    type(`node ${BIN} chat --model "openai:scripted?baseURL=${server.baseURL}" --k 2 --model-retries 0`);
    at = (await waitFor(/history: 5 earlier messages [^\n]*\(\/history lists the last 20\)\nzerr> /, at)).end;

    type('a function that counts the vowels in a string');
    const first = await waitFor(/proposed spec:\n([\s\S]*?)solve it\? \[Y\/n\/e\] /, at);
    at = first.end;
    expect(first.match[1]).toContain('entryPoint: countVowels');
    expect(first.match[1]).toContain('- inputs: [ sky ]\n      expected: 0');
    type('n');
    at = (await waitFor(/not solved\. Say what to change, or \/new to start over\.\nzerr> /, at)).end;

    type('count y as a vowel too');
    const refined = await waitFor(/refining the last spec \(countVowels\)[\s\S]*?proposed spec:\n([\s\S]*?)solve it\? \[Y\/n\/e\] /, at);
    at = refined.end;
    expect(refined.match[1]).toContain('- inputs: [ sky ]\n      expected: 1');
    expect(refined.match[1]).toContain('Change: count y as a vowel too');
    const asked = server.requests.map((request) => request.messages.map((message) => message.content).join('\n')).filter((text) => text.includes('The user now asks: count y as a vowel too'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked[0]).toContain('The previous spec was:\n```yaml\nid: countVowels');
    expect(asked[0]).toContain('- inputs: [ sky ]\n    expected: 0');

    const before = server.requests.length;
    type('y');
    at = (await waitFor(/solving countVowels \(k=2, at most 20 samples; Ctrl-C stops the run\)\.\.\./, at)).end;
    const deadline = Date.now() + 15_000;
    while (!server.requests.slice(before).some((request) => !request.messages.some((message) => message.content.includes('You are the specifier')))) {
      if (Date.now() > deadline) throw new Error('the coder was never asked');
      await new Promise((done) => setTimeout(done, 100));
    }
    tmux('send-keys', '-t', 'chat', 'C-c');
    const stopped = await waitFor(/stopped: run (run-\S+) is paused \([^\n]*\); continue it with: zerr resume (run-\S+)\nzerr> /, at, 15_000);
    at = stopped.end;
    expect(stopped.match[2]).toBe(stopped.match[1]);

    type('/spec'); // still chatting
    at = (await waitFor(/last spec \(specifier, [^\n]+\):\n {2}id: countVowels[\s\S]*?zerr> /, at)).end;
    tmux('send-keys', '-t', 'chat', 'C-c');
    at = (await waitFor(/\(press Ctrl-C again or type \/exit to leave\)\nzerr> /, at)).end;
    type('/exit');
    await waitFor(/bye\n\$ $/m, at);

    const shown = await zerr(['runs', 'show', stopped.match[1] ?? '', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: stopped.match[1], status: 'paused' });
  });

  it('/implement fills in a stub of the repository (the vote, the diff, the commit on a new branch); /undo reverts it', async () => {
    // A copy of the zerr implement fixture repository (test/fixtures/implement/README.md), with its hand-written replay model.
    const repo = join(work, 'ts-repo');
    await cp(join(ROOT, 'test', 'fixtures', 'implement', 'ts-repo'), repo, { recursive: true });
    for (const args of [['init', '--quiet', '--initial-branch=main'], ['config', 'user.name', 'Owner'], ['config', 'user.email', 'owner@example.com'], ['add', '-A'], ['commit', '--quiet', '-m', 'start']]) {
      execFileSync('git', args, { cwd: repo, env });
    }
    let at = pane().length;
    type(`cd ${repo} && node ${BIN} chat --model replay:${join(ROOT, 'test', 'fixtures', 'implement', 'slugify-ts.replay.jsonl')} --k 2`);
    at = (await waitFor(/history: 0 earlier messages[^\n]*\nzerr> /, at)).end;
    type('/implement src/strings.ts#slugify');
    const implemented = await waitFor(/src\/strings\.ts#slugify: consensus - [^\n]*\n([\s\S]*?)committed ([0-9a-f]{10}) on branch zerr\/implement-slugify \(from main\); \/undo reverts it\nzerr> /, at, 60_000);
    at = implemented.end;
    expect(implemented.match[1]).toMatch(/failed verification 2 \((project-types 1, repo-tests 1|repo-tests 1, project-types 1)\), verified 2/);
    expect(implemented.match[1]).toContain("+  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');");
    type('/undo');
    at = (await waitFor(/reverted [0-9a-f]{10} "zerr implement slugify in src\/strings\.ts" with commit [0-9a-f]{10}[^\n]*\nzerr> /, at)).end;
    expect(await readFile(join(repo, 'src', 'strings.ts'), 'utf8')).toContain("throw new Error('not implemented');");
    type('/exit');
    await waitFor(/bye\n\$ $/m, at);
  });
});
