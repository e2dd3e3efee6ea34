/**
 * @module verify/analysis-daemon/daemon-client
 * The client side of the analysis daemon (`analysis-daemon.ts`): {@link DaemonAnalysisChannel}, through which a
 * one-shot command's type checks and lints go to the warm daemon, starting it when none runs; and the calls behind
 * `zerr daemon status|start|stop`.
 *
 * A daemon that cannot be reached, cannot be started, stops answering or fails is never a verdict: the channel gives
 * it up and runs the analysis in a worker of the command's own process, as a command without a daemon does. Only the
 * analysis's own outcomes cross over as they are: a result, or the candidate's analysis running out of time or
 * memory or failing (the same errors the local worker throws).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { CancellationTokenSource, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import type { LintResult } from '../static/typescript-lint-engine.js';
import { AnalysisOutOfMemoryError, AnalysisTimeoutError, AnalysisWorkerError } from '../typescript/analysis-limit-error.js';
import { DEFAULT_ANALYSIS_MEMORY_LIMIT_MB, DEFAULT_ANALYSIS_START_TIMEOUT_MS, type AnalysisChannel, type BoundedRunOptions, type BoundedWorker } from '../typescript/bounded-worker.js';
import { analysisWorker } from '../typescript/shared-typescript-analysis.js';
import type { AnalysisRequest } from '../typescript/typescript-analysis-worker.js';
import type { TypeCheckResult } from '../typescript/typescript-compiler-service.js';
import {
  ANALYSIS_ERROR_CODE, AnalyseRequest, connectSocket, daemonIdentity, daemonPlace, messageConnection, StatusRequest, StopRequest,
  type AnalysisErrorData, type DaemonStatus,
} from './daemon-protocol.js';

/** Options of {@link DaemonAnalysisChannel}. Units are in the names. */
export interface DaemonAnalysisChannelOptions {
  /** Start the daemon when none answers. Default true. */
  readonly autoStart?: boolean;
  /** Environment read for `ZERR_DAEMON_DIR`, `XDG_RUNTIME_DIR`, `ZERR_DAEMON_IDLE_S`, and given to a daemon it starts. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for a daemon it started to accept connections. Default 5_000. */
  readonly startWaitMs?: number;
  /** Time beyond a request's own limit after which a daemon that has not answered is given up. Default 15_000. */
  readonly replySlackMs?: number;
  /** Told once, with the reason, when the channel gives the daemon up for a local worker. */
  readonly onFallback?: (reason: string) => void;
}

/** A connection to a daemon, with its socket (ref'd only while a request is in flight). */
interface DaemonConnection {
  readonly connection: MessageConnection;
  readonly socket: Socket;
}

/**
 * An `AnalysisChannel` (give it to `SharedTypeScriptAnalysis` as `channel`) whose requests go to this build's
 * analysis daemon, started on first use when none runs; falls back to a local bounded worker (see the module note).
 * Requests are sent one after the other in call order, as a local worker takes them.
 */
export class DaemonAnalysisChannel implements AnalysisChannel<AnalysisRequest, TypeCheckResult | LintResult> {
  readonly #options: DaemonAnalysisChannelOptions;
  #daemon: Promise<DaemonConnection | undefined> | undefined;
  #local: BoundedWorker<AnalysisRequest, TypeCheckResult | LintResult> | undefined;
  #fallbackReason: string | undefined;
  #pending = 0;
  #closed = false;

  constructor(options: DaemonAnalysisChannelOptions = {}) {
    this.#options = options;
  }

  /** Why the daemon was given up for a local worker, or undefined while it is used (or not yet tried). */
  get fallbackReason(): string | undefined {
    return this.#fallbackReason;
  }

