/**
 * @module cli/commands/worker
 * `zerr worker --redis <url> [--concurrency N] --model <uri>`: a stateless worker of the scale-out. It takes sample
 * jobs of any run from the Redis queue (BullMQ): a code sample it draws from its model, red-flags and verifies in its
 * sandbox; a proposal sample (decomposer, specifier, reviewer) it draws from the model its routes give the archetype.
 * It returns the report; the process that owns the run (`zerr solve|build|serve --redis`) records it and votes. It
 * keeps nothing of its own: kill it at any moment and its jobs go to another worker when their lock lapses
 * (`--lock-ms`). A job of another protocol version or of a run no process owns is refused with its reason.
 *
 * One line per job on stderr (`--json`: one JSON object per line on stdout). `--metrics-port` serves the worker's
 * Prometheus metrics (`telemetry/worker-metrics.ts`) on `GET /metrics`. SIGINT / SIGTERM: stop taking jobs and
 * finish those in hand, then exit 0; a second signal drops them (their locks lapse). Exit 3 for a bad option, 4 when
 * the model cannot be loaded, 5 without a sandbox, 8 when Redis does not answer at start.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { chosenModel } from '../cli-config.js';
import { openEngine } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import type { WorkerMetrics } from '../../index.js';
import { ExitCode } from '../exit-codes.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';
import { integerIn, positiveInt } from '../option-parsers.js';

interface WorkerFlags extends ModelCallFlags {
  redis: string;
  model?: string;
  concurrency: number;
  lockMs: number;
  maxJobs?: number;
  pythonTypes?: boolean;
  unsafeNoSandbox?: boolean;
  metricsPort?: number;
  metricsHost: string;
  json?: boolean;
}

/**
 * Serves `GET /metrics` (Prometheus text) and `GET /health` on `host:port`.
 * @throws the listen error (EADDRINUSE, EACCES) with the address in its message.
 */
async function serveMetrics(metrics: WorkerMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      metrics.render().then((text) => { response.writeHead(200, { 'content-type': metrics.contentType }).end(text); },
        (error: unknown) => { response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error)); });
      return;
    }
    if (request.method === 'GET' && path === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics or /health\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => { reject(new Error(`cannot serve metrics on ${host}:${port}: ${error.code ?? error.message}`)); });
    server.listen(port, host, () => { resolve(); });
  });
  return server;
}

