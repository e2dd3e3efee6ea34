import { describe, expect, it } from 'vitest';
import { retryAfterMsOf } from './retry-after.js';

describe('retryAfterMsOf', () => {
  const now = Date.parse('2026-10-21T07:28:00Z');

  it('reads delay-seconds, HTTP dates and retry-after-ms', () => {
    expect(retryAfterMsOf(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMsOf(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(retryAfterMsOf(new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMsOf({ 'Retry-After': 'Wed, 21 Oct 2026 07:27:00 GMT' }, now)).toBe(0);
    expect(retryAfterMsOf(new Headers({ 'retry-after': '2', 'retry-after-ms': '150' }), now)).toBe(150);
    expect(retryAfterMsOf({ 'retry-after': ['4'] }, now)).toBe(4000);
  });

  it('gives undefined for no header or one that does not parse', () => {
    expect(retryAfterMsOf(undefined, now)).toBeUndefined();
    expect(retryAfterMsOf(new Headers(), now)).toBeUndefined();
    expect(retryAfterMsOf(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMsOf(new Headers({ 'retry-after': '-3' }), now)).toBeUndefined();
  });
});
