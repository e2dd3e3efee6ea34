/**
 * The batch processor and the scheduler end to end (issue 15): a real redis-server, one `zerr worker`, one `zerr serve
 * --redis`; `zerr batch submit` queues two specs, the server takes them, `zerr batch status` shows their runs and
 * results; `zerr schedule add` makes a run every 2 s until `zerr schedule remove`; the server's `/v1/queues` and
 * `/metrics` show the queues.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { runCommand } from '../helpers/run-command.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ZERR = join(ROOT, 'bin', 'zerr.js');
const MODEL = `replay:${join(ROOT, 'test', 'fixtures', 'specify', 'largest-even.coder.replay.jsonl')}`;
const LARGEST_EVEN = join(ROOT, 'test', 'fixtures', 'specify', 'largest-even.yaml');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml'); // the replay has no answer for it

let redis: RedisServer;
let dir: string;
let port: number;
let metricsPort: number;
const children: ChildProcess[] = [];

const zerr = async (args: readonly string[]) => {
  // --redis before a `--` (after it come the scheduled command's own arguments).
  const at = args.includes('--') ? args.indexOf('--') : args.length;
  const result = await runCommand(process.execPath, [ZERR, ...args.slice(0, at), '--redis', redis.url, ...args.slice(at)], { cwd: dir, timeoutMs: 60_000 });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
};

interface JobView { jobId: string; state: string; runId: string | null; result: string | null; source: string | null }
const status = async (batchId?: string): Promise<JobView[]> =>
  (JSON.parse(await zerr(['batch', 'status', ...(batchId === undefined ? [] : [batchId]), '--json'])) as { jobs: JobView[] }).jobs;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 500));
  }
}

beforeAll(async () => {
  redis = await startRedisServer();
  dir = await mkdtemp(join(tmpdir(), 'zerr-batch-'));
  port = await freePort();
  metricsPort = await freePort();
  children.push(spawn(process.execPath, [ZERR, 'worker', '--redis', redis.url, '--model', MODEL, '--json', '--metrics-port', String(metricsPort)], { cwd: dir, stdio: 'ignore' }));
  const serve = spawn(process.execPath, [ZERR, 'serve', '--redis', redis.url, '--model', MODEL, '--no-auth', '--port', String(port), '--store', join(dir, 'runs.sqlite')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(serve);
  let output = '';
  serve.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  serve.stderr.on('data', () => undefined);
  await until('zerr serve to listen', () => Promise.resolve(output.includes('listening on') ? true : undefined), 60_000);
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('zerr batch and zerr schedule with zerr serve --redis', () => {
  it('a batch of two specs is run by the server; status gives each job\'s run and result', async () => {
    const submitted = JSON.parse(await zerr(['batch', 'submit', LARGEST_EVEN, CLAMP, '--priority', '2', '--k', '2', '--json'])) as { batchId: string; jobIds: string[] };
    expect(submitted.jobIds).toHaveLength(2);
    const jobs = await until('the batch to finish', async () => {
      const listed = await status(submitted.batchId);
      return listed.every((job) => job.state === 'completed') ? listed : undefined;
    });
    expect(jobs.map((job) => [job.source, job.result])).toEqual([['largest-even.yaml', 'completed: consensus'], ['clamp.yaml', 'completed: no-consensus']]);
    const run = await (await fetch(`http://127.0.0.1:${port}/v1/runs/${jobs[0]?.runId ?? ''}`)).json() as { status: string; tasks: { taskId: string; decision: { outcome: string } | null }[] };
    expect(run).toMatchObject({ status: 'completed', tasks: [{ taskId: 'largestEven', decision: { outcome: 'consensus' } }] });
    const table = await zerr(['batch', 'status', submitted.batchId]);
    expect(table).toMatch(/largest-even\.yaml\s+2\s+completed\s+run-\S+\s+completed: consensus/);
    // The worker's own metrics (--metrics-port): the code samples it completed, and its process.
    const scraped = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(Number(/^worker_jobs_total\{kind="code",outcome="completed"\} (\d+)$/m.exec(scraped)?.[1])).toBeGreaterThan(0);
    expect(scraped).toMatch(/^worker_jobs_in_hand \d+$/m);
    expect(scraped).toContain('process_resident_memory_bytes');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(200);
  }, 180_000);

  it('POST /v1/runs on zerr serve --redis: the run waits in the cluster\'s run queue, is taken by a server, and is followed as any run', async () => {
    const spec = parse(await readFile(LARGEST_EVEN, 'utf8')) as Record<string, unknown>;
    const response = await fetch(`http://127.0.0.1:${port}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'solve', spec, k: 2 }) });
    expect(response.status).toBe(202);
    const { runId } = await response.json() as { runId: string };
    // Its events, followed from the moment it was accepted, end with the run.
    const events = await (await fetch(`http://127.0.0.1:${port}/v1/runs/${runId}/events`)).text();
    expect(events).toContain('"type":"run-end"');
    const run = await until('the run to complete', async () => {
      const view = await (await fetch(`http://127.0.0.1:${port}/v1/runs/${runId}`)).json() as { status: string; tasks: { decision: { outcome: string } | null }[] };
      return view.status === 'completed' ? view : undefined;
    });
    expect(run.tasks).toMatchObject([{ decision: { outcome: 'consensus' } }]);
    // It went through Redis: the run queue lists it under its own id, with the server's result.
    const job = (await status()).find((each) => each.runId === runId);
    expect(job).toMatchObject({ jobId: `submitted-${runId}`, source: 'POST /v1/runs', runId, state: 'completed', result: 'completed: consensus' });
  }, 180_000);

  it('a schedule makes a run each time it fires, until it is removed; the server shows the queues', async () => {
    const added = JSON.parse(await zerr(['schedule', 'add', '--cron', '*/2 * * * * *', '--id', 'every-2s', '--json', '--', 'solve', LARGEST_EVEN, '--k', '2'])) as { id: string; next: number };
    expect(added.id).toBe('every-2s');
    expect(JSON.parse(await zerr(['schedule', 'list', '--json']))).toEqual([expect.objectContaining({ id: 'every-2s', cron: '*/2 * * * * *', source: 'largest-even.yaml' })]);
    const done = await until('two scheduled runs', async () => {
      const scheduled = (await status()).filter((job) => job.jobId.startsWith('repeat:every-2s:') && job.state === 'completed');
      return scheduled.length >= 2 ? scheduled : undefined;
    });
    expect(done.every((job) => job.result === 'completed: consensus' && job.runId !== null)).toBe(true);
    await zerr(['schedule', 'remove', 'every-2s']);
    expect(JSON.parse(await zerr(['schedule', 'list', '--json']))).toEqual([]);
    const queues = await (await fetch(`http://127.0.0.1:${port}/v1/queues`)).json() as { samples: { completed: number }; runs: { completed: number }; schedules: unknown[] };
    expect(queues.runs.completed).toBeGreaterThanOrEqual(4);
    expect(queues.samples.completed).toBeGreaterThan(0);
    expect(queues.schedules).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/queue_jobs\{queue="runs",state="completed"\} [4-9]/);

    // The dashboard shows the queues (Debian's Chromium through playwright-core).
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByTestId('key-input').fill('no-auth');
      await page.getByTestId('key-save').click();
      await page.getByTestId('queue-row-runs').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('queue-runs-active').textContent()).toBe('0');
      expect(await page.getByTestId('queue-row-samples').textContent()).toMatch(/^samples\d+\d+\d+\d+$/);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('a Redis that cannot be reached is one clear line and exit 8, before any model loads', async () => {
    for (const args of [
      ['solve', LARGEST_EVEN, '--model', MODEL, '--redis', 'redis://127.0.0.1:1', '--store', join(dir, 'unreachable.sqlite')],
      ['worker', '--model', MODEL, '--redis', 'redis://127.0.0.1:1'],
      ['batch', 'status', '--redis', 'redis://127.0.0.1:1'],
    ]) {
      const result = await runCommand(process.execPath, [ZERR, ...args], { cwd: dir, timeoutMs: 60_000 });
      expect(result.code, args[0]).toBe(8);
      expect(result.stderr).toMatch(/the queue at redis:\/\/127\.0\.0\.1:1\/? is unavailable \(ping\): connect ECONNREFUSED/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  }, 120_000);
});