/** Registers `worker` on `program`. */
export function registerWorkerCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(program
    .command('worker')
    .description('Work as a stateless scale-out worker: draw, red-flag and verify code samples, and draw proposal samples, of any run from a Redis queue (the run\'s owner records and votes)')
    .requiredOption('--redis <url>', 'the queue\'s Redis: redis://[user:password@]host[:port][/db] (env ZERR_REDIS)', process.env['ZERR_REDIS'])
    .option('-m, --model <uri>', 'the model samples are drawn from (env ZERR_MODEL); the same model as the owners\' for equal results')
    .option('--concurrency <n>', 'jobs worked on at once', integerIn('--concurrency', 1, 256), 1)
    .option('--lock-ms <ms>', 'lock of a claimed job, renewed while it runs; a killed worker\'s jobs go to another after it lapses', integerIn('--lock-ms', 1_000, 3_600_000), 30_000)
    .option('--max-jobs <n>', 'exit after this many jobs (default: until stopped)', positiveInt('--max-jobs'))
    .option('--no-python-types', 'skip pyright type checking of Python candidates (1.5-4.5 s each)')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--metrics-port <port>', 'serve Prometheus metrics of this worker (jobs by kind and outcome, durations, process) on GET /metrics', integerIn('--metrics-port', 1, 65_535))
    .option('--metrics-host <host>', 'address the metrics are served on (0.0.0.0 in a container)', '127.0.0.1')
    .option('--json', 'one JSON line per job on stdout'))
    .action(async (flags: WorkerFlags) => {
      const model = await chosenModel(flags.model);
      if (model === undefined) {
        process.stderr.write('zerr worker: no model given. Pass --model (or set ZERR_MODEL, or routes.coder in zerr.config.yaml): workers draw the samples.\n');
        setExit(ExitCode.badInput);
        return;
      }
      const { engine } = await openEngine({
        model, command: 'zerr worker', inMemoryStore: true, redis: flags.redis, ...modelCallOptionsOf(flags),
        // Proposal samples are drawn with the model zerr.config.yaml routes their archetype to, as on the owner.
        archetypes: ['decomposer', 'specifier', 'reviewer'],
        unsafeNoSandbox: flags.unsafeNoSandbox === true, ...(flags.pythonTypes === undefined ? {} : { pythonTypes: flags.pythonTypes }),
        redisLockMs: flags.lockMs,
      });
      const workerId = `${hostname()}:${process.pid}`;
      const { createWorkerMetrics } = await loadEngineApi();
      const metrics = flags.metricsPort === undefined ? undefined : createWorkerMetrics();
      let metricsServer: Server | undefined;
      if (metrics !== undefined && flags.metricsPort !== undefined) {
        try {
          metricsServer = await serveMetrics(metrics, flags.metricsHost, flags.metricsPort);
        } catch (error) {
          process.stderr.write(`zerr worker: ${error instanceof Error ? error.message : String(error)}: choose another --metrics-port\n`);
          await engine.close();
          setExit(ExitCode.badInput);
          return;
        }
      }
      const stopClaiming = new AbortController();
      const dropJobs = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (!stopClaiming.signal.aborted) {
          process.stderr.write(`zerr worker: ${signal}: finishing the jobs in hand (again to drop them)\n`);
          stopClaiming.abort(new Error(`stopped (${signal})`));
        } else {
          dropJobs.abort(new Error(`stopped (${signal})`));
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const log = (line: Record<string, unknown>, text: string) => {
        if (flags.json === true) process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), workerId, ...line })}\n`);
        else process.stderr.write(`${text}\n`);
      };
      log({ event: 'started', redis: flags.redis.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'), concurrency: flags.concurrency, model, ...(flags.metricsPort === undefined ? {} : { metrics: `http://${flags.metricsHost}:${flags.metricsPort}/metrics` }) },
        `zerr worker ${workerId}: taking sample jobs (concurrency ${flags.concurrency}, model ${model})${flags.metricsPort === undefined ? '' : `; metrics on http://${flags.metricsHost}:${flags.metricsPort}/metrics`}; Ctrl-C stops`);
      try {
        const done = await engine.work({
          workerId, concurrency: flags.concurrency, signal: stopClaiming.signal, abortJobs: dropJobs.signal,
          ...(flags.maxJobs === undefined ? {} : { maxJobs: flags.maxJobs }),
          onJob: (outcome) => {
            metrics?.onJob(outcome);
            switch (outcome.kind) {
              case 'claimed': if (flags.json === true) log({ event: 'job', ...outcome }, ''); break;
              case 'completed': log({ event: 'job', ...outcome }, `${outcome.jobId}: ${outcome.verdict} in ${outcome.durationMs} ms${outcome.attempt > 1 ? ` (attempt ${outcome.attempt})` : ''}`); break;
              case 'refused': log({ event: 'job', ...outcome }, `${outcome.jobId}: refused (${outcome.code}): ${outcome.reason}`); break;
              case 'lost': log({ event: 'job', ...outcome }, `${outcome.jobId}: claim lost: ${outcome.reason}`); break;
              case 'error': log({ event: 'error', ...outcome }, `${outcome.jobId ?? 'queue'}: ${outcome.message}`); break;
            }
          },
        });
        log({ event: 'stopped', ...done }, `zerr worker ${workerId}: stopped after ${done.completed} job(s) completed, ${done.refused} refused`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        metricsServer?.close();
        await engine.close();
      }
    });
}
