/**
 * @module test/conformance/run-store-build-conformance
 * The part of the RunStore conformance suite about what `zerr build` records: checkpoints (seq 1, 2, 3, ... per
 * run, atomic under concurrency), escalations (open, answer exactly once, list), and pausing / reopening a run.
 * Registered by {@link runRunStoreConformance} for every backend.
 */
import { expect, it } from 'vitest';
import {
  EscalationAnsweredError,
  EscalationNotFoundError,
  RunNotFoundError,
  type RunStore,
} from '../../src/store/index.js';
import { checkpoint, escalation, newRun } from './run-store-fixtures.js';

const answer = (over: Partial<{ answer: unknown; answeredBy: string; answeredAt: number }> = {}) => ({
  answer: { code: 'function f(x: number): number { return x + 1; }' } as unknown,
  answeredBy: 'cli',
  answeredAt: 1_760_000_040_000,
  ...over,
});

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** Registers the build-record tests; call inside the backend's `describe`. */
export function runBuildRecordConformance(create: () => Promise<RunStore>): void {
  it('numbers checkpoints 1, 2, 3 per run, independently across runs, and returns them in seq order', async () => {
    const store = await create();
    await store.createRun(newRun({ id: 'a' }));
    await store.createRun(newRun({ id: 'b' }));
    expect(await store.recordCheckpoint('a', checkpoint('node-created', { createdAt: 30 }))).toBe(1);
    expect(await store.recordCheckpoint('a', checkpoint('node-state', { body: null, createdAt: 10 }))).toBe(2);
    expect(await store.recordCheckpoint('b', checkpoint('budget-stop', { body: undefined }))).toBe(1);
    expect(await store.recordCheckpoint('a', checkpoint('commit', { body: [1, 'two', { three: 3 }], createdAt: 20 }))).toBe(3);
    expect((await store.getRun('a'))?.checkpoints).toStrictEqual([
      { seq: 1, ...checkpoint('node-created', { createdAt: 30 }) },
      { seq: 2, ...checkpoint('node-state', { body: null, createdAt: 10 }) },
      { seq: 3, ...checkpoint('commit', { body: [1, 'two', { three: 3 }], createdAt: 20 }) },
    ]);
    expect((await store.getRun('b'))?.checkpoints).toStrictEqual([{ seq: 1, ...checkpoint('budget-stop', { body: undefined }) }]);
  });

  it('gives concurrent recordCheckpoint calls distinct consecutive seqs', async () => {
    const store = await create();
    await store.createRun(newRun({ id: 'a' }));
    await store.createRun(newRun({ id: 'b' }));
    const writes = Array.from({ length: 30 }, (_, i) =>
      store.recordCheckpoint(i % 3 === 0 ? 'b' : 'a', checkpoint(`step-${i}`, { body: { i } })));
    const seqs = await Promise.all(writes);
    const ofA = seqs.filter((_, i) => i % 3 !== 0);
    const ofB = seqs.filter((_, i) => i % 3 === 0);
    expect([...ofA].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect([...ofB].sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    // Each returned seq names the checkpoint that call wrote.
    const stored = (await store.getRun('a'))?.checkpoints ?? [];
    expect(stored.map((c) => c.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    seqs.forEach((seq, i) => {
      if (i % 3 !== 0) expect(stored[seq - 1]?.body).toEqual({ i });
    });
  });

  it('gives a run without build records empty checkpoints and escalations', async () => {
    const store = await create();
    await store.createRun(newRun());
    const run = await store.getRun('run-1');
    expect(run?.checkpoints).toStrictEqual([]);
    expect(run?.escalations).toStrictEqual([]);
    expect(await store.listEscalations()).toStrictEqual([]);
  });

  it('opens an escalation, answers it once, and rejects a second answer keeping the first', async () => {
    const store = await create();
    await store.createRun(newRun());
    await store.openEscalation('run-1', escalation('esc-1'));
    const open = { ...escalation('esc-1'), status: 'open', answer: null, answeredBy: null, answeredAt: null };
    expect((await store.getRun('run-1'))?.escalations).toStrictEqual([open]);
    const answered = { ...open, status: 'answered', ...answer() };
    expect(await store.answerEscalation('run-1', 'esc-1', answer())).toStrictEqual(answered);
    const error = await rejectionOf(store.answerEscalation('run-1', 'esc-1', answer({ answeredBy: 'http', answer: { code: 'other' } })));
    expect(error).toBeInstanceOf(EscalationAnsweredError);
    expect(error).toMatchObject({
      code: 'escalation_already_answered', runId: 'run-1', escalationId: 'esc-1', answeredBy: 'cli', answeredAt: 1_760_000_040_000,
    });
    expect((await store.getRun('run-1'))?.escalations).toStrictEqual([answered]);
    // A null answer is an answer; it reads back as null, not as "still open".
    await store.openEscalation('run-1', escalation('esc-2', { kind: 'decomposition', context: undefined }));
    expect(await store.answerEscalation('run-1', 'esc-2', answer({ answer: null }))).toMatchObject({ status: 'answered', answer: null });
    expect((await store.getRun('run-1'))?.escalations[1]).toStrictEqual({
      ...escalation('esc-2', { kind: 'decomposition', context: undefined }), status: 'answered', ...answer({ answer: null }),
    });
  });

  it('lets exactly one of two concurrent answers win', async () => {
    const store = await create();
    await store.createRun(newRun());
    await store.openEscalation('run-1', escalation('esc-1'));
    const results = await Promise.allSettled([
      store.answerEscalation('run-1', 'esc-1', answer({ answeredBy: 'first' })),
      store.answerEscalation('run-1', 'esc-1', answer({ answeredBy: 'second' })),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(EscalationAnsweredError);
    const winner = (won[0] as PromiseFulfilledResult<{ answeredBy: string | null }>).value.answeredBy;
    expect((await store.getRun('run-1'))?.escalations[0]?.answeredBy).toBe(winner);
  });

  it('tells an unknown escalation (escalation_not_found) from an unknown run (run_not_found)', async () => {
    const store = await create();
    await store.createRun(newRun());
    await store.createRun(newRun({ id: 'run-2' }));
    await store.openEscalation('run-2', escalation('esc-1'));
    const missing = await rejectionOf(store.answerEscalation('run-1', 'esc-1', answer()));
    expect(missing).toBeInstanceOf(EscalationNotFoundError);
    expect(missing).toMatchObject({ code: 'escalation_not_found', runId: 'run-1', escalationId: 'esc-1' });
    const noRun = await rejectionOf(store.answerEscalation('nope', 'esc-1', answer()));
    expect(noRun).toBeInstanceOf(RunNotFoundError);
    expect(noRun).toMatchObject({ code: 'run_not_found', runId: 'nope' });
    // The escalation of run-2 is untouched.
    expect((await store.listEscalations({ runId: 'run-2' }))[0]?.status).toBe('open');
  });

  it('lists escalations oldest first across runs (ties in recording order), filtered by run and status', async () => {
    const store = await create();
    await store.createRun(newRun({ id: 'a' }));
    await store.createRun(newRun({ id: 'b' }));
    await store.openEscalation('a', escalation('esc-late', { createdAt: 300 }));
    await store.openEscalation('b', escalation('esc-1', { createdAt: 100 }));
    await store.openEscalation('a', escalation('esc-tie-1', { createdAt: 200 }));
    await store.openEscalation('b', escalation('esc-tie-2', { createdAt: 200 }));
    await store.openEscalation('a', escalation('esc-1', { createdAt: 50 }));
    await store.answerEscalation('a', 'esc-tie-1', answer());
    await store.answerEscalation('b', 'esc-1', answer());
    const ids = (list: readonly { runId: string; escalationId: string }[]): string[] => list.map((e) => `${e.runId}/${e.escalationId}`);
    expect(ids(await store.listEscalations())).toEqual(['a/esc-1', 'b/esc-1', 'a/esc-tie-1', 'b/esc-tie-2', 'a/esc-late']);
    expect(ids(await store.listEscalations({}))).toEqual(ids(await store.listEscalations()));
    expect(ids(await store.listEscalations({ runId: 'a' }))).toEqual(['a/esc-1', 'a/esc-tie-1', 'a/esc-late']);
    expect(ids(await store.listEscalations({ status: 'open' }))).toEqual(['a/esc-1', 'b/esc-tie-2', 'a/esc-late']);
    expect(ids(await store.listEscalations({ status: 'answered' }))).toEqual(['b/esc-1', 'a/esc-tie-1']);
    expect(ids(await store.listEscalations({ runId: 'b', status: 'open' }))).toEqual(['b/esc-tie-2']);
    expect(await store.listEscalations({ runId: 'nope' })).toEqual([]);
    expect((await store.getRun('a'))?.escalations.map((e) => e.escalationId)).toEqual(['esc-1', 'esc-tie-1', 'esc-late']);
    const [first] = await store.listEscalations({ status: 'answered' });
    expect(first).toStrictEqual({ runId: 'b', ...escalation('esc-1', { createdAt: 100 }), status: 'answered', ...answer() });
  });

  it('round-trips paused through finishRun and listRuns; reopenRun sets the run running again', async () => {
    const store = await create();
    await store.createRun(newRun());
    await store.finishRun('run-1', { status: 'paused', finishedAt: 1_760_000_050_000, summary: { reason: 'budget' } });
    expect(await store.getRun('run-1')).toMatchObject({ status: 'paused', finishedAt: 1_760_000_050_000, summary: { reason: 'budget' } });
    expect((await store.listRuns())[0]).toMatchObject({ id: 'run-1', status: 'paused', finishedAt: 1_760_000_050_000 });
    await store.reopenRun('run-1');
    // The last summary stays until the run is finished again.
    expect(await store.getRun('run-1')).toMatchObject({ status: 'running', finishedAt: null, summary: { reason: 'budget' } });
    expect((await store.listRuns())[0]).toMatchObject({ status: 'running', finishedAt: null });
    await store.reopenRun('run-1'); // a running run stays running
    await store.finishRun('run-1', { status: 'completed', finishedAt: 1_760_000_060_000, summary: { done: true } });
    await store.reopenRun('run-1');
    expect(await store.getRun('run-1')).toMatchObject({ status: 'running', finishedAt: null, summary: { done: true } });
    const error = await rejectionOf(store.reopenRun('nope'));
    expect(error).toBeInstanceOf(RunNotFoundError);
    expect(error).toMatchObject({ code: 'run_not_found', runId: 'nope' });
  });

  it('rejects invalid build inputs with invalid_argument naming the field, and stores nothing', async () => {
    const store = await create();
    await store.createRun(newRun());
    await store.openEscalation('run-1', escalation('esc-1'));
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['checkpoint.kind', () => store.recordCheckpoint('run-1', checkpoint(''))],
      ['checkpoint.body', () => store.recordCheckpoint('run-1', checkpoint('k', { body: { n: 1n } }))],
      ['checkpoint.body', () => store.recordCheckpoint('run-1', checkpoint('k', { body: () => 1 }))],
      ['checkpoint.createdAt', () => store.recordCheckpoint('run-1', checkpoint('k', { createdAt: Number.NaN }))],
      ['checkpoint.extra', () => store.recordCheckpoint('run-1', { ...checkpoint(), extra: 1 } as never)],
      ['runId', () => store.recordCheckpoint('', checkpoint())],
      ['escalation.escalationId', () => store.openEscalation('run-1', escalation(''))],
      ['escalation.taskId', () => store.openEscalation('run-1', escalation('esc-2', { taskId: '' }))],
      ['escalation.kind', () => store.openEscalation('run-1', escalation('esc-2', { kind: 'tests' as never }))],
      ['escalation.question', () => store.openEscalation('run-1', escalation('esc-2', { question: 7 as never }))],
      ['escalation.context', () => store.openEscalation('run-1', escalation('esc-2', { context: { n: 1n } }))],
      ['escalation.status', () => store.openEscalation('run-1', { ...escalation('esc-2'), status: 'open' } as never)],
      ['escalationId', () => store.answerEscalation('run-1', '', answer())],
      ['answer.answer', () => store.answerEscalation('run-1', 'esc-1', answer({ answer: undefined }))],
      ['answer.answer', () => store.answerEscalation('run-1', 'esc-1', answer({ answer: { n: 1n } }))],
      ['answer.answeredBy', () => store.answerEscalation('run-1', 'esc-1', answer({ answeredBy: '' }))],
      ['answer.answeredAt', () => store.answerEscalation('run-1', 'esc-1', answer({ answeredAt: '1' as never }))],
      ['filter.status', () => store.listEscalations({ status: 'closed' as never })],
      ['filter.runId', () => store.listEscalations({ runId: '' })],
      ['filter.extra', () => store.listEscalations({ extra: true } as never)],
      ['runId', () => store.reopenRun('')],
      ['end.status', () => store.finishRun('run-1', { status: 'resumed' as never, finishedAt: 1, summary: {} })],
    ];
    for (const [parameter, call] of cases) {
      expect(await rejectionOf(call()), parameter).toMatchObject({ code: 'invalid_argument', parameter });
    }
    const run = await store.getRun('run-1');
    expect(run?.checkpoints).toEqual([]);
    expect(run?.status).toBe('running');
    expect(run?.escalations.map((e) => [e.escalationId, e.status])).toEqual([['esc-1', 'open']]);
    // The rejected escalation did not reserve its id.
    await store.openEscalation('run-1', escalation('esc-2'));
  });

  it('keeps stored checkpoints and escalations apart from caller objects', async () => {
    const store = await create();
    await store.createRun(newRun());
    const body = { list: [1, 2] };
    await store.recordCheckpoint('run-1', checkpoint('k', { body }));
    body.list.push(3);
    const context = { files: ['a.ts'] };
    await store.openEscalation('run-1', escalation('esc-1', { context }));
    context.files.push('b.ts');
    const reply = { code: 'x' };
    const returned = await store.answerEscalation('run-1', 'esc-1', answer({ answer: reply }));
    reply.code = 'changed';
    (returned.answer as { code: string }).code = 'changed too';
    const [listed] = await store.listEscalations();
    (listed?.context as { files: string[] }).files.push('c.ts');
    const run = await store.getRun('run-1');
    expect(run?.checkpoints[0]?.body).toEqual({ list: [1, 2] });
    expect(run?.escalations[0]).toMatchObject({ context: { files: ['a.ts'] }, answer: { code: 'x' } });
  });
}
