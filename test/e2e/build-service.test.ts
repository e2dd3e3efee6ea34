/**
 * End to end: the seeds' example request, "A todo-list REST service with create, list, complete and delete", built
 * with `zerr build --language python` from a hand-written replay script (test/fixtures/build/todo-service-python.replay.jsonl,
 * labelled in the fixtures' README): the decomposition's service (routes, initial state, scenario) around verified
 * handler tasks, the server written around them, its scenario run in the sandbox on the sandbox's own loopback, and
 * then the output's own pytest, which starts the server on a free port of this machine's loopback. The same request
 * built in TypeScript (test/fixtures/build/todo-service-typescript.replay.jsonl, hand-written too) gives a Fastify
 * server, whose output passes its own `npm test` and answers over HTTP after `npm start`.
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandResult } from '../helpers/run-command.js';
import { systemPythonHasPytest } from '../helpers/system-pytest.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const MODEL = `replay:${join(FIXTURES, 'todo-service-python.replay.jsonl')}?seed=5`;

let work: string;
const run = (command: string, args: readonly string[], cwd = work): Promise<CommandResult> =>
  runCommand(command, args, { cwd, env: { ZERR_STORE: join(work, 'runs.sqlite'), CI: '1', SOURCE_DATE_EPOCH: '1700000000' } });

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-build-service-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr build: a todo-list REST service (Python, hand-written replay script)', () => {
  const out = (): string => join(work, 'todo-service');

  it('builds the service: handlers by consensus, the server around them, its scenario passing in the sandbox', async () => {
    const result = await run(process.execPath, [BIN, 'build', '-f', join(FIXTURES, 'todo-service.requirements.md'), '--language', 'python', '--name', 'todo-service', '--model', MODEL, '--out', out(), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { report, status } = JSON.parse(result.stdout) as {
      status: string;
      report: { tasks: { id: string; source: string | null }[]; integration: { passed: boolean; testsPassed: number; testsFailed: number }; commits: { label: string }[] };
    };
    expect(status).toBe('completed');
    expect(report.tasks.map((task) => [task.id, task.source])).toEqual([
      ['complete-todo', 'consensus'], ['create-todo', 'consensus'], ['delete-todo', 'consensus'], ['find-todo', 'consensus'], ['list-todos', 'consensus'],
    ]);
    // 13 handler and store tests, the package import, and the scenario's 9 requests.
    expect(report.integration).toMatchObject({ passed: true, testsPassed: 23, testsFailed: 0 });
    const files = (await run('git', ['ls-files'], out())).stdout.trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['src/todo_service/server.py', 'tests/test_service.py', 'src/todo_service/create_todo.py', 'pyproject.toml']));
    const server = await readFile(join(out(), 'src', 'todo_service', 'server.py'), 'utf8');
    expect(server).toContain('("POST", re.compile("^/todos/(?P<id>[^/]+)/complete$"), complete_todo),');
    expect(server).toContain('INITIAL_STATE: Any = {"next_id": 1, "todos": []}');
    expect(await readFile(join(out(), 'README.md'), 'utf8')).toContain('| `DELETE` | `/todos/{id}` | `delete_todo` | `delete-todo` |');
    expect(JSON.parse(await readFile(join(out(), 'plan.json'), 'utf8'))).toMatchObject({ service: { routes: expect.arrayContaining([{ method: 'GET', path: '/todos', handler: 'list-todos' }]) as unknown } });
  }, 300_000);

  it.skipIf(!systemPythonHasPytest())('the output passes its own pytest run, the service scenario included', async () => {
    const tests = await run('/usr/bin/python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], out());
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/\b14 passed\b/);
  }, 120_000);

});

describe('zerr build: a todo-list REST service (TypeScript on Fastify, hand-written replay script)', () => {
  const out = (): string => join(work, 'todo-service-ts');
  const model = `replay:${join(FIXTURES, 'todo-service-typescript.replay.jsonl')}?seed=5`;

  it('builds the service: handlers by consensus, a Fastify server around them, its scenario passing in the sandbox', async () => {
    const result = await run(process.execPath, [BIN, 'build', '-f', join(FIXTURES, 'todo-service.requirements.md'), '--name', 'todo-service', '--model', model, '--out', out(), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { report, status } = JSON.parse(result.stdout) as {
      status: string;
      report: { tasks: { id: string; source: string | null }[]; integration: { passed: boolean; testsPassed: number; testsFailed: number } };
    };
    expect(status).toBe('completed');
    expect(report.tasks.map((task) => [task.id, task.source])).toEqual([
      ['complete-todo', 'consensus'], ['create-todo', 'consensus'], ['delete-todo', 'consensus'], ['find-todo', 'consensus'], ['list-todos', 'consensus'],
    ]);
    // 15 handler and store tests and the scenario's 9 requests.
    expect(report.integration).toMatchObject({ passed: true, testsPassed: 24, testsFailed: 0 });
    const files = (await run('git', ['ls-files'], out())).stdout.trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['src/server.ts', 'test/service.test.ts', 'src/create-todo.ts', 'package.json', 'tsconfig.json']));
    const server = await readFile(join(out(), 'src', 'server.ts'), 'utf8');
    expect(server).toContain('{ method: "POST", url: "/todos/:id/complete", pattern: /^\\/todos\\/[^/]+\\/complete$/, handler: completeTodo },');
    expect(await readFile(join(out(), 'README.md'), 'utf8')).toContain('| `DELETE` | `/todos/{id}` | `deleteTodo` | `delete-todo` |');
  }, 300_000);

  it('the output passes its own npm test (tsc, then node --test with the scenario on this machine\'s loopback) and serves with npm start', async () => {
    // zerr's own node_modules (typescript, @types/node, fastify) stands in for `npm install` (no registry is needed).
    await symlink(join(ROOT, 'node_modules'), join(out(), 'node_modules'), 'dir');
    const tests = await run('npm', ['test'], out());
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/# pass 24\b/);
    expect(tests.stdout).toMatch(/# fail 0\b/);
    // Its own process group, so that npm and the server it started end together.
    const server = spawn('npm', ['start', '--', '--port', '0'], { cwd: out(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    try {
      const address = await new Promise<string>((resolveAddress, reject) => {
        let seen = '';
        server.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /serving on (http:\/\/\S+)/.exec(seen);
          if (match?.[1] !== undefined) resolveAddress(match[1]);
        });
        server.once('exit', (code) => reject(new Error(`npm start ended (${String(code)}): ${seen}`)));
      });
      const created = await fetch(`${address}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"ship it"}' });
      expect([created.status, await created.json()]).toEqual([201, { id: 1, title: 'ship it', done: false }]);
      const badJson = await fetch(`${address}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' });
      expect([badJson.status, await badJson.json()]).toEqual([400, { error: 'the request body is not JSON' }]);
      const wrongMethod = await fetch(`${address}/todos`, { method: 'PUT' });
      expect(wrongMethod.status).toBe(405);
    } finally {
      if (server.pid !== undefined) process.kill(-server.pid, 'SIGTERM');
    }
  }, 120_000);
});
