/**
 * @module verify/analysis-daemon/analysis-daemon
 * The analysis daemon: one background process per user and build that keeps the shared analysis worker
 * (`SharedTypeScriptAnalysis`: TypeScript with its lib parsed, ESLint and its plugins loaded) warm between one-shot
 * commands, and answers their type checks and lints over a Unix socket (`daemon-protocol.ts`). A cold worker costs
 * a `zerr verify` about 1 CPU-s before its first layer; a warm one answers in milliseconds (decision 016).
 *
 * It reads candidate text only, exactly as the worker in a command's own process would: each analysis runs in the
 * bounded worker (time limit per request, heap limit), so a candidate that exhausts either costs its layer a failure
 * and the daemon a new worker, never the daemon itself. Candidate code is never run here. Requests are answered one
 * at a time in arrival order, whichever client sent them. The daemon exits after `idleTimeoutMs` without a request,
 * on `zerr/stop`, on SIGTERM/SIGINT, and when its socket file is removed or replaced (another daemon took the name).
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { LintResult } from '../static/typescript-lint-engine.js';
import { SharedTypeScriptAnalysis } from '../typescript/shared-typescript-analysis.js';
import type { TypeCheckResult } from '../typescript/typescript-compiler-service.js';
import { AnalysisOutOfMemoryError, AnalysisTimeoutError, AnalysisWorkerError } from '../typescript/analysis-limit-error.js';
import {
  ANALYSIS_ERROR_CODE, AnalyseRequest, connectSocket, DAEMON_PROTOCOL_VERSION, messageConnection, StatusRequest, StopRequest,
  type AnalysisErrorData, type AnalyseParams, type DaemonStatus,
} from './daemon-protocol.js';

/** Default idle time after which the daemon exits, in ms (10 minutes). */
export const DEFAULT_DAEMON_IDLE_TIMEOUT_MS = 600_000;


/** Options of {@link serveAnalysisDaemon}. */
export interface AnalysisDaemonOptions {
  /** Unix socket path to listen on (`daemonPlace().socketPath`). */
  readonly socketPath: string;
  /** The build hash reported by `zerr/status` (`daemonIdentity()`). */
  readonly identity: string;
  /** Exit after this long without a request, in ms. Default 600_000. */
  readonly idleTimeoutMs?: number;
  /** How often it checks that its socket file is still its own, in ms. Default 30_000. */
  readonly socketCheckIntervalMs?: number;
  /** Called with one line per event worth keeping (start, stop, a failed request); default: nothing. */
  readonly log?: (line: string) => void;
}

/** A running daemon. */
export interface AnalysisDaemon {
  /** Resolves when the daemon has stopped (idle, `zerr/stop`, `close()`, its socket taken), with the reason. */
  readonly stopped: Promise<string>;
  /** Stops listening, ends the worker and removes the socket file. Idempotent. */
  close(reason?: string): Promise<void>;
}

/**
 * Thrown by {@link serveAnalysisDaemon} when another daemon already answers on the socket (two commands started
 * one at the same moment): the caller exits quietly.
 */
export class DaemonAlreadyRunningError extends Error {
  override readonly name = 'DaemonAlreadyRunningError';
}

/**
 * Starts the daemon: listens on `options.socketPath` (taking over a stale socket file that nobody answers on) and
 * starts warming up the analysis worker at once. Of two daemons started at the same moment, the one whose socket
 * file was replaced notices within `socketCheckIntervalMs` and exits; clients reach one or the other meanwhile.
 * @throws DaemonAlreadyRunningError when a live daemon answers on the socket; the listen error otherwise.
 */
