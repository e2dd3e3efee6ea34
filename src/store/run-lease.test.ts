import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MemoryRunStore } from './memory/memory-run-store.js';
import { RunLease, processExists } from './run-lease.js';
import type { RunStore } from './run-store.js';
import { SqliteRunStore } from './sqlite/sqlite-run-store.js';

const dir = mkdtempSync(join(tmpdir(), 'zerr-lease-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (reaped), so no process has it now. */
function deadPid(): number {
  const child = spawnSync('/bin/sh', ['-c', 'echo $$']);
  const pid = Number(child.stdout.toString().trim());
  expect(processExists(pid)).toBe(false);
  return pid;
}

const stores: [string, () => Promise<RunStore>][] = [
  ['memory', async () => new MemoryRunStore()],
  ['sqlite', () => SqliteRunStore.open({ path: join(dir, `${Math.random().toString(36).slice(2)}.sqlite`) })],
];

describe.each(stores)('run lease (%s store)', (_name, open) => {
  async function withRun(use: (store: RunStore, runId: string) => Promise<void>): Promise<void> {
    const store = await open();
    await store.createRun({ id: 'run-1', kind: 'solve', model: 'mock', config: {}, createdAt: 1 });
    try {
      await use(store, 'run-1');
    } finally {
      await store.close();
    }
  }

  test('one holder at a time: a second claim in this process is refused until the first is released', async () => {
    await withRun(async (store, runId) => {
      const first = await RunLease.acquire(store, runId);
      expect(await store.runOwner(runId)).toMatchObject({ owner: first.owner, pid: process.pid, host: hostname() });
      await expect(RunLease.acquire(store, runId)).rejects.toMatchObject({ code: 'run_busy', holder: { owner: first.owner } });
      await first.release();
      expect(await store.runOwner(runId)).toBeUndefined();
      const second = await RunLease.acquire(store, runId);
      expect(second.tookOverFrom).toBeUndefined();
      await second.release();
    });
  });

  test('a crashed holder on this host (its process gone) is taken over at once', async () => {
    await withRun(async (store, runId) => {
      const pid = deadPid();
      await store.claimRun(runId, { owner: 'crashed', pid, host: hostname(), at: Date.now() }, () => false);
      const lease = await RunLease.acquire(store, runId);
      expect(lease.tookOverFrom).toMatchObject({ owner: 'crashed', pid });
      expect((await store.runOwner(runId))?.owner).toBe(lease.owner);
      await lease.release();
    });
  });

  test('a live holder elsewhere is refused while its heartbeat is fresh and taken over once it is stale', async () => {
    await withRun(async (store, runId) => {
      const at = Date.now();
      await store.claimRun(runId, { owner: 'remote', pid: 4242, host: 'another-host', at }, () => false);
      await expect(RunLease.acquire(store, runId, { staleAfterMs: 30_000, now: () => at + 10_000 })).rejects.toMatchObject({ code: 'run_busy' });
      const lease = await RunLease.acquire(store, runId, { staleAfterMs: 30_000, now: () => at + 31_000 });
      expect(lease.tookOverFrom).toMatchObject({ owner: 'remote', host: 'another-host' });
      await lease.release();
    });
  });

  test('the heartbeat keeps a claim fresh, and a lease whose claim was taken over learns it (lost aborts)', async () => {
    await withRun(async (store, runId) => {
      const lease = await RunLease.acquire(store, runId, { heartbeatMs: 20 });
      const claimedAt = (await store.runOwner(runId))?.heartbeatAt ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect((await store.runOwner(runId))?.heartbeatAt).toBeGreaterThan(claimedAt);
      await store.claimRun(runId, { owner: 'thief', pid: 1, host: 'another-host', at: Date.now() }, () => true);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(lease.lost.aborted).toBe(true);
      await lease.release();
      expect((await store.runOwner(runId))?.owner).toBe('thief'); // releasing a lost lease leaves the new holder alone
    });
  });

  test('an unknown run cannot be claimed', async () => {
    await withRun(async (store) => {
      await expect(RunLease.acquire(store, 'run-unknown')).rejects.toMatchObject({ code: 'run_not_found' });
    });
  });
});

describe('run lease across store connections (sqlite)', () => {
  test('of two processes taking over one stale claim at once, exactly one wins', async () => {
    const path = join(dir, 'race.sqlite');
    const a = await SqliteRunStore.open({ path });
    const b = await SqliteRunStore.open({ path });
    try {
      await a.createRun({ id: 'run-race', kind: 'solve', model: 'mock', config: {}, createdAt: 1 });
      await a.claimRun('run-race', { owner: 'stale', pid: 4242, host: 'another-host', at: 1 }, () => false);
      const results = await Promise.allSettled([
        a.claimRun('run-race', { owner: 'a', pid: 1, host: 'h', at: 100_000 }, (holder) => holder.owner === 'stale'),
        b.claimRun('run-race', { owner: 'b', pid: 2, host: 'h', at: 100_000 }, (holder) => holder.owner === 'stale'),
      ]);
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const holder = await a.runOwner('run-race');
      expect(['a', 'b']).toContain(holder?.owner);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
