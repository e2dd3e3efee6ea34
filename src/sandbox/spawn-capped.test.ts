import { describe, expect, test } from 'vitest';
import { spawnCapped } from './spawn-capped.js';

describe('spawnCapped', () => {
  test('output that lands exactly on the cap and goes on is truncated and killed, not silently dropped', async () => {
    const result = await spawnCapped({
      command: '/bin/sh',
      args: ['-c', 'head -c 4096 /dev/zero; sleep 0.3; echo more; sleep 20'],
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      wallTimeMs: 15_000,
      maxOutputBytes: 4096,
    });
    expect(result.outputTruncated).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(Buffer.byteLength(result.stdout)).toBe(4096);
    expect(result.durationMs).toBeLessThan(10_000);
  });
});
