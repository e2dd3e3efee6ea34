/**
 * Fault injection against `zerr solve` (issue 13 #3 and #6): the built CLI in a child process, the real sandbox, and
 * a fake OpenAI-compatible server (node:http, 127.0.0.1, here in the test) whose answers are hand-written `clamp`
 * implementations (labelled as such: not a model's output). The server fails on a fixed schedule:
 *
 * - 30% of requests: HTTP 500, HTTP 429 with `Retry-After: 1`, or a hung request (never answered). The solve still
 *   reaches consensus; every fault was retried; a 429's retry came at least 1 s later (timestamps at the server);
 *   a hung request was aborted by the per-call timeout (the server saw its socket close at the limit) and retried.
 * - 100% of requests (500 / 429): exit 4 (model unavailable) in seconds, no sample recorded, the failed calls
 *   recorded with their causes. A server answering `content: null` every time: exit 4 too, not empty samples.
 * - Cost: a model priced in its URI records each answer's cost; `--max-cost-usd` pauses the run (exit 6) and
 *   `zerr resume --max-cost-usd` finishes it; `--max-cost-usd` with an unpriced model is bad input (exit 3).
 *
 * The figures (calls, retries, outcome; exit code and wall time) are printed as `fault-injection:` lines.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryStore, runZerr, type ZerrResult } from '../fixtures/cli/run-zerr.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const GOOD = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n';
/** Passes the visible tests (all with high 10) but not the generated inputs: a second equivalence class. */
const OVERFIT = 'function clamp(x: number, low: number, high: number): number {\n  if (high === 10) return Math.min(Math.max(x, low), high);\n  return x;\n}\n';
const TIMEOUT_MS = 1500;
const RETRY_AFTER_S = 1;

type Fault = 'none' | 'http-500' | 'http-429' | 'hang' | 'empty';

/** One request the fake server received. */
interface Seen {
  readonly n: number;
  readonly at: number;
  /** The request's `seed` (the engine sends 42 + sample index): an attempt and its retries share it. */
  readonly seed: number;
  readonly fault: Fault;
  /** When the client closed a hung request's socket (the per-call timeout aborting it). */
  closedAt?: number;
}

