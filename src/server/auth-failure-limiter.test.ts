import { describe, expect, test } from 'vitest';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

describe('AuthFailureLimiter', () => {
  test('blocks a client after maxFailures in a window, for the rest of that window only, and not other clients', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
    now += 10_000;
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedForMs('10.0.0.1')).toBe(50_000);
    expect(limiter.blockedForMs('10.0.0.2')).toBe(0);
    now += 49_999;
    expect(limiter.blockedForMs('10.0.0.1')).toBe(1);
    now += 1;
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
    // A new window starts from zero.
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
  });

  test('tracks at most maxClients clients, forgetting the oldest windows; bad options name the field', () => {
    const limiter = new AuthFailureLimiter({ maxFailures: 1, maxClients: 100, now: () => 5 });
    for (let i = 0; i < 1000; i++) limiter.recordFailure(`client-${i}`);
    expect(limiter.size).toBe(100);
    expect(limiter.blockedForMs('client-999')).toBeGreaterThan(0);
    expect(limiter.blockedForMs('client-0')).toBe(0);
    expect(() => new AuthFailureLimiter({ maxFailures: 0 })).toThrow(expect.objectContaining({ code: 'invalid_argument', parameter: 'options.maxFailures' }));
  });
});
