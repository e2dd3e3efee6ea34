/**
 * A build on a queue (`zerr build --redis`) whose queue fails mid-build - Redis unreachable, a job refused by a worker
 * of another version - pauses: machinery, never a verdict and never a failed build. A resume without the queue
 * finishes it from what was recorded (hand-written replay script `test/fixtures/build`, real sandbox and git).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../engine.js';
import { createLanguageModel } from '../../llm/model-uri.js';
import { InProcessQueue } from '../../queue/in-process-queue.js';
import { BwrapSandbox } from '../../sandbox/index.js';
import { SqliteRunStore } from '../../store/sqlite/sqlite-run-store.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/build');
const MODEL = `replay:${join(FIXTURES, 'text-stats.replay.jsonl')}?seed=5`;

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'zerr-build-queue-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

describe('a build whose queue fails', () => {
  test('a refused job pauses the build (not failed); a resume without the queue completes it', async () => {
    const requirements = await readFile(join(FIXTURES, 'text-stats.requirements.md'), 'utf8');
    const storePath = join(work, 'runs.sqlite');
    const store = await SqliteRunStore.open({ path: storePath });
    const queue = new InProcessQueue({ lockMs: 5_000 });
    // A worker of another version: it refuses every job.
    const stop = new AbortController();
    const refuser = (async () => {
      while (!stop.signal.aborted) {
        const claim = await queue.claimJob({ workerId: 'old', waitMs: 200 }).catch(() => null);
        if (claim !== null) await queue.refuseJob(claim, { code: 'protocol_mismatch', reason: 'this worker speaks version 1' });
      }
    })();
    const owner = createEngine({ model: await createLanguageModel(MODEL), modelName: MODEL, store, sandbox: new BwrapSandbox(), queue });
    const outDir = join(work, 'text-stats');
    let runId: string | undefined;
    try {
      const error = await owner.build({ requirements, name: 'text-stats' }, { outDir }).then(() => undefined, (caught: unknown) => caught as Error);
      expect(error).toMatchObject({ code: 'sample_job_refused' });
      runId = (await store.listRuns({ limit: 1 }))[0]?.id ?? '';
      const run = await store.getRun(runId);
      expect(run).toMatchObject({ kind: 'build', status: 'paused' });
      expect(String(run?.summary?.['reason'])).toContain('this worker speaks version 1');
      // The decomposer's first proposal job was refused: nothing was decided.
      expect(run?.decisions).toEqual([]);
    } finally {
      stop.abort();
      await refuser;
      await owner.close();
    }

    const local = createEngine({ model: await createLanguageModel(MODEL), modelName: MODEL, store: await SqliteRunStore.open({ path: storePath }), sandbox: new BwrapSandbox() });
    try {
      if (runId === undefined) throw new Error('the paused build was not recorded');
      const resumed = await local.resumeBuild(runId);
      expect(resumed).toMatchObject({ runId, status: 'completed' });
    } finally {
      await local.close();
    }
  }, 300_000);
});
