/**
 * @module bench/auth-flood
 * What a flood of bad API keys costs a valid key's requests (issue 13 item 7): the real HTTP server on 127.0.0.1
 * with a real key file, 200 clients (each its own source address 127.0.x.y, so per-client limits see 200 clients)
 * sending 2 bad-key requests each, all at once, while one client with a valid key sends requests one after another.
 * Reports the valid key's latency (p50, p95) alone and under each flood, how the flood was answered, how long it
 * took and how many scrypt hashes it cost. Three floods: well-formed keys with unknown ids, wrong secrets of the
 * valid key's own id (the worst case: these must be hashed), and malformed strings.
 */
import { request, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import { ApiKeyStore, createServer } from '../src/server/index.js';
import type { Benchmark, BenchReport } from './lib/benchmark.js';

/** Flood kinds: which bad key client `c` sends as its request `r`. */
const FLOODS: Readonly<Record<string, (client: number, attempt: number, validId: string) => string>> = {
  'unknown ids': (client, attempt) => `zerr_${(client * 2 + attempt).toString(16).padStart(12, '0')}_${'x'.repeat(32)}`,
  'wrong secret of a live id': (client, attempt, validId) => `zerr_${validId}_${`${client}-${attempt}-`.padEnd(32, 'q')}`,
  'malformed': (client, attempt) => `Bearer-nonsense-${client}-${attempt}`,
};

interface Answer { readonly status: number; readonly ms: number }

/**
 * The flood's clients, in a worker thread: their connections and requests must not take the event loop the
 * server and the valid client use (separate machines would not). Plain JavaScript, evaluated as CommonJS.
 */
const FLOOD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { request } = require('node:http');
const started = performance.now();
Promise.all(workerData.requests.map(([key, localAddress]) => new Promise((resolve) => {
  const req = request({ host: '127.0.0.1', port: workerData.port, path: '/v1/runs?limit=1', localAddress, agent: false, headers: { authorization: 'Bearer ' + key } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', () => resolve(0));
  req.end();
}))).then((statuses) => parentPort.postMessage({ statuses, ms: performance.now() - started }));
`;

function floodFrom(port: number, requests: readonly (readonly [string, string])[]): Promise<{ statuses: number[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(FLOOD_WORKER, { eval: true, workerData: { port, requests } });
    worker.once('message', (message: { statuses: number[]; ms: number }) => { resolve(message); void worker.terminate(); });
    worker.once('error', reject);
  });
}

function get(port: number, key: string, localAddress: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/runs?limit=1', localAddress, agent: false, headers: { authorization: `Bearer ${key}` } }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);
};
const round = (ms: number): number => Math.round(ms * 10) / 10;

/** `count` sequential valid-key requests; their latencies, ms. */
async function probe(port: number, key: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) latencies.push((await get(port, key, '127.0.0.1')).ms);
  return latencies;
}

export const benchmark: Benchmark = {
  name: 'auth-flood',
  description: 'Latency of a valid API key while 200 clients send 400 bad keys at once (real HTTP server, real key file).',
  async run({ quick, log }): Promise<BenchReport> {
    const clients = quick ? 40 : 200;
    const perClient = 2;
    const probes = quick ? 10 : 40;
    const work = await mkdtemp(join(tmpdir(), 'zerr-auth-flood-'));
    let app: FastifyInstance | undefined;
    try {
      const keys = new ApiKeyStore(join(work, 'api-keys.json'));
      const { key, record } = await keys.create('bench');
      // The edge under test is authentication: the service behind it only lists (no runs).
      const service = { list: async () => [], status: () => ({ live: [], queued: [], maxRunningRuns: 1, maxQueuedRuns: 0, closed: false }) };
      app = createServer({ service: service as never, store: { listRuns: async () => [] }, keys, rateLimitPerMinute: 1_000_000, dashboard: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as { port: number }).port;
      await probe(port, key, 5); // warm: the valid key is verified once
      const alone = await probe(port, key, probes);
      log(`alone: p50 ${round(percentile(alone, 50))} ms`);
      const rows: (string | number)[][] = [['none', 0, '-', alone.length, round(percentile(alone, 50)), round(percentile(alone, 95)), '-', '-']];
      const figures: Record<string, unknown> = { validAlone: { p50: round(percentile(alone, 50)), p95: round(percentile(alone, 95)) } };
      let round_ = 0;
      for (const [kind, badKey] of Object.entries(FLOODS)) {
        round_ += 1;
        const hashesBefore = (keys as { hashCount?: number }).hashCount ?? Number.NaN;
        // Each round uses fresh source addresses, so an earlier round's failures do not block this one's clients.
        const flood = floodFrom(port, Array.from({ length: clients * perClient }, (_, index) => {
          const client = Math.floor(index / perClient);
          return [badKey(client, index % perClient, record.id), `127.${round_}.${client >> 8}.${(client & 255) + 1}`] as const;
        }));
        // A valid request every 50 ms (each on its own, not waiting for the one before), from the flood's start until
        // every flood request was answered: the latency a valid client sees while the flood lasts.
        let floodDone = false;
        void flood.then(() => { floodDone = true; });
        const pending: Promise<Answer>[] = [];
        while (!floodDone) {
          pending.push(get(port, key, '127.0.0.1'));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const during = (await Promise.all(pending)).map((answer) => answer.ms);
        const { statuses: answers, ms } = await flood;
        const hashes = ((keys as { hashCount?: number }).hashCount ?? Number.NaN) - hashesBefore;
        const statuses: Record<string, number> = {};
        for (const status of answers) statuses[status] = (statuses[status] ?? 0) + 1;
        log(`${kind}: valid p50 ${round(percentile(during, 50))} ms, flood ${Math.round(ms)} ms, ${JSON.stringify(statuses)}, hashes ${hashes}`);
        rows.push([kind, answers.length, JSON.stringify(statuses), during.length, round(percentile(during, 50)), round(percentile(during, 95)), Math.round(ms), Number.isNaN(hashes) ? 'n/a' : hashes]);
        figures[kind] = { validRequests: during.length, validP50: round(percentile(during, 50)), validP95: round(percentile(during, 95)), floodMs: Math.round(ms), statuses, hashes: Number.isNaN(hashes) ? null : hashes };
      }
      return {
        config: { clients, requestsPerClient: perClient, validProbes: probes, scrypt: 'N=2^14 r=8 p=1' },
        seeds: {},
        figures,
        tables: [{
          title: `Valid key latency under a bad-key flood (${clients} clients x ${perClient} requests at once)`,
          columns: ['flood', 'bad requests', 'answers', 'valid requests', 'valid p50 ms', 'valid p95 ms', 'flood answered in ms', 'scrypt hashes'],
          rows,
        }],
        notes: [
          'Each flood client sends from its own loopback address (127.r.x.y), as separate machines would; the flood runs in a worker thread, so its connections do not share the event loop of the server and the valid client.',
          'The valid key was verified before the floods (as a dashboard or CI client that already made a request).',
          'During a flood a valid-key request starts every 50 ms (open loop: none waits for another) until every flood request was answered; alone, valid requests go one after another.',
        ],
      };
    } finally {
      await app?.close();
      await rm(work, { recursive: true, force: true });
    }
  },
};
