/**
 * @module cli/commands/serve
 * `zerr serve`: the HTTP API (and the dashboard at `/`) on one engine: runs as resources, Server-Sent Events,
 * escalations, Prometheus metrics at `/metrics`. Requests need an API key (`zerr keys create`) unless `--no-auth`
 * is given. Builds a previous server left running are resumed. At most `--max-running-runs` runs work at once, up to
 * `--max-queued-runs` more wait (429 `run_queue_full` beyond). `SOURCE_DATE_EPOCH` (seconds) dates the commits of
 * the builds it runs, as `zerr build` does, so the same request gives the same commit shas; run records, events and
 * logs keep the real clock (they order and time what happened). A malformed value is refused (exit 3). SIGINT /
 * SIGTERM pause live builds cleanly (resumable), then close the server and the engine. With `--redis`, samples go to
 * `zerr worker` processes, and admission is cluster-wide: new runs wait in Redis for the first server of the cluster
 * with a free slot, with the runs of `zerr batch` and `zerr schedule`. The server edge is loaded only for this
 * command.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { chosenModel, chosenStorePath } from '../cli-config.js';
import { openEngine } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { integer, nonNegativeInt, positiveInt } from '../option-parsers.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';
import { readSourceDateEpoch } from '../source-date-epoch.js';

interface ServeOptions extends ModelCallFlags {
  model?: string;
  redis?: string;
  port: number;
  host: string;
  store?: string;
  outRoot: string;
  auth: boolean;
  keys?: string;
  unsafeNoSandbox?: boolean;
  waitForEscalations: number;
  rateLimit: number;
  authFailuresPerMinute: number;
  bodyLimit: number;
  bodyMaxDepth: number;
  maxRunningRuns?: number;
  maxQueuedRuns: number;
  logLevel?: string;
  trace: string;
}

/** Registers `serve` on `program`. */
export function registerServeCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(program
    .command('serve')
    .description('Serve the HTTP API and the dashboard: start runs, stream their events, answer escalations')
    .option('-m, --model <uri>', 'model URI every run uses (env ZERR_MODEL)')
    .option('-p, --port <n>', 'TCP port (0: any free port)', integer('--port'), 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--store <file>', 'run store (SQLite) path, default <project>/.zerr/runs.sqlite (env ZERR_STORE)')
    .option('--out-root <dir>', 'builds are written to <out-root>/<run-id>', 'zerr-runs')
    .option('--no-auth', 'accept requests without an API key (only on a trusted machine)')
    .option('--keys <file>', 'API key file, default api-keys.json beside the store (env ZERR_KEYS)')
    .option('--wait-for-escalations <ms>', 'builds waiting only on escalations wait this long for answers before pausing', integer('--wait-for-escalations'), 0)
    .option('--rate-limit <n>', 'requests per minute per API key', positiveInt('--rate-limit'), 120)
    .option('--auth-failures-per-minute <n>', 'failed authentications per client IP per minute before it gets 429 auth_rate_limited', positiveInt('--auth-failures-per-minute'), 10)
    .option('--body-limit <bytes>', 'largest request body (413 payload_too_large beyond)', positiveInt('--body-limit'), 1024 * 1024)
    .option('--body-max-depth <n>', 'deepest array/object nesting of a JSON body (400 body_too_deep beyond)', positiveInt('--body-max-depth'), 100)
    .option('--max-running-runs <n>', 'runs worked on at once; more wait in a queue (default: half the CPUs, 2 to 8)', positiveInt('--max-running-runs'))
    .option('--max-queued-runs <n>', 'runs that may wait for a slot (with --redis: in the whole cluster\'s queue); beyond, POST /v1/runs answers 429 run_queue_full with Retry-After', nonNegativeInt('--max-queued-runs'), 16)
    .option('--log-level <level>', 'JSON log lines on stderr with run/task ids: trace, debug, info, warn, error, silent (env ZERR_LOG_LEVEL)')
    .option('--trace <exporter>', 'OpenTelemetry spans run -> task -> sample -> verify layer: none or console', 'none')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--redis <url>', 'scale-out through this Redis (env ZERR_REDIS): samples of every run go to zerr worker processes, new runs wait in the cluster\'s run queue for any server\'s free slot; queue counts on /metrics as queue_jobs', process.env['ZERR_REDIS']))
    .action(async (options: ServeOptions) => {
      const model = await chosenModel(options.model);
      if (model === undefined) {
        process.stderr.write('zerr serve: no model given. Pass --model (or set ZERR_MODEL, or routes.coder in zerr.config.yaml), e.g. --model llama-cpp:./model.gguf.\n');
        setExit(ExitCode.badInput);
        return;
      }
      const epoch = readSourceDateEpoch();
      if ('error' in epoch) {
        process.stderr.write(`zerr serve: ${epoch.error}.\n`);
        setExit(ExitCode.badInput);
        return;
      }
      const server = await import('../../server/index.js');
      const { consumeRunJobs, createLogger, createMetrics, createRunService, createTracing, logEngineEvents } = await loadEngineApi();
      const storePath = await chosenStorePath(options.store);
      const keys = options.auth ? new server.ApiKeyStore(server.resolveKeysPath({ cwd: process.cwd(), storePath, ...(options.keys === undefined ? {} : { path: options.keys }) })) : null;
      // A circuit breaker, so that a model that went away fails runs fast (and shows in circuit_breaker_state).
      const { engine, store, modelStack, router, queue } = await openEngine({
        model, store: storePath, unsafeNoSandbox: options.unsafeNoSandbox === true, circuitBreaker: true, ...modelCallOptionsOf(options),
        archetypes: ['decomposer', 'reviewer'],
        ...(options.redis === undefined || options.redis === '' ? {} : { redis: options.redis }),
      });
      const metrics = createMetrics();
      const logger = createLogger({ destination: process.stderr, ...(options.logLevel === undefined ? {} : { level: options.logLevel }) });
      const tracing = createTracing({ exporter: options.trace === 'console' ? 'console' : 'none' });
      const unsubscribers = [engine.on(metrics.onEvent), engine.on(logEngineEvents(logger)), engine.on(tracing.onEvent)];
      const unsubscribe = (): void => { for (const off of unsubscribers) off(); };
      if (modelStack.circuitBreaker !== undefined) metrics.observeCircuitBreaker(model, modelStack.circuitBreaker);
      if (router !== undefined) metrics.observeModelRouter(router);
      if (queue !== undefined) metrics.observeQueue('samples', async () => ({ ...(await queue.counts()) }));
      // --redis: new runs wait in Redis for the first server of the cluster with a free slot (cluster-wide admission),
      // with the runs queued by zerr batch and zerr schedule; this server takes them as its slots free up.
      const runQueue = options.redis === undefined || options.redis === '' ? undefined : new (await import('../../queue/index.js')).BullmqRunQueue({ url: options.redis });
      const service = createRunService({
        engine, store, outRoot: options.outRoot, escalationWaitMs: options.waitForEscalations, modelName: model, maxQueuedRuns: options.maxQueuedRuns,
        ...(options.maxRunningRuns === undefined ? {} : { maxRunningRuns: options.maxRunningRuns }),
        ...(epoch.ms === undefined ? {} : { commitEpochMs: epoch.ms }),
        ...(runQueue === undefined ? {} : { cluster: runQueue }),
        onBackgroundError: (error, runId) => { process.stderr.write(`zerr serve: run ${runId}: ${error instanceof Error ? error.message : String(error)}\n`); },
      });
      const stopConsuming = new AbortController();
      if (runQueue !== undefined) metrics.observeQueue('runs', async () => ({ ...(await runQueue.counts()) }));
      const consuming = runQueue === undefined ? Promise.resolve() : consumeRunJobs({
        source: runQueue, service, workerId: `serve:${process.pid}@${hostname()}`, signal: stopConsuming.signal,
        onEvent: (event) => { if (event.kind !== 'started' && event.kind !== 'finished') process.stderr.write(`zerr serve: run queue: ${event.jobId ?? ''} ${event.message}\n`); },
      });
      const app = server.createServer({
        ...(runQueue === undefined && queue === undefined ? {} : {
          queues: async () => ({
            ...(queue === undefined ? {} : { samples: await queue.counts() }),
            ...(runQueue === undefined ? {} : { runs: await runQueue.counts(), schedules: await runQueue.listSchedules() }),
          }),
        }),
        service, store, metrics, keys, rateLimitPerMinute: options.rateLimit,
        ...(router === undefined ? {} : { models: () => ({ route: router.route, models: router.stats() }) }), authFailuresPerMinute: options.authFailuresPerMinute,
        bodyLimitBytes: options.bodyLimit, bodyMaxDepth: options.bodyMaxDepth,
      });
      let stopping: Promise<void> | undefined;
      const stop = (): Promise<void> => (stopping ??= (async () => {
        try {
          stopConsuming.abort();
          await service.close();
          await consuming;
          await runQueue?.close();
        } finally {
          try {
            await app.close();
          } finally {
            unsubscribe();
            await tracing.shutdown();
            await engine.close();
          }
        }
      })());
      try {
        const address = await app.listen({ port: options.port, host: options.host });
        const resumed = await service.resumedInterrupted;
        const active = keys === null ? [] : (await keys.list()).filter((key) => key.revokedAt === null);
        process.stdout.write(`zerr serve: listening on ${address} (model ${model}, store ${storePath})\n`);
        process.stdout.write(keys === null
          ? 'zerr serve: authentication is DISABLED (--no-auth): anyone who can reach this address can start runs\n'
          : `zerr serve: API keys in ${keys.path}${active.length === 0 ? ' - none yet: create one with `zerr keys create --name <name>`' : ` (${active.length} active)`}\n`);
        const limits = service.status();
        process.stdout.write(`zerr serve: at most ${limits.maxRunningRuns} run(s) at once, ${limits.maxQueuedRuns} more queued\n`);
        if (epoch.ms !== undefined) process.stdout.write(`zerr serve: SOURCE_DATE_EPOCH=${epoch.ms / 1000}: build commits are dated from ${new Date(epoch.ms).toISOString()}\n`);
        if (resumed.length > 0) process.stdout.write(`zerr serve: resumed ${resumed.length} interrupted build(s): ${resumed.join(', ')}\n`);
      } catch (error) {
        await stop();
        throw error;
      }
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          process.stdout.write(`zerr serve: ${signal}: pausing live builds and closing\n`);
          void stop().finally(resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      setExit(ExitCode.ok);
    });
}
