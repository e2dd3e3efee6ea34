/**
 * End to end: the seeds' example request, "A todo-list REST service with create, list, complete and delete", built
 * with `zerr build --language python` from a hand-written replay script (test/fixtures/build/todo-service-python.replay.jsonl,
 * labelled in the fixtures' README): the decomposition's service (routes, initial state, scenario) around verified
 * handler tasks, the server written around them, its scenario run in the sandbox on the sandbox's own loopback, and
 * then the output's own pytest, which starts the server on a free port of this machine's loopback.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

  it('a TypeScript build refuses the service in its decomposition (services are built in Python for now)', async () => {
    const result = await run(process.execPath, [BIN, 'build', '-f', join(FIXTURES, 'todo-service.requirements.md'), '--model', MODEL, '--out', join(work, 'ts'), '--json']);
    expect(result.code).toBe(6);
    const { report } = JSON.parse(result.stdout) as { report: { decompositions: { redFlagsByRule: Record<string, number> }[] } };
    expect(report.decompositions[0]?.redFlagsByRule['service-shape']).toBe(2);
  }, 120_000);
});