  /** Connects to the daemon (starting one) in the background; when there is none to be had, warms the local worker. */
  prestart(): void {
    void this.#connect().then((daemon) => {
      if (daemon === undefined && !this.#closed) this.#localWorker().prestart();
    });
  }

  /**
   * Runs one type check or lint on the daemon, or locally (see the module note).
   * @throws AnalysisTimeoutError, AnalysisOutOfMemoryError, AnalysisWorkerError as `BoundedWorker.run`; the signal's
   *   reason when aborted.
   */
  async run(request: AnalysisRequest, options: BoundedRunOptions): Promise<TypeCheckResult | LintResult> {
    options.signal?.throwIfAborted();
    const daemon = await this.#connect();
    if (daemon === undefined) return this.#localWorker().run(request, options);
    try {
      return await this.#send(daemon, request, options);
    } catch (error) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      const candidateFailure = candidateAnalysisError(error);
      if (candidateFailure !== undefined) throw candidateFailure;
      this.#giveUp(`the analysis daemon failed: ${error instanceof Error ? error.message : String(error)}`);
      return this.#localWorker().run(request, options);
    }
  }

  /** Disconnects from the daemon (which keeps running) and ends the local worker, if any. */
  async close(): Promise<void> {
    this.#closed = true;
    const daemon = await this.#daemon;
    this.#daemon = undefined;
    if (daemon !== undefined) {
      daemon.connection.dispose();
      daemon.socket.destroy();
    }
    await this.#local?.close();
  }

  async #send(daemon: DaemonConnection, request: AnalysisRequest, options: BoundedRunOptions): Promise<TypeCheckResult | LintResult> {
    const cancel = new CancellationTokenSource();
    const slack = this.#options.replySlackMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    let onAbort = (): void => undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => { reject(new Error(`no answer within ${options.timeoutMs + slack} ms`)); }, options.timeoutMs + slack);
      onAbort = () => { reject(options.signal?.reason); };
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    this.#pending += 1;
    daemon.socket.ref();
    let answered = false;
    try {
      const params = { request, timeoutMs: options.timeoutMs, ...(options.what === undefined ? {} : { what: options.what }) };
      const result = await Promise.race([daemon.connection.sendRequest(AnalyseRequest, params, cancel.token), guard]);
      answered = true;
      return result;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (!answered) cancel.cancel(); // tells the daemon the answer is no longer wanted (it finishes the analysis anyway)
      cancel.dispose();
      this.#pending -= 1;
      if (this.#pending === 0) daemon.socket.unref();
    }
  }

  /** The daemon's connection, or undefined when there is none to be had (the channel has then given it up). */
  #connect(): Promise<DaemonConnection | undefined> {
    this.#daemon ??= this.#open().catch((error: unknown) => {
      this.#giveUp(error instanceof Error ? error.message : String(error));
      return undefined;
    });
    return this.#daemon;
  }

  async #open(): Promise<DaemonConnection | undefined> {
    const env = this.#options.env ?? process.env;
    const place = daemonPlace(env);
    if ('unavailable' in place) throw new Error(`no place for the analysis daemon's socket: ${place.unavailable}`);
    let socket = await connectSocket(place.socketPath).catch(() => undefined);
    if (socket === undefined) {
      if (this.#options.autoStart === false) throw new Error(`no analysis daemon answers on ${place.socketPath}`);
      startDaemonProcess(place, env);
      socket = await waitForSocket(place.socketPath, this.#options.startWaitMs ?? 5_000);
    }
    if (this.#closed) {
      socket.destroy();
      return undefined;
    }
    socket.unref();
    const connection = messageConnection(socket);
    connection.onClose(() => { this.#giveUp('the analysis daemon closed the connection'); });
    return { connection, socket };
  }

  #giveUp(reason: string): void {
    if (this.#fallbackReason !== undefined || this.#closed) return;
    this.#fallbackReason = reason;
    this.#daemon = Promise.resolve(undefined);
    this.#options.onFallback?.(reason);
  }

  #localWorker(): BoundedWorker<AnalysisRequest, TypeCheckResult | LintResult> {
    this.#local ??= analysisWorker({ memoryLimitMb: DEFAULT_ANALYSIS_MEMORY_LIMIT_MB, startTimeoutMs: DEFAULT_ANALYSIS_START_TIMEOUT_MS });
    return this.#local;
  }
}

/** The error the local worker would have thrown, for a daemon's reply about the candidate's analysis; undefined otherwise. */
function candidateAnalysisError(error: unknown): Error | undefined {
  if (!(error instanceof ResponseError) || error.code !== ANALYSIS_ERROR_CODE) return undefined;
  const data = error.data as AnalysisErrorData | undefined;
  if (data?.kind === 'timeout') return new AnalysisTimeoutError({ what: String(data.what), timeoutMs: Number(data.timeoutMs) });
  if (data?.kind === 'out-of-memory') return new AnalysisOutOfMemoryError({ what: String(data.what), memoryLimitMb: Number(data.memoryLimitMb) });
  // A worker that could not start in the daemon is the daemon's fault: the local worker tries instead.
  if (data?.kind === 'worker' && data.during === 'check') return new AnalysisWorkerError(String(data.message), { during: 'check' });
  return undefined;
}


/** Polls for a daemon that was just started, every 20 ms up to `waitMs`. @throws when none answers in time. */
async function waitForSocket(path: string, waitMs: number): Promise<Socket> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      return await connectSocket(path);
    } catch (error) {
      if (performance.now() >= deadline) throw new Error(`the analysis daemon it started did not answer on ${path} within ${waitMs} ms (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The daemon's entry script (`daemon-main.js` next to this module); undefined when running from sources. */
function daemonMainScript(): string | undefined {
  if (import.meta.url.endsWith('.ts')) return undefined;
  const path = new URL('./daemon-main.js', import.meta.url).pathname;
  return existsSync(path) ? path : undefined;
}

/**
 * Starts a daemon process detached from this one (its own session, no terminal, no inherited output), on the
 * socket of `place`. Idle timeout from `ZERR_DAEMON_IDLE_S` (seconds) when set.
 * @throws Error when running from sources (no built entry script) or when the process cannot be spawned.
 */
export function startDaemonProcess(place: { readonly socketPath: string; readonly logPath: string }, env: NodeJS.ProcessEnv, idleTimeoutS?: number): number {
  const script = daemonMainScript();
  if (script === undefined) throw new Error('the analysis daemon runs from the built package only (npm run build)');
  const idle = idleTimeoutS ?? (env['ZERR_DAEMON_IDLE_S'] === undefined ? undefined : Number(env['ZERR_DAEMON_IDLE_S']));
  const args = [script, '--socket', place.socketPath, '--identity', daemonIdentity(), '--log', place.logPath];
  if (idle !== undefined && Number.isFinite(idle) && idle > 0) args.push('--idle-timeout-ms', String(Math.round(idle * 1000)));
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore', env });
  child.unref();
  if (child.pid === undefined) throw new Error('the analysis daemon process could not be spawned');
  return child.pid;
}

/** Sends one request without starting anything; undefined when no daemon answers. */
async function ask<T>(env: NodeJS.ProcessEnv, send: (connection: MessageConnection) => Promise<T>): Promise<{ readonly value: T; readonly socketPath: string } | { readonly socketPath: string | undefined; readonly unavailable: string }> {
  const place = daemonPlace(env);
  if ('unavailable' in place) return { socketPath: undefined, unavailable: place.unavailable };
  let socket: Socket;
  try {
    socket = await connectSocket(place.socketPath);
  } catch (error) {
    return { socketPath: place.socketPath, unavailable: `no analysis daemon answers on ${place.socketPath} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  const connection = messageConnection(socket);
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new Error(`the analysis daemon on ${place.socketPath} did not answer within 5000 ms`)); }, 5000);
  });
  try {
    return { value: await Promise.race([send(connection), silent]), socketPath: place.socketPath };
  } catch (error) {
    return { socketPath: place.socketPath, unavailable: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    connection.dispose();
    socket.destroy();
  }
}

