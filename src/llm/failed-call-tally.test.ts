import { describe, expect, it } from 'vitest';
import { FailedCallTally, failureCause, recordedFailureCause } from './failed-call-tally.js';
import { ModelCallError, ModelEmptyAnswerError, ModelTimeoutError, ModelUnavailableError } from './model-errors.js';

const http = (status: number): ModelCallError => new ModelCallError({ provider: 'p', message: `HTTP ${status}`, statusCode: status, isRetryable: true });

describe('failureCause', () => {
  it('names HTTP failures by status, other call failures network, the rest by code', () => {
    expect(failureCause(http(503))).toBe('http_503');
    expect(failureCause(new ModelCallError({ provider: 'p', message: 'reset', isRetryable: true }))).toBe('network');
    expect(failureCause(new ModelTimeoutError({ provider: 'p', timeoutMs: 5 }))).toBe('model_timeout');
    expect(failureCause(new ModelEmptyAnswerError({ provider: 'p', url: 'u', finishReason: 'stop' }))).toBe('model_empty_answer');
    expect(failureCause(new Error('plain'))).toBe('unknown');
    expect([recordedFailureCause('model_call_failed', 429), recordedFailureCause('model_call_failed', null), recordedFailureCause('model_refused', null)])
      .toEqual(['http_429', 'network', 'model_refused']);
  });
});

describe('FailedCallTally', () => {
  it('is unavailable after maxConsecutiveFailedCalls in a row; an answer resets the run', () => {
    const tally = new FailedCallTally({ provider: 'p', maxFailedCalls: 100, maxConsecutiveFailedCalls: 3 });
    tally.failed(http(500));
    tally.failed(http(500));
    tally.answered();
    tally.failed(http(429));
    tally.failed(http(500));
    expect(tally.unavailable).toBe(false);
    tally.failed(new ModelTimeoutError({ provider: 'p', timeoutMs: 5 }));
    expect(tally.unavailable).toBe(true);
    expect(tally.byCause).toEqual({ http_500: 3, http_429: 1, model_timeout: 1 });
    const error = tally.unavailableError({ retries: 7, answers: 1 });
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error.message).toBe('p: 3 calls in a row gave no answer (http_500 3, http_429 1, model_timeout 1; 7 retries; 1 answers); last error: p: call timed out after 5 ms');
  });

  it('is unavailable after maxFailedCalls in all, even with answers between them', () => {
    const tally = new FailedCallTally({ provider: 'p', maxFailedCalls: 2 });
    tally.failed(http(502));
    tally.answered();
    expect(tally.unavailable).toBe(false);
    tally.failed(http(502));
    expect(tally.unavailable).toBe(true);
    expect(tally.describe()).toBe('2 calls without an answer (http_502 2)');
    expect(tally.unavailableError({ retries: 0, answers: 1 }).message).toContain('2 calls gave no answer');
  });

  it('rejects bad limits naming the field', () => {
    expect(() => new FailedCallTally({ provider: 'p', maxFailedCalls: 0 })).toThrow(expect.objectContaining({ parameter: 'options.maxFailedCalls' }));
  });
});
