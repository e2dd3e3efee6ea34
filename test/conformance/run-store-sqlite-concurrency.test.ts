/**
 * @module test/conformance/run-store-sqlite-concurrency.test
 * Atomicity of the SQLite store across processes sharing one file: two writers (this process and a forked child,
 * each with its own connection) appending checkpoints to the same run at the same time get distinct, gap-free seqs
 * (each in increasing order), and of their two answers to one escalation exactly one wins.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/store/index.js';
import { escalation, newRun } from './run-store-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const loaderUrl = pathToFileURL(path.join(here, 'run-store-ts-loader.mjs')).href;
const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(loaderUrl)});`;
const PER_WRITER = 150;

interface Report {
  readonly seqs: number[];
  readonly answered: boolean;
  readonly error: string | null;
}

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'zerr-run-store-concurrency-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Forks the child writer; `ready` resolves once it has opened the store, `report` with what it sends at the end. */
function writer(file: string, name: string): { child: ChildProcess; ready: Promise<void>; report: Promise<Report> } {
  const child = fork(path.join(here, 'run-store-concurrency-child.ts'), [file, 'run-1', String(PER_WRITER), name], {
    execArgv: ['--import', register],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const report = new Promise<Report>((resolve, reject) => {
    child.on('message', (message: Partial<Report> & { ready?: boolean }) => {
      if (message.ready === true) onReady();
      else resolve(message as Report);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`writer ${name} exited (${String(code)}) without a report: ${stderr}`)));
  });
  report.catch(() => undefined); // a test that fails before awaiting it must not also report an unhandled rejection
  return { child, ready, report };
}

it('gives two processes distinct gap-free checkpoint seqs and exactly one winning answer', async () => {
  const file = path.join(folder, 'runs.sqlite');
  const setup = await SqliteRunStore.open({ path: file });
  await setup.createRun(newRun());
  await setup.openEscalation('run-1', escalation('esc-1'));
  await setup.close();

  const child = writer(file, 'child');
  const store = await SqliteRunStore.open({ path: file, synchronous: 'normal' });
  try {
    await child.ready;
    child.child.send({ go: true });
    const seqs: number[] = [];
    for (let i = 0; i < PER_WRITER; i += 1) {
      seqs.push(await store.recordCheckpoint('run-1', { kind: 'step', body: { writer: 'parent', i }, createdAt: Date.now() }));
    }
    const mine = await store.answerEscalation('run-1', 'esc-1', { answer: { writer: 'parent' }, answeredBy: 'parent', answeredAt: Date.now() })
      .then(() => ({ answered: true, error: null }), (error: { code?: string }) => ({ answered: false, error: error.code ?? String(error) }));
    const parent: Report = { seqs, ...mine };
    const other = await child.report;

    for (const report of [parent, other]) {
      expect(report.seqs).toHaveLength(PER_WRITER);
      expect(report.seqs).toEqual([...report.seqs].sort((x, y) => x - y));
    }
    expect([...parent.seqs, ...other.seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * PER_WRITER }, (_, i) => i + 1));
    expect([parent.answered, other.answered].filter(Boolean)).toHaveLength(1);
    expect([parent.error, other.error].filter((e) => e !== null)).toEqual(['escalation_already_answered']);

    const run = await store.getRun('run-1');
    // Every seq a writer was given names the checkpoint that writer recorded.
    for (const [name, report] of [['parent', parent], ['child', other]] as const) {
      report.seqs.forEach((seq, i) => expect(run?.checkpoints[seq - 1]?.body).toEqual({ writer: name, i }));
    }
    const winner = parent.answered ? 'parent' : 'child';
    expect(run?.escalations[0]).toMatchObject({ status: 'answered', answeredBy: winner, answer: { writer: winner } });
  } finally {
    await store.close();
    child.child.kill();
  }
});
