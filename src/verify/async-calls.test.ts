/**
 * Async functions and methods (issue 14): a Python `async def` entry point or method runs to completion in the
 * sandbox (the harness's `asyncio.run`, one event loop per call sequence), a TypeScript one's promise is awaited, and
 * the awaited value is judged by the declared type inside `Awaitable[...]` / `Promise<...>`.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../sandbox/index.js';
import { renderStub } from '../task-spec/render-stub.js';
import { TaskSpecSchema, type Language, type TaskSpec } from '../task-spec/task-spec.js';
import { parseTypeRef } from '../task-spec/type-ref.js';
import { UnitTestsLayer } from './layers/unit-tests.js';

const sandbox = new BwrapSandbox();
const layer = new UnitTestsLayer({ runner: new SandboxCandidateRunner({ sandbox }) });
afterAll(() => sandbox.close());

const fetchDouble = TaskSpecSchema.parse({
  id: 'fetch-double', name: 'fetch_double', description: 'Twice x, computed asynchronously.', language: 'python',
  signature: { entryPoint: 'fetch_double', inputs: [{ name: 'x', type: 'int' }], output: { type: 'Awaitable[Tuple[int, int]]' } },
  testCases: [{ inputs: [3], expected: [3, 6] }, { inputs: [-1], throws: { type: 'ValueError' } }],
});

function cacheSpec(language: Language): TaskSpec {
  const int = language === 'python' ? 'int' : 'number';
  const later = (type: string): string => (language === 'python' ? `Awaitable[${type}]` : `Promise<${type}>`);
  return TaskSpecSchema.parse({
    id: `cache-${language}`, name: 'Cache', description: 'An async cache.', taskType: 'class', language,
    signature: { entryPoint: 'Cache', inputs: [], output: { type: 'Cache' } },
    methods: [{ name: 'put', inputs: [{ name: 'k', type: int }, { name: 'v', type: int }], output: { type: later(int) } }, { name: 'get', inputs: [{ name: 'k', type: int }], output: { type: later(int) } }],
    sequences: [{ construct: [], steps: [{ call: 'put', args: [1, 10], expected: 1 }, { call: 'get', args: [1], expected: 10 }, { call: 'get', args: [2], throws: { type: language === 'python' ? 'KeyError' : 'RangeError' } }] }],
  });
}

const PY_CACHE = `import asyncio
from typing import Dict


class Cache:
    def __init__(self) -> None:
        self.items: Dict[int, int] = {}
        self.lock = asyncio.Lock()

    async def put(self, k: int, v: int) -> int:
        async with self.lock:
            await asyncio.sleep(0)
            self.items[k] = v
            return len(self.items)

    async def get(self, k: int) -> int:
        await asyncio.sleep(0)
        return self.items[k]
`;
const TS_CACHE = `class Cache {
  private readonly items = new Map<number, number>();
  async put(k: number, v: number): Promise<number> {
    await Promise.resolve();
    this.items.set(k, v);
    return this.items.size;
  }
  async get(k: number): Promise<number> {
    const v = this.items.get(k);
    if (v === undefined) throw new RangeError('missing ' + k);
    return v;
  }
}`;

describe('async functions and methods', () => {
  test('an async def entry point runs to completion; its value is judged by the awaited type', async () => {
    const code = 'import asyncio\nfrom typing import Tuple\n\n\nasync def fetch_double(x: int) -> Tuple[int, int]:\n    if x < 0:\n        raise ValueError("negative")\n    await asyncio.sleep(0)\n    return (x, 2 * x)\n';
    const result = await layer.verify({ spec: fetchDouble, candidate: { language: 'python', code } });
    expect(result.status, result.reason).toBe('pass');
    const wrong = await layer.verify({ spec: fetchDouble, candidate: { language: 'python', code: code.replace('2 * x', 'x + x + 1') } });
    expect(wrong.reason).toBe('test 1: fetch_double(3) returned [3,7], expected [3,6]');
  }, 60_000);

  test.each(['python', 'typescript'] as const)('async methods of a %s class are awaited step by step, sharing the object\'s state', async (language) => {
    const result = await layer.verify({ spec: cacheSpec(language), candidate: { language, code: language === 'python' ? PY_CACHE : TS_CACHE } });
    expect(result.status, result.reason).toBe('pass');
  }, 60_000);

  test('an async method whose awaited value is wrong fails at that step', async () => {
    const wrong = await layer.verify({ spec: cacheSpec('python'), candidate: { language: 'python', code: PY_CACHE.replace('return len(self.items)', 'return 0') } });
    expect(wrong.reason).toBe('sequence 1, step 1: put(1, 10) returned 0, expected 1');
  }, 60_000);

  test('stubs write async def / async for coroutine and promise outputs; the awaited type is what values are compared by', () => {
    expect(renderStub(fetchDouble)).toContain('async def fetch_double(x: int) -> Tuple[int, int]:');
    expect(renderStub(cacheSpec('python'))).toContain('    async def get(self, k: int) -> int:');
    expect(renderStub(cacheSpec('typescript'))).toContain('  async get(k: number): Promise<number> {');
    expect(parseTypeRef('python', 'Coroutine[Any, Any, List[int]]')).toEqual({ kind: 'array', element: { kind: 'integer' } });
    expect(parseTypeRef('typescript', 'Promise<Set<number>>')).toEqual({ kind: 'array', element: { kind: 'number' }, container: 'set' });
  });
});