/** The running daemon's status, or why there is none (`zerr daemon status`). */
export function daemonStatus(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof ask<DaemonStatus>> {
  return ask(env, (connection) => connection.sendRequest(StatusRequest));
}

/** Asks the running daemon to stop (`zerr daemon stop`); its pid, or why there is none. */
export function stopDaemon(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof ask<{ readonly pid: number }>> {
  return ask(env, (connection) => connection.sendRequest(StopRequest));
}

/**
 * Starts this build's daemon unless one answers, and waits until it does (`zerr daemon start`).
 * @returns its status and whether it was already running.
 * @throws Error when there is no place for its socket, it cannot be spawned, or it does not answer within `waitMs`.
 */
export async function startDaemon(env: NodeJS.ProcessEnv = process.env, options: { readonly idleTimeoutS?: number; readonly waitMs?: number } = {}): Promise<{ readonly status: DaemonStatus; readonly alreadyRunning: boolean }> {
  const before = await daemonStatus(env);
  if ('value' in before) return { status: before.value, alreadyRunning: true };
  const place = daemonPlace(env);
  if ('unavailable' in place) throw new Error(`no place for the analysis daemon's socket: ${place.unavailable}`);
  startDaemonProcess(place, env, options.idleTimeoutS);
  (await waitForSocket(place.socketPath, options.waitMs ?? 10_000)).destroy();
  const after = await daemonStatus(env);
  if (!('value' in after)) throw new Error(after.unavailable);
  return { status: after.value, alreadyRunning: false };
}
