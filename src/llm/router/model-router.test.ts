import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { createModelStack } from '../middleware/model-stack.js';
import { ModelCallError, ModelUnavailableError, ReplayExhaustedError } from '../model-errors.js';
import { MockLanguageModel, type MockResponse } from '../providers/mock/mock-language-model.js';
import { ModelRouter, type RouteAttempt } from './model-router.js';

const mock = (modelId: string, responses: MockResponse | ((callIndex: number) => MockResponse), style: 'chat' | 'continuation' = 'chat') =>
  new MockLanguageModel({ modelId, capabilities: { completionStyle: style }, responses: typeof responses === 'function' ? (_options, i) => responses(i) : responses });
const http500 = (provider: string) => new ModelCallError({ provider, message: 'HTTP 500', statusCode: 500, isRetryable: true });
const call = (router: ModelRouter, taskId = 't', sampleIndex = 0) => router.generate({ prompt: 'x', metadata: { taskId, sampleIndex: String(sampleIndex) } });

describe('ModelRouter', () => {
  it('draws each sample from the mix by weight, the same model for the same task and sample index', async () => {
    const router = new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', 'a'), weight: 3 }, { name: 'b', model: mock('B', 'b'), weight: 1 }] });
    const answers: string[] = [];
    for (let i = 0; i < 2000; i += 1) answers.push((await call(router, `task-${i % 7}`, i)).modelId);
    const share = answers.filter((name) => name === 'a').length / answers.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
    // Deterministic: the same (task, sample) gets the same model again, in another router with the same seed.
    const again = new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', 'a'), weight: 3 }, { name: 'b', model: mock('B', 'b'), weight: 1 }] });
    for (let i = 0; i < 50; i += 1) expect((await call(again, `task-${i % 7}`, i)).modelId).toBe(answers[i]);
    expect(router.stats().map((row) => [row.name, row.calls, row.answered])).toEqual([['a', answers.filter((n) => n === 'a').length, answers.filter((n) => n === 'a').length], ['b', answers.filter((n) => n === 'b').length, answers.filter((n) => n === 'b').length]]);
  });

  it('without a task id and sample index, a smooth weighted round-robin (2:1 gives a, b, a, a, b, a)', async () => {
    const router = new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', 'a'), weight: 2 }, { name: 'b', model: mock('B', 'b'), weight: 1 }] });
    const names: string[] = [];
    for (let i = 0; i < 6; i += 1) names.push((await router.generate({ prompt: 'x' })).modelId);
    expect(names).toEqual(['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('hands a failed call to the rest of the mix, then down the fallback chain; the answer names the model that gave it', async () => {
    const attempts: RouteAttempt[] = [];
    const router = new ModelRouter({
      route: 'coder',
      mix: [{ name: 'local', model: mock('L', http500('llama-cpp')), weight: 1 }, { name: 'remote', model: mock('R', new ModelUnavailableError({ provider: 'openai', message: 'ECONNREFUSED' })), weight: 1 }],
      fallback: [{ name: 'last-resort', model: mock('Z', 'def f(): pass') }],
    });
    router.onAttempt((attempt) => attempts.push(attempt));
    const result = await call(router);
    expect(result).toMatchObject({ text: 'def f(): pass', modelId: 'last-resort' });
    expect(attempts.map((a) => [a.member, a.outcome, a.code ?? null])).toEqual(expect.arrayContaining([
      ['local', 'failed', 'model_call_failed'], ['remote', 'failed', 'model_unavailable'], ['last-resort', 'answered', null],
    ]));
    expect(attempts.at(-1)?.handedOverFrom).toBeDefined();
    const stats = router.stats();
    expect(stats.find((row) => row.name === 'last-resort')).toMatchObject({ role: 'fallback', calls: 1, answered: 1, handedOver: 1 });
    expect(stats.find((row) => row.name === 'local')?.failed).toEqual({ model_call_failed: 1 });
  });

  it('when every model is unavailable: one ModelUnavailableError naming each model and its failure', async () => {
    const router = new ModelRouter({
      route: 'coder',
      mix: [{ name: 'a', model: mock('A', new ModelUnavailableError({ provider: 'openai', message: 'no server at http://127.0.0.1:9' })), weight: 1 }],
      fallback: [{ name: 'b', model: mock('B', new ModelUnavailableError({ provider: 'anthropic', message: 'bad key' })) }],
    });
    const error = await call(router).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(/every model of route coder is unavailable \(a: openai: no server at http:\/\/127\.0\.0\.1:9; b: anthropic: bad key\)/);
  });

  it('replay members with nothing left end the sample budget; a transient failure among them is the error reported', async () => {
    const exhausted = () => new ReplayExhaustedError({ taskId: 't', served: 1 });
    const allOut = new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', exhausted()), weight: 1 }, { name: 'b', model: mock('B', exhausted()), weight: 1 }] });
    await expect(call(allOut)).rejects.toBeInstanceOf(ReplayExhaustedError);
    const mixed = new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', exhausted()), weight: 1 }, { name: 'b', model: mock('B', http500('openai')), weight: 1 }] });
    await expect(call(mixed)).rejects.toMatchObject({ code: 'model_call_failed' });
  });

  it('does not hand over a request that is itself wrong, nor a call its caller aborted', async () => {
    const second = mock('B', 'b');
    const bad = new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', new InvalidArgumentError({ parameter: 'options.temperature', value: -1, expected: '>= 0' })), weight: 1 }], fallback: [{ name: 'b', model: second }] });
    await expect(call(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(second.calls).toHaveLength(0);
    const controller = new AbortController();
    const slow = new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', () => { controller.abort(); return http500('x'); }), weight: 1 }], fallback: [{ name: 'b', model: second }] });
    await expect(slow.generate({ prompt: 'x', signal: controller.signal })).rejects.toThrow();
    expect(second.calls).toHaveLength(0);
  });

  it('a member whose circuit breaker opened is refused at once and the call moves on without waiting', async () => {
    const failing = mock('F', http500('openai'));
    const local = createModelStack(failing, { retry: false, timeoutMs: false, circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    const router = new ModelRouter({ route: 'coder', mix: [{ name: 'remote', model: local, weight: 1 }], fallback: [{ name: 'local', model: mock('L', 'ok') }] });
    for (let i = 0; i < 5; i += 1) expect((await call(router, 't', i)).modelId).toBe('local');
    expect(failing.calls).toHaveLength(2); // the third call on was refused by the open circuit, never sent
    expect(router.stats()[0]).toMatchObject({ calls: 5, failed: { model_call_failed: 2, circuit_open: 3 }, circuitBreaker: 'OPEN' });
  });

  it('refuses a route whose models are prompted differently, and two members of one name', () => {
    expect(() => new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', 'a'), weight: 1 }], fallback: [{ name: 'b', model: mock('B', 'b', 'continuation') }] }))
      .toThrow(/options\.fallback\.0\.model.*chat-style model like a/);
    expect(() => new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', 'a'), weight: 1 }, { name: 'a', model: mock('B', 'b'), weight: 1 }] }))
      .toThrow(/options\.mix\.1\.name/);
    expect(() => new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: mock('A', 'a'), weight: 0 }] })).toThrow(/options\.mix\.0\.weight/);
  });

  it('closes every member', async () => {
    const a = mock('A', 'a');
    const b = mock('B', 'b');
    await new ModelRouter({ route: 'coder', mix: [{ name: 'a', model: a, weight: 1 }], fallback: [{ name: 'b', model: b }] }).close();
    expect([a.closeCount, b.closeCount]).toEqual([1, 1]);
  });
});