export async function serveAnalysisDaemon(options: AnalysisDaemonOptions): Promise<AnalysisDaemon> {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_DAEMON_IDLE_TIMEOUT_MS;
  const log = options.log ?? (() => undefined);
  const analysis = new SharedTypeScriptAnalysis();
  const sockets = new Set<Socket>();
  const startedAt = Date.now();
  let requests = 0;
  let lastRequestAt: number | null = null;
  let inFlight = 0;
  let closed = false;
  let resolveStopped: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => { resolveStopped = resolve; });

  const server = createServer((socket) => {
    sockets.add(socket);
    const connection = messageConnection(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      connection.dispose();
    });
    connection.onRequest(AnalyseRequest, async (params: AnalyseParams) => {
      inFlight += 1;
      try {
        return await analyse(analysis, params);
      } catch (error) {
        const data = analysisErrorData(error);
        if (data.kind === 'worker') log(`analysis failed (${data.during}): ${data.message}`);
        return new ResponseError<AnalysisErrorData>(ANALYSIS_ERROR_CODE, error instanceof Error ? error.message : String(error), data);
      } finally {
        inFlight -= 1;
        requests += 1;
        lastRequestAt = Date.now();
        armIdleTimer();
      }
    });
    connection.onRequest(StatusRequest, (): DaemonStatus => ({
      pid: process.pid, protocol: DAEMON_PROTOCOL_VERSION, identity: options.identity, socketPath: options.socketPath,
      startedAt, requests, idleTimeoutMs, lastRequestAt, rssBytes: process.memoryUsage.rss(),
    }));
    connection.onRequest(StopRequest, () => {
      // Stops once the answer is out: when the asking client hangs up, or 1 s after the answer at the latest.
      const stop = (): void => { void close('stopped on request'); };
      socket.once('close', stop);
      setTimeout(stop, 1000).unref();
      return { pid: process.pid };
    });
  });

  let idleTimer: NodeJS.Timeout | undefined;
  function armIdleTimer(): void {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (inFlight === 0) void close(`idle for ${idleTimeoutMs} ms`);
      else armIdleTimer();
    }, idleTimeoutMs);
  }

  await listen(server, options.socketPath);
  const inode = statSync(options.socketPath).ino;
  const socketCheck = setInterval(() => {
    let current: number | undefined;
    try {
      current = statSync(options.socketPath).ino;
    } catch {
      current = undefined;
    }
    if (current !== inode) void close('its socket file was removed or replaced');
  }, options.socketCheckIntervalMs ?? 30_000);
  socketCheck.unref();
  armIdleTimer();
  analysis.prestart();
  log(`listening on ${options.socketPath} (pid ${process.pid}, build ${options.identity}, idle timeout ${idleTimeoutMs} ms)`);

  async function close(reason = 'closed'): Promise<void> {
    if (closed) return;
    closed = true;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    clearInterval(socketCheck);
    // The socket file goes first, so that no new client connects to a daemon on its way out; only our own file.
    try {
      if (statSync(options.socketPath).ino === inode) rmSync(options.socketPath, { force: true });
    } catch {
      // already gone
    }
    const serverClosed = new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
    // Clients are let go gently: a reply still being written (the answer to `zerr/stop`) reaches them first.
    for (const socket of sockets) {
      socket.end();
      setTimeout(() => { socket.destroy(); }, 1000).unref();
    }
    await Promise.all([serverClosed, analysis.close()]);
    log(`stopped: ${reason}`);
    resolveStopped(reason);
  }

  return { stopped, close };
}

/** Runs one request on the shared worker, as the command's own worker would. */
function analyse(analysis: SharedTypeScriptAnalysis, params: AnalyseParams): Promise<TypeCheckResult | LintResult> {
  return analysis.run(params.request, { timeoutMs: params.timeoutMs, ...(params.what === undefined ? {} : { what: params.what }) });
}

/** The wire form of an analysis error (see {@link AnalysisErrorData}). */
function analysisErrorData(error: unknown): AnalysisErrorData {
  if (error instanceof AnalysisTimeoutError) return { kind: 'timeout', what: error.message.replace(/ timed out after \d+ ms$/, ''), timeoutMs: error.timeoutMs };
  if (error instanceof AnalysisOutOfMemoryError) {
    return { kind: 'out-of-memory', what: error.message.replace(/ ran out of memory \(limit \d+ MiB\)$/, ''), memoryLimitMb: error.memoryLimitMb };
  }
  if (error instanceof AnalysisWorkerError) return { kind: 'worker', during: error.during, message: error.message };
  return { kind: 'worker', during: 'start', message: `the analysis daemon failed: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * Listens on `path`: binds a fresh socket under a temporary name in the same folder, then renames it over `path`
 * (atomically replacing a socket file nobody answers on, left by a daemon that died). Node removes a Unix socket
 * by the name it was bound to when the server closes: that name is the temporary one, so a daemon on its way out
 * never removes a socket file that another daemon has since put at `path`.
 * @throws DaemonAlreadyRunningError when a live daemon answers on `path`.
 */
async function listen(server: Server, path: string): Promise<void> {
  const bound = join(dirname(path), `.${randomBytes(6).toString('hex')}.sock`);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => { server.off('listening', onListening); reject(error); };
    const onListening = (): void => { server.off('error', onError); resolve(); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(bound);
  });
  if (await answers(path)) {
    await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
    throw new DaemonAlreadyRunningError(`an analysis daemon already answers on ${path}`);
  }
  renameSync(bound, path);
}

/** Whether something accepts connections on the socket at `path` (within 1 s). */
function answers(path: string): Promise<boolean> {
  return connectSocket(path).then((socket) => { socket.destroy(); return true; }, () => false);
}
