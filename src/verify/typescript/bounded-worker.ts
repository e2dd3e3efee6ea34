/**
 * @module verify/typescript/bounded-worker
 * Runs analyses of candidate text (type checking, linting) in a long-lived `worker_threads` Worker with a heap limit,
 * one at a time, each under a wall-clock limit. A check that passes its limit gets the worker terminated and an
 * {@link AnalysisTimeoutError}; one that exhausts the heap an {@link AnalysisOutOfMemoryError}. Either way the engine's
 * own thread and heap are untouched, and the next check starts a fresh worker (lazily, on demand).
 *
 * The worker stays warm between checks (its caches - the parsed lib, ESLint's rules - live in it), so a normal check
 * costs only a message round trip on top of the analysis. It is `unref()`ed while idle, so it never keeps the process
 * alive, and held (`ref()`) while a check is in flight, so an awaited check is not cut short by the process exiting.
 *
 * Entry modules: in the built package the entry is a `.js` file next to this one (`dist/verify/...`) and runs as is.
 * From sources (vitest, `tsx`), `import.meta.url` is a `.ts` file; Node 20 cannot run TypeScript, so the worker first
 * registers tsx's loader (`tsx/esm/api`, a devDependency) and then imports the entry. See {@link siblingModule}.
 */
import { Worker } from 'node:worker_threads';
import { AnalysisOutOfMemoryError, AnalysisTimeoutError, AnalysisWorkerError } from './analysis-limit-error.js';
import type { WorkerReplyMessage, WorkerRequestMessage } from './bounded-worker-protocol.js';

/** Default heap limit of an analysis worker, in MiB (a warm type-check worker holds about 40-80 MiB, a lint worker about 100-150). */
export const DEFAULT_ANALYSIS_MEMORY_LIMIT_MB = 512;

/** Default limit on starting and warming up an analysis worker, in ms (typically 1-3 s). */
export const DEFAULT_ANALYSIS_START_TIMEOUT_MS = 60_000;

/** Options of {@link BoundedWorker}. Units are in the names. */
export interface BoundedWorkerOptions {
  /** The worker's entry module (it calls `serveBoundedWorker`); see {@link siblingModule}. */
  readonly entry: URL;
  /** What the worker does, for messages: `type check` -> `type check timed out after 5000 ms`. */
  readonly what: string;
  /** Heap limit of the worker (`resourceLimits.maxOldGenerationSizeMb`), in MiB. */
  readonly memoryLimitMb: number;
  /** Limit on starting and warming up a worker, in ms (not counted in any check's limit). */
  readonly startTimeoutMs: number;
}

/** Options of one {@link BoundedWorker.run}. */
export interface BoundedRunOptions {
  /** Wall-clock limit of this check, counted from when the worker receives it (not while queued), in ms. */
  readonly timeoutMs: number;
  /** Aborting terminates the worker when the check is in flight, or drops it from the queue. */
  readonly signal?: AbortSignal;
  /** What this run is, in its errors (`type check timed out ...`); default the worker's `what`. */
  readonly what?: string;
}

/**
 * What a type checker or linter sends its requests through: its own {@link BoundedWorker}, or its share of one
 * worker that does both (`SharedTypeScriptAnalysis`). `run`, `prestart` and `close` as {@link BoundedWorker}'s.
 */
export interface AnalysisChannel<Request, Response> {
  run(request: Request, options: BoundedRunOptions): Promise<Response>;
  prestart(): void;
  close(): Promise<void>;
}

/**
 * URL of the module `name` in the folder of `moduleUrl` (pass `import.meta.url`), with the same extension: `.js`
 * in the built package, `.ts` when running from sources.
 */
