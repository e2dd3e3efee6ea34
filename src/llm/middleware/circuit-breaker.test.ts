import { describe, it, expect, vi, afterEach } from 'vitest';
import { wrapLanguageModel } from '../language-model.js';
import { CircuitOpenError, ModelCallError, ModelUnavailableError } from '../model-errors.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { MockLanguageModel } from '../providers/mock/mock-language-model.js';
import { circuitBreakerMiddleware, type CircuitBreakerState } from './circuit-breaker.js';

const failure = (): ModelCallError => new ModelCallError({ provider: 'mock', message: '500', statusCode: 500, isRetryable: true });

describe('circuitBreakerMiddleware', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens after N consecutive failures, refuses calls, half-opens after halfOpenAfterMs and closes on success', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let fail = true;
    const model = new MockLanguageModel({ responses: () => (fail ? failure() : 'ok') });
    const breaker = circuitBreakerMiddleware({ consecutiveFailures: 3, halfOpenAfterMs: 1000 });
    const states: CircuitBreakerState[] = [];
    breaker.onStateChange((state) => states.push(state));
    const wrapped = wrapLanguageModel(model, breaker);
    for (let i = 0; i < 3; i += 1) await expect(wrapped.generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    expect(breaker.state).toBe('OPEN');
    const refused = await wrapped.generate({ prompt: 'p' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toBeInstanceOf(ModelUnavailableError);
    expect(refused).toMatchObject({ code: 'circuit_open', isRetryable: false });
    expect(model.calls).toHaveLength(3);
    vi.advanceTimersByTime(1001);
    fail = false;
    expect((await wrapped.generate({ prompt: 'p' })).text).toBe('ok');
    expect(breaker.state).toBe('CLOSED');
    expect(states).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('a failed HALF_OPEN trial opens the circuit again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const breaker = circuitBreakerMiddleware({ consecutiveFailures: 1, halfOpenAfterMs: 10 });
    const wrapped = wrapLanguageModel(new MockLanguageModel({ responses: () => failure() }), breaker);
    await expect(wrapped.generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    vi.advanceTimersByTime(11);
    await expect(wrapped.generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    expect(breaker.state).toBe('OPEN');
  });

  it('does not count caller mistakes, and a success resets the count', async () => {
    const responses = [failure(), new InvalidArgumentError({ parameter: 'x', value: 1, expected: 'y' }), 'ok', failure()];
    const breaker = circuitBreakerMiddleware({ consecutiveFailures: 2 });
    const wrapped = wrapLanguageModel(new MockLanguageModel({ responses }), breaker);
    for (let i = 0; i < 4; i += 1) await wrapped.generate({ prompt: 'p' }).catch(() => undefined);
    expect(breaker.state).toBe('CLOSED');
  });
});
