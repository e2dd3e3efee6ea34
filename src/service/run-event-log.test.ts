/**
 * Tests of the run event log: numbering on from stored entries, stored then in-memory reading, entries reaching
 * readers only once durable, and a failed persist that stops persisting without losing entries for readers.
 */
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import { RunEventLog } from './run-event-log.js';
import type { RunEventEntry } from './run-service.js';

const start = (at: number): EngineEvent => ({ type: 'run-start', runId: 'r', at, taskIds: [], model: 'mock:test' });
const end = (at: number): EngineEvent => ({ type: 'run-end', runId: 'r', at, status: 'completed' });

async function collect(iterable: AsyncIterable<RunEventEntry>): Promise<RunEventEntry[]> {
  const entries: RunEventEntry[] = [];
  for await (const entry of iterable) entries.push(entry);
  return entries;
}

/** A store double: an array, and persist calls that wait for `release()`. */
function backing(stored: RunEventEntry[]) {
  const releases: (() => void)[] = [];
  return {
    stored,
    calls: [] as number[][],
    readStored: async (afterId: number, limit: number) => stored.filter((entry) => entry.id > afterId).slice(0, limit),
    persist(entries: readonly RunEventEntry[]): Promise<void> {
      this.calls.push(entries.map((entry) => entry.id));
      return new Promise((done) => releases.push(() => { stored.push(...entries); done(); }));
    },
    release: () => { for (const release of releases.splice(0)) release(); },
  };
}

describe('RunEventLog', () => {
  test('numbers on from stored entries and reads stored entries first, then its own', async () => {
    const store = backing([{ id: 1, event: start(1) }, { id: 2, event: end(2) }]);
    const log = new RunEventLog({ startId: 2, readStored: store.readStored, persist: async (entries) => { store.stored.push(...entries); } });
    expect(log.append(start(3))).toBe(3);
    expect(log.append(end(4))).toBe(4);
    await log.flushed();
    expect(store.stored.map((entry) => entry.id)).toEqual([1, 2, 3, 4]);
    expect((await collect(log.read(0))).map((entry) => [entry.id, entry.event.type])).toEqual([[1, 'run-start'], [2, 'run-end'], [3, 'run-start'], [4, 'run-end']]);
    expect((await collect(log.read(1))).map((entry) => entry.id)).toEqual([2, 3, 4]);
    expect((await collect(log.read(3))).map((entry) => entry.id)).toEqual([4]);
  });

  test('hands an entry to readers only once it is durable, batching what was appended meanwhile', async () => {
    const store = backing([]);
    const log = new RunEventLog({ readStored: store.readStored, persist: (entries) => store.persist(entries) });
    log.setLive(true);
    const reader = log.read(0)[Symbol.asyncIterator]();
    log.append(start(1));
    log.append(start(2));
    let delivered: RunEventEntry | undefined;
    const next = reader.next().then((result) => { delivered = result.value as RunEventEntry; });
    await new Promise((done) => setTimeout(done, 20));
    expect(delivered).toBeUndefined();
    expect(log.settled).toBe(false);
    store.release(); // entry 1 (the first batch) is durable; entry 2 was appended while it was written
    await next;
    expect(delivered?.id).toBe(1);
    store.release();
    await log.flushed();
    expect(store.calls).toEqual([[1], [2]]);
    expect((await reader.next()).value).toMatchObject({ id: 2 });
    log.setLive(false);
    expect((await reader.next()).done).toBe(true);
  });

  test('a failed persist is reported once; entries still reach readers and nothing more is persisted', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const log = new RunEventLog({
      persist: async () => { calls += 1; throw new Error('disk full'); },
      onPersistError: (error) => errors.push(error),
    });
    log.append(start(1));
    await log.flushed();
    log.append(end(2));
    await log.flushed();
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
    expect((await collect(log.read(0))).map((entry) => entry.id)).toEqual([1, 2]);
  });
});