export function siblingModule(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith('.ts') ? '.ts' : '.js'}`, moduleUrl);
}

/**
 * Starts a worker on `entry`; a `.ts` entry through tsx's loader (sources only; the built package never gets here).
 * The worker gets no Node options of the process (`execArgv: []`): it needs none, and some break it
 * (`node --input-type=module -e ...` would make every worker fail to start).
 */
function spawnWorker(entry: URL, memoryLimitMb: number): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb }, execArgv: [] };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function isOutOfMemory(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * A warm worker that answers `Request`s with `Response`s within time and memory limits. Calls are queued and run
 * one at a time. Not for trusted work that must never be cut short: a check past its limit is lost.
 */
export class BoundedWorker<Request, Response> {
  readonly #options: BoundedWorkerOptions;
  #worker: Worker | undefined;
  #ready: Promise<Worker> | undefined;
  #nextId = 0;
  #busy = false;
  readonly #waiting: (() => void)[] = [];

  constructor(options: BoundedWorkerOptions) {
    this.#options = options;
  }

  /**
   * Runs one check. Starts (and warms up) a worker first when none is running.
   * @throws AnalysisTimeoutError (`analysis_timed_out`) after `timeoutMs`; AnalysisOutOfMemoryError
   * (`analysis_out_of_memory`) when the worker exceeds `memoryLimitMb`; AnalysisWorkerError (`analysis_worker_failed`,
   * `during: 'check'`) when the analysis threw or the worker died, `during: 'start'` when no worker could start;
   * the signal's reason when aborted.
   */
  async run(request: Request, options: BoundedRunOptions): Promise<Response> {
    options.signal?.throwIfAborted();
    await this.#turn(options.signal);
    try {
      const worker = await this.#started(options.signal);
      return await this.#send(worker, request, options);
    } finally {
      const next = this.#waiting.shift();
      if (next !== undefined) {
        next();
      } else {
        this.#busy = false;
        this.#worker?.unref();
      }
    }
  }

  /**
   * Starts and warms up the worker now, in the background, so that the first `run` does not wait for it (a command
   * that will check something can overlap the warm-up with its other start-up work). A failed start is forgotten;
   * the next `run` tries again and reports it. Does not keep the process alive.
   */
  prestart(): void {
    if (this.#ready !== undefined) return;
    void this.#started(undefined).then(
      () => {
        if (!this.#busy) this.#worker?.unref();
      },
      () => undefined,
    );
  }

  /** Terminates the worker (an in-flight check fails with AnalysisWorkerError); a later `run` starts a new one. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  /** Waits until no other check is in flight (FIFO). */
  #turn(signal: AbortSignal | undefined): Promise<void> {
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const go = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(go);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(go);
    });
  }

  /** The running worker, or a new one once it has posted `ready`. Held (`ref`) until the check ends. */
  async #started(signal: AbortSignal | undefined): Promise<Worker> {
    if (this.#ready === undefined) {
      const starting = this.#spawn();
      this.#ready = starting;
      // A failed start is forgotten (the next check tries again), and never goes unhandled: the caller that started
      // the worker may have stopped waiting.
      starting.catch(() => {
        if (this.#ready === starting) this.#ready = undefined;
      });
    }
    const ready = this.#ready;
    this.#worker?.ref();
    let worker: Worker;
    if (signal === undefined) {
      worker = await ready;
    } else {
      // An abort stops the wait, not the start: the warming worker is kept for later checks.
      let onAbort = (): void => undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        worker = await Promise.race([ready, aborted]);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    }
    // Closed (or died) between its start and now: start another rather than send to a dead worker.
    return this.#worker === worker ? worker : this.#started(signal);
  }

  #spawn(): Promise<Worker> {
    const { entry, what, memoryLimitMb, startTimeoutMs } = this.#options;
    let worker: Worker;
    try {
      worker = spawnWorker(entry, memoryLimitMb);
    } catch (cause) {
      return Promise.reject(new AnalysisWorkerError(`the ${what} worker could not start: ${String(cause)}`, { during: 'start', cause }));
    }
    this.#worker = worker;
    // Errors are reported by the listeners of the phase (start or check); an unheard 'error' event would throw.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (this.#worker === worker) {
        this.#worker = undefined;
        this.#ready = undefined;
      }
    });
    return new Promise<Worker>((resolve, reject) => {
      const fail = (message: string, cause?: unknown): void => {
        cleanup();
        this.#kill(worker);
        reject(new AnalysisWorkerError(`the ${what} worker could not start: ${message}`, { during: 'start', cause }));
      };
      const onMessage = (message: WorkerReplyMessage<Response>): void => {
        if (message.type !== 'ready') return;
        cleanup();
        resolve(worker);
      };
      const onError = (error: Error): void => {
        fail(isOutOfMemory(error) ? `it ran out of memory while warming up (limit ${memoryLimitMb} MiB)` : error.message, error);
      };
      const onExit = (code: number): void => fail(`it exited with code ${code} while warming up`);
      const timer = setTimeout(() => fail(`it was not ready within ${startTimeoutMs} ms`), startTimeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }

  #send(worker: Worker, request: Request, options: BoundedRunOptions): Promise<Response> {
    const { memoryLimitMb } = this.#options;
    const what = options.what ?? this.#options.what;
    const id = ++this.#nextId;
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const stop = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
    return new Promise<Response>((resolve, reject) => {
      const settle = (outcome: () => void): void => {
        stop.removeEventListener('abort', onStop);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        outcome();
      };
      const onMessage = (message: WorkerReplyMessage<Response>): void => {
        if (message.type === 'result' && message.id === id) settle(() => resolve(message.value));
        if (message.type === 'error' && message.id === id) {
          settle(() => reject(new AnalysisWorkerError(`${what} failed: ${message.name}: ${message.message}`, { during: 'check' })));
        }
      };
      const onError = (error: Error): void => {
        this.#kill(worker);
        settle(() => reject(isOutOfMemory(error)
          ? new AnalysisOutOfMemoryError({ what, memoryLimitMb, cause: error })
          : new AnalysisWorkerError(`${what} failed: the worker crashed: ${error.message}`, { during: 'check', cause: error })));
      };
      const onExit = (code: number): void => {
        this.#kill(worker);
        settle(() => reject(new AnalysisWorkerError(`${what} failed: the worker exited with code ${code}`, { during: 'check' })));
      };
      const onStop = (): void => {
        this.#kill(worker);
        const timedOut = deadline.aborted && options.signal?.aborted !== true;
        settle(() => reject(timedOut ? new AnalysisTimeoutError({ what, timeoutMs: options.timeoutMs }) : options.signal?.reason));
      };
      if (stop.aborted) return onStop();
      stop.addEventListener('abort', onStop, { once: true });
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ type: 'request', id, request } satisfies WorkerRequestMessage<Request>);
    });
  }

  /** Forgets `worker` (the next check starts a new one) and terminates it without waiting. */
  #kill(worker: Worker): void {
    if (this.#worker === worker) {
      this.#worker = undefined;
      this.#ready = undefined;
    }
    worker.terminate().catch(() => undefined);
  }
}
