/**
 * @module test/conformance/run-store-sqlite-crash.test
 * Durability of the SQLite run store: a writer process that is SIGKILLed mid-way loses nothing it had been told
 * was recorded, and the file stays a readable, consistent database.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/store/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const loaderUrl = pathToFileURL(path.join(here, 'run-store-ts-loader.mjs')).href;
const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(loaderUrl)});`;

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'zerr-run-store-crash-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

it('keeps every acknowledged record when the writer is SIGKILLed mid-way', async () => {
  const file = path.join(folder, '.zerr', 'runs.sqlite');
  const child = fork(path.join(here, 'run-store-crash-child.ts'), [file, 'crash-run'], {
    execArgv: ['--import', register],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let acked = -1;
  const exit = await new Promise<NodeJS.Signals | number | null>((resolve, reject) => {
    child.on('message', (message: { acked?: number }) => {
      if (typeof message.acked === 'number') acked = Math.max(acked, message.acked);
      if (acked >= 60) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ?? code));
  });
  expect(exit, stderr).toBe('SIGKILL');
  expect(acked).toBeGreaterThanOrEqual(60);

  // The file is a sound SQLite database (the WAL is replayed on open).
  const raw = new Database(file);
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();

  const store = await SqliteRunStore.open({ path: file });
  try {
    const run = await store.getRun('crash-run');
    const indexes = run?.samples.map((s) => s.sampleIndex) ?? [];
    // Every acknowledged sample, red flag and vote is there; anything beyond is a whole later record.
    expect(indexes.length).toBeGreaterThan(acked);
    expect(indexes).toEqual([...indexes.keys()]);
    expect(run?.samples[acked]?.text).toBe(`sample ${acked} ${'x'.repeat(2000)}`);
    expect(run?.redFlags.length).toBeGreaterThan(acked);
    expect(run?.votes.length).toBeGreaterThan(acked);
    // Still writable after the crash.
    await store.recordSample('crash-run', { ...run!.samples[0]!, sampleIndex: indexes.length });
  } finally {
    await store.close();
  }
});