interface FakeServer {
  readonly baseURL: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

/** A fake OpenAI-compatible chat server; `faultOf(n)` picks what request number n (0-based) gets. */
async function startServer(faultOf: (n: number) => Fault): Promise<FakeServer> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { seed?: number };
      const seed = body.seed ?? -1;
      const record: Seen = { n: seen.length, at: Date.now(), seed, fault: faultOf(seen.length) };
      seen.push(record);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      switch (record.fault) {
        case 'hang':
          res.on('close', () => { record.closedAt = Date.now(); });
          return;
        case 'http-500':
          return send(500, { error: { message: 'injected fault', type: 'server_error', code: null } });
        case 'http-429':
          return send(429, { error: { message: 'slow down', type: 'rate_limit', code: null } }, { 'retry-after': String(RETRY_AFTER_S) });
        default: {
          // Hand-written answers: sample index i = seed - 42; every third one overfits, so the vote needs several rounds.
          const code = (seed - 42) % 3 === 2 ? OVERFIT : GOOD;
          const content = record.fault === 'empty' ? null : `Here is the function.\n\n\`\`\`typescript\n${code}\`\`\`\n`;
          return send(200, {
            id: `chatcmpl-${record.n}`, object: 'chat.completion', created: 0, model: 'fake-coder',
            choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 },
          });
        }
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

let work: string;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-faults-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function zerr(args: readonly string[], store: string): Promise<ZerrResult> {
  return runZerr(args, { cwd: work, env: { ...process.env, ZERR_STORE: store, CI: '1', ZERR_MODEL: '' } });
}

const solveArgs = (baseURL: string, out: string, extra: readonly string[] = []): string[] => [
  'solve', CLAMP, '--model', `openai:fake-coder?baseURL=${baseURL}`, '--k', '5', '--max-samples', '20', '--parallelism', '2',
  '--model-timeout-ms', String(TIMEOUT_MS), '--out', join(work, out), '--json', ...extra,
];

/** Requests after `request` that carry its seed (its call's next attempt, or a redraw of its sample index). */
const nextWithSeed = (seen: readonly Seen[], request: Seen): Seen | undefined => seen.find((s) => s.n > request.n && s.seed === request.seed);

describe('zerr solve against a faulty OpenAI-compatible server', () => {
  it('30% faults (500, 429 Retry-After, hung call): retried, Retry-After honoured, hang ended by the timeout; consensus', async () => {
    // Requests 1, 4, 7 of every 10 fail: 500, 429, hang (30%).
    const server = await startServer((n) => (['none', 'http-500', 'none', 'none', 'http-429', 'none', 'none', 'hang', 'none', 'none'] as const)[n % 10] ?? 'none');
    const store = join(work, 'faults-30.sqlite');
    try {
      const run = await zerr(solveArgs(server.baseURL, 'out-30'), store);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { outcome: string; samples: number; failedCalls: number; retries: number; failedCallsByCause: Record<string, number> };
      const faults = server.seen.filter((s) => s.fault !== 'none');
      const byKind = (kind: Fault): Seen[] => server.seen.filter((s) => s.fault === kind);
      expect(report.outcome).toBe('consensus');
      expect(faults.length).toBeGreaterThanOrEqual(3);
      expect(byKind('hang').length).toBeGreaterThanOrEqual(1);
      expect(byKind('http-429').length).toBeGreaterThanOrEqual(1);
      // Every answered request is one sample; every fault was retried (a retry or a redraw of its index followed it).
      expect(report.samples).toBe(server.seen.length - faults.length);
      expect(report.retries + report.failedCalls).toBe(faults.length);
      for (const fault of faults) expect(nextWithSeed(server.seen, fault), `request ${fault.n} (${fault.fault}) was not retried`).toBeDefined();
      // Retry-After: 1 honoured, by the server's clock.
      for (const limited of byKind('http-429')) {
        const retry = nextWithSeed(server.seen, limited);
        expect((retry?.at ?? 0) - limited.at, `retry of request ${limited.n}`).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 20);
      }
      // The hung call was aborted (its socket closed) at the per-call timeout, then retried.
      for (const hung of byKind('hang')) {
        expect(hung.closedAt, `hung request ${hung.n} was never aborted`).toBeDefined();
        // The client's timer starts before the request reaches the server (SDK load on the first call, connect):
        // the server sees the close a little under the limit after arrival, never long after it.
        expect((hung.closedAt ?? 0) - hung.at).toBeGreaterThanOrEqual(TIMEOUT_MS - 600);
        expect((hung.closedAt ?? 0) - hung.at).toBeLessThan(TIMEOUT_MS + 2_000);
        expect(nextWithSeed(server.seen, hung)?.at ?? 0).toBeGreaterThanOrEqual(hung.closedAt ?? Infinity);
      }
      // The store: answers as samples, no call failure (every fault was retried into an answer) or their causes.
      expect(queryStore<{ n: number }>(store, 'SELECT count(*) AS n FROM samples')[0]?.n).toBe(report.samples);
      expect(queryStore<{ n: number }>(store, 'SELECT count(*) AS n FROM call_failures')[0]?.n).toBe(report.failedCalls);
      console.log(`fault-injection: 30% faults: ${server.seen.length} HTTP requests, ${faults.length} faulted (500: ${byKind('http-500').length}, 429 Retry-After ${RETRY_AFTER_S} s: ${byKind('http-429').length}, hung: ${byKind('hang').length}); ` +
        `${report.retries} retries, ${report.failedCalls} calls without an answer; ${report.samples} samples; outcome ${report.outcome}, exit ${run.code}, ${run.wallMs} ms wall; ` +
        `429 retry gaps ${byKind('http-429').map((l) => `${(nextWithSeed(server.seen, l)?.at ?? 0) - l.at} ms`).join(', ')}; ` +
        `hung calls aborted after ${byKind('hang').map((h) => `${(h.closedAt ?? 0) - h.at} ms`).join(', ')} (timeout ${TIMEOUT_MS} ms)`);
    } finally {
      await server.close();
    }
  }, 240_000);

  it('100% faults: exit 4 (model unavailable) in seconds, no sample, the failed calls recorded with their causes', async () => {
    const server = await startServer((n) => (n % 2 === 0 ? 'http-500' : 'http-429'));
    const store = join(work, 'faults-100.sqlite');
    try {
      const run = await zerr(solveArgs(server.baseURL, 'out-100'), store);
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toMatch(/calls in a row gave no answer \(http_\d{3} \d+/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stdout).not.toMatch(/samples 20\/20/);
      const failures = queryStore<{ code: string; status_code: number; attempts: number }>(store, 'SELECT code, status_code, attempts FROM call_failures');
      expect(queryStore<{ n: number }>(store, 'SELECT count(*) AS n FROM samples')[0]?.n).toBe(0);
      expect(failures.length).toBeGreaterThanOrEqual(5);
      // Each failed call made 4 attempts (3 retries) before it counted as failed.
      expect(failures.every((f) => f.attempts === 4 && f.code === 'model_call_failed')).toBe(true);
      expect(server.seen.length).toBe(failures.reduce((sum, f) => sum + f.attempts, 0));
      expect(queryStore<{ status: string }>(store, 'SELECT status FROM runs')[0]?.status).toBe('failed');
      expect(run.wallMs).toBeLessThan(60_000);
      // `runs show` tells the failed calls apart from samples, with their causes and attempts.
      const shown = await zerr(['runs', 'show', 'latest', '--samples'], store);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(new RegExp(`model calls without an answer ${failures.length} \\(not samples\\), by cause \\{"model_call_failed http \\d{3}":\\d+.*\\}, attempts ${failures.length * 4}`));
      expect(shown.stdout).toMatch(/call for #0 without an answer after 4 attempt\(s\): model_call_failed \(http (500|429)\)/);
      console.log(`fault-injection: 100% faults (500/429): exit ${run.code} in ${run.wallMs} ms wall; ${server.seen.length} HTTP requests, ` +
        `${failures.length} calls without an answer (4 attempts each), 0 samples; stderr: ${run.stderr.trim().split('\n').at(-1) ?? ''}`);
    } finally {
      await server.close();
    }
  }, 240_000);

  it('content: null every time is model unavailable (exit 4), not empty samples', async () => {
    const server = await startServer(() => 'empty');
    const store = join(work, 'empty.sqlite');
    try {
      const run = await zerr(solveArgs(server.baseURL, 'out-empty'), store);
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toMatch(/model_empty_answer/);
      expect(queryStore<{ n: number }>(store, 'SELECT count(*) AS n FROM samples')[0]?.n).toBe(0);
      // Not retried (the same request gets the same empty answer): one request per failed call.
      expect(server.seen.length).toBe(queryStore<{ n: number }>(store, 'SELECT count(*) AS n FROM call_failures')[0]?.n);
      console.log(`fault-injection: content null every time: exit ${run.code} in ${run.wallMs} ms wall, ${server.seen.length} requests, 0 samples`);
    } finally {
      await server.close();
    }
  }, 240_000);

  it('a priced model records each answer\'s cost; --max-cost-usd pauses the run (exit 6) and resume with a higher budget finishes it', async () => {
    const server = await startServer(() => 'none');
    const store = join(work, 'cost.sqlite');
    try {
      const priced = `openai:fake-coder?baseURL=${server.baseURL}&inputUsdPerMTok=1&outputUsdPerMTok=2`;
      const args = ['solve', CLAMP, '--model', priced, '--k', '4', '--max-samples', '16', '--parallelism', '2', '--out', join(work, 'out-cost')];
      // 1000 prompt + 100 completion tokens at $1/$2 per million: $0.0012 per answer; the budget allows 2 of them.
      const paused = await zerr([...args, '--max-cost-usd', '0.0024'], store);
      expect(paused.code, paused.stderr).toBe(6);
      expect(paused.stderr).toMatch(/budget maxCostUsd reached/);
      expect(paused.stderr).toMatch(/--max-cost-usd/);
      const runId = /zerr resume (\S+)/.exec(paused.stderr)?.[1];
      expect(runId, paused.stderr).toBeDefined();
      const costs = queryStore<{ cost_usd: number }>(store, 'SELECT cost_usd FROM samples');
      expect(costs.length).toBeGreaterThanOrEqual(2);
      for (const { cost_usd } of costs) expect(cost_usd).toBeCloseTo(0.0012, 12);
      expect(queryStore<{ status: string }>(store, 'SELECT status FROM runs')[0]?.status).toBe('paused');

      const resumed = await zerr(['resume', runId ?? '', '--max-cost-usd', '1'], store);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/task clamp: consensus/);
      const total = queryStore<{ total: number }>(store, 'SELECT sum(cost_usd) AS total FROM samples')[0]?.total ?? 0;
      console.log(`fault-injection: cost: paused at $${costs.reduce((s, c) => s + c.cost_usd, 0).toFixed(4)} (budget $0.0024, exit 6); resumed to consensus at $${total.toFixed(4)}`);

      const unpriced = await zerr(['solve', CLAMP, '--model', `openai:fake-coder?baseURL=${server.baseURL}`, '--max-cost-usd', '1', '--out', join(work, 'out-unpriced')], store);
      expect(unpriced.code, unpriced.stderr).toBe(3);
      expect(unpriced.stderr).toMatch(/--max-cost-usd/);
      expect(unpriced.stderr).toMatch(/inputUsdPerMTok=/);
    } finally {
      await server.close();
    }
  }, 240_000);
});

describe('zerr estimate --spec against a faulty OpenAI-compatible server', () => {
  it('the pilot counts calls without an answer apart from samples, by cause, in --json and in the human summary', async () => {
    // Every fourth request fails with HTTP 500; with --model-retries 0 each is a call without an answer.
    const server = await startServer((n) => (n % 4 === 1 ? 'http-500' : 'none'));
    const store = join(work, 'estimate-faults.sqlite');
    const args = ['estimate', '--spec', CLAMP, '--model', `openai:fake-coder?baseURL=${server.baseURL}`, '--pilot-samples', '6', '--parallel', '1', '--model-retries', '0'];
    try {
      const run = await zerr([...args, '--json'], store);
      expect(run.code, run.stderr).toBe(0);
      const { pilot } = JSON.parse(run.stdout) as { pilot: { samples: number; failedCalls: number; failedCallsByCause: Record<string, number>; retries: number; validRate: number } };
      const faults = server.seen.filter((s) => s.fault === 'http-500').length;
      expect(faults).toBeGreaterThanOrEqual(1);
      expect(pilot).toMatchObject({ samples: 6, failedCalls: faults, failedCallsByCause: { http_500: faults }, retries: 0 });
      expect(server.seen.length).toBe(6 + faults);
      expect(pilot.validRate).toBe(1); // the failed calls are not samples: they do not lower the valid rate
      const human = await zerr(args, store);
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toMatch(/model calls: 6 answered, \d+ without an answer \(http_500 \d+\), 0 retries/);
    } finally {
      await server.close();
    }
  }, 240_000);
});
