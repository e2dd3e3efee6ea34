/**
 * @module test/conformance/run-store.test
 * Runs the RunStore conformance suite against every implementation: in memory, and SQLite on real files.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { MemoryRunStore, SqliteRunStore, type RunStore } from '../../src/store/index.js';
import { runRunStoreConformance } from './run-store-conformance.js';

runRunStoreConformance('memory', { create: async () => new MemoryRunStore() });

let folder = '';
let files = 0;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'zerr-run-store-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

runRunStoreConformance('sqlite', {
  // A nested path, so that open() must create the parent folders.
  create: () => SqliteRunStore.open({ path: path.join(folder, `store-${(files += 1)}`, '.zerr', 'runs.sqlite') }),
  reopen: async (store: RunStore) => {
    const { path: file } = store as SqliteRunStore;
    await store.close();
    return SqliteRunStore.open({ path: file });
  },
});
