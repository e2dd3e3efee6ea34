/**
 * @module bench/auth-flood.test
 * The quick form of `auth-flood` keeps working: every bad key is refused, and bad keys with unknown ids or
 * malformed keys cost no scrypt hash (wrong secrets of a live id are each hashed once).
 */
import { describe, expect, it } from 'vitest';
import { benchmark } from './auth-flood.js';

describe('auth-flood', () => {
  it('quick run: floods are refused with 401; only wrong secrets of a live id are hashed', async () => {
    const report = await benchmark.run({ quick: true, args: [], dataDir: '', log: () => undefined });
    const figures = report.figures as Record<string, { statuses: Record<string, number>; hashes: number; validRequests: number }>;
    expect(figures['unknown ids']).toMatchObject({ statuses: { 401: 80 }, hashes: 0 });
    expect(figures['malformed']).toMatchObject({ statuses: { 401: 80 }, hashes: 0 });
    expect(figures['wrong secret of a live id']).toMatchObject({ statuses: { 401: 80 }, hashes: 80 });
    expect(report.tables[0]?.rows).toHaveLength(4);
  }, 120_000);
});
