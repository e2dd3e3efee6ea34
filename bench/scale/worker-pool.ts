/**
 * @module bench/scale/worker-pool
 * Forks N `scale-worker.ts` processes (Node with tsx's loader), waits until every one has its queue connections up,
 * and later stops them and collects what each completed. A worker that fails to start or exits early fails the pool
 * with its stderr.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { ScaleWorkerConfig, ScaleWorkerMessage } from './scale-worker.js';

const WORKER_SCRIPT = resolve(import.meta.dirname, 'scale-worker.ts');
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** What one worker process completed. */
export type WorkerTally = Extract<ScaleWorkerMessage, { type: 'done' }>;

/** Running worker processes. */
export interface WorkerPool {
  /** Wall time from the first fork to the last `ready`, in ms. */
  readonly startMs: number;
  /** Tells every worker to stop (jobs in hand are finished) and returns their tallies once they exit. */
  stop(timeoutMs?: number): Promise<WorkerTally[]>;
}

interface Child {
  readonly process: ChildProcess;
  readonly stderr: string[];
  readonly ready: Promise<void>;
  readonly done: Promise<WorkerTally>;
}

function forkWorker(config: ScaleWorkerConfig): Child {
  const child = fork(WORKER_SCRIPT, [JSON.stringify(config)], {
    cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json',
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => { stderr.push(chunk.toString()); });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`scale worker ${config.workerId} exited (${code ?? signal}) before it was done: ${stderr.join('').slice(-2000)}`)));
    child.once('error', reject);
  });
  const message = (type: ScaleWorkerMessage['type']) => Promise.race([exited, new Promise<ScaleWorkerMessage>((resolveMessage) => {
    const listen = (received: ScaleWorkerMessage) => {
      if (received.type !== type) return;
      child.off('message', listen);
      resolveMessage(received);
    };
    child.on('message', listen);
  })]);
  const ready = message('ready').then(() => undefined);
  const done = message('done') as Promise<WorkerTally>;
  ready.catch(() => undefined);
  done.catch(() => undefined);
  return { process: child, stderr, ready, done };
}

/**
 * Forks `count` workers of `config` (ids `<prefix>-w<i>`) and resolves once all are ready.
 * @throws Error when a worker exits or is not ready within `startTimeoutMs` (default 60,000); the others are killed.
 */
export async function startWorkers(count: number, config: Omit<ScaleWorkerConfig, 'workerId'>, startTimeoutMs = 60_000): Promise<WorkerPool> {
  const started = performance.now();
  const children = Array.from({ length: count }, (_, i) => forkWorker({ ...config, workerId: `${config.prefix}-w${i}` }));
  const killAll = () => { for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL'); };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(children.map((child) => child.ready)),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`scale workers not ready within ${startTimeoutMs} ms`)), startTimeoutMs); }),
    ]);
  } catch (error) {
    killAll();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const startMs = performance.now() - started;
  return {
    startMs,
    async stop(timeoutMs = 30_000) {
      for (const child of children) child.process.send({ type: 'stop' });
      let stopTimer: NodeJS.Timeout | undefined;
      try {
        const tallies = await Promise.race([
          Promise.all(children.map((child) => child.done)),
          new Promise<never>((_, reject) => { stopTimer = setTimeout(() => reject(new Error(`scale workers did not stop within ${timeoutMs} ms`)), timeoutMs); }),
        ]);
        await Promise.all(children.map((child) => (child.process.exitCode !== null ? undefined : new Promise((resolveExit) => child.process.once('exit', resolveExit)))));
        return tallies;
      } finally {
        clearTimeout(stopTimer);
        killAll();
      }
    },
  };
}
