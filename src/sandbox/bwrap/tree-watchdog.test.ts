import { describe, expect, test } from 'vitest';
import { minimalEnv } from '../runtime-command.js';
import { spawnCapped } from '../spawn-capped.js';
import { bwrapArgs, privilegeDropPrefix } from './bwrap-args.js';
import { startTreeWatchdog } from './tree-watchdog.js';

const FLOOD = "import itertools\nfor i in itertools.count():\n    open('/tmp/f%d' % i, 'w').close()";
const HOLD = "import time\nx = bytearray(64 << 20)\nx[::4096] = b'x' * len(x[::4096])\ntime.sleep(30)";

/** Runs `code` under plain bwrap (its own bytes-only tmpfs, no cgroup) with a watchdog. */
async function watched(code: string, caps: { maxMemoryBytes: number; maxTmpfsInodes?: number }) {
  const marker = `ZERR_LAUNCH_test${String(Date.now())}`;
  const [head = 'bwrap', ...rest] = [
    ...privilegeDropPrefix('setpriv'),
    'bwrap',
    ...bwrapArgs({
      nodePath: process.execPath,
      workFolder: undefined,
      env: minimalEnv('/tmp'),
      launchMarker: marker,
      command: ['/usr/bin/python3', '-I', '-c', code],
    }),
  ];
  const watchdog = startTreeWatchdog({ marker, tmpfsPaths: ['/tmp'], ...caps });
  try {
    const result = await spawnCapped({ command: head, args: rest, cwd: '/', env: { PATH: '/usr/bin:/bin' }, wallTimeMs: 20_000, maxOutputBytes: 4096 });
    return { result, reason: watchdog.killedReason(), peak: watchdog.peakMemoryBytes() };
  } finally {
    watchdog.stop();
  }
}

describe('tree watchdog (fallback without cgroups)', () => {
  test('kills the tree when its tmpfs passes the inode cap', async () => {
    const { result, reason } = await watched(FLOOD, { maxMemoryBytes: 1 << 30, maxTmpfsInodes: 2000 });
    expect(result.signal ?? `exit ${String(result.exitCode)}`).toMatch(/SIGKILL|exit 137/);
    expect(result.timedOut).toBe(false);
    expect(reason).toMatch(/^\/tmp held \d+ inodes \(cap 2000\)$/);
  });

  test('kills the tree when its memory passes the cap, and measures it', async () => {
    const { result, reason, peak } = await watched(HOLD, { maxMemoryBytes: 32 << 20 });
    expect(result.timedOut).toBe(false);
    expect(reason).toMatch(/^the process tree held \d+ MiB \(cap 32 MiB\)$/);
    expect(peak).toBeGreaterThan(32 << 20);
  });
});
