/**
 * @module test/conformance/run-store-event-conformance
 * The part of the RunStore conformance suite about a run's event log (what SSE readers resume from by id): ids
 * continue without gaps, a batch is written all or none, reads page by `afterId` / `limit`, and stored events are
 * copies. Registered by {@link runRunStoreConformance} for every backend.
 */
import { expect, it } from 'vitest';
import { DuplicateRecordError, RunNotFoundError, type RunStore } from '../../src/store/index.js';
import { newRun } from './run-store-fixtures.js';

const event = (id: number, type = 'sample-end') => ({ id, event: { type, runId: 'run-1', at: 1_760_000_000_000 + id, nested: { values: [id, 'x', null] } } });

/** Registers the event-log tests; call inside the backend's `describe`. */
export function runEventLogConformance(create: () => Promise<RunStore>): void {
  it('appends numbered events without gaps, per run, and lists them after an id with a limit', async () => {
    const store = await create();
    await store.createRun(newRun());
    await store.createRun(newRun({ id: 'run-2' }));
    expect(await store.lastEventId('run-1')).toBe(0);
    expect(await store.listEvents('run-1')).toStrictEqual([]);
    await store.appendEvents('run-1', [event(1, 'run-start'), event(2), event(3)]);
    await store.appendEvents('run-2', [event(1, 'run-start')]);
    await store.appendEvents('run-1', [event(4, 'run-end')]);
    await store.appendEvents('run-1', []);
    expect(await store.lastEventId('run-1')).toBe(4);
    expect(await store.lastEventId('run-2')).toBe(1);
    expect(await store.listEvents('run-1')).toStrictEqual([event(1, 'run-start'), event(2), event(3), event(4, 'run-end')]);
    expect(await store.listEvents('run-1', { afterId: 1, limit: 2 })).toStrictEqual([event(2), event(3)]);
    expect(await store.listEvents('run-1', { afterId: 4 })).toStrictEqual([]);
    expect(await store.listEvents('nope')).toStrictEqual([]);
    expect(await store.lastEventId('nope')).toBe(0);
  });

  it('refuses a taken id (duplicate_record), a gap (invalid_argument) and an unknown run, writing nothing of the batch', async () => {
    const store = await create();
    await store.createRun(newRun());
    await store.appendEvents('run-1', [event(1), event(2)]);
    const taken = await store.appendEvents('run-1', [event(3), event(2)]).then(() => undefined, (error: unknown) => error);
    expect(taken).toBeInstanceOf(DuplicateRecordError);
    expect(taken).toMatchObject({ code: 'duplicate_record', record: 'event', key: 'event 2' });
    await expect(store.appendEvents('run-1', [event(3), event(5)])).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'events.1.id' });
    await expect(store.appendEvents('run-1', [{ id: 3, event: 'not an object' }])).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'events.0.event' });
    await expect(store.appendEvents('run-1', [{ id: 0, event: {} }])).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'events.0.id' });
    await expect(store.appendEvents('nope', [event(1)])).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(store.listEvents('run-1', { limit: 0 })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'options.limit' });
    expect((await store.listEvents('run-1')).map((entry) => entry.id)).toEqual([1, 2]);
  });

  it('keeps stored events apart from caller objects, and writes a batch of thousands at once', async () => {
    const store = await create();
    await store.createRun(newRun());
    const first = event(1);
    await store.appendEvents('run-1', [first]);
    first.event.nested.values.push(99);
    const [read] = await store.listEvents('run-1');
    (read?.event as { nested: { values: unknown[] } }).nested.values.push(100);
    expect(await store.listEvents('run-1')).toStrictEqual([event(1)]);
    const many = Array.from({ length: 2500 }, (_, index) => event(index + 2));
    await store.appendEvents('run-1', many);
    expect(await store.lastEventId('run-1')).toBe(2501);
    expect((await store.listEvents('run-1', { afterId: 2499 })).map((entry) => entry.id)).toEqual([2500, 2501]);
  });
}
