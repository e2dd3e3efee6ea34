/**
 * @module sandbox/spawn-interactive
 * Spawns one process in its own process group for a line-by-line exchange over stdin/stdout: queued stdout lines
 * stamped with the host's clock on arrival, a cap on all output, a stderr tail, and a wall clock that starts when
 * the process is handed to its user (`activate`), so a pre-started process waits for free. Isolation is the
 * caller's command line (`sandbox/bwrap/bwrap-launch.ts`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { SandboxLine, SandboxProcess, SandboxProcessEnd } from './sandbox.js';

/** What to spawn and how to bound it. */
export interface SpawnInteractiveOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Extra descriptors for the child's fds 3, 4, ... Default none. */
  readonly extraStdio?: readonly (number | 'ignore')[];
  /** Bytes of stdout (and, separately, of stderr) allowed over the process's life; more kills it. */
  readonly maxOutputBytes: number;
  /** Wall-clock limit counted from `activate()`, in ms; the process group gets SIGKILL after it. */
  readonly wallTimeMs: number;
  /** Runs once after the process has ended (e.g. removing its work folder). Never awaited by readers. */
  readonly onEnded?: () => Promise<void> | void;
}

/** A spawned interactive process: hand `process` to its user after calling `activate()`. */
export interface InteractiveSpawn {
  readonly process: SandboxProcess;
  /** Starts the wall clock. Idempotent. */
  activate(): void;
  /** True once the process has ended (a pre-started one that died is not handed out). */
  readonly hasEnded: () => boolean;
}

const STDERR_TAIL_BYTES = 4096;

/**
 * Spawns the process. Never throws for what the process does; a spawn failure (ENOENT) ends it at once with
 * exit code null and the error in `stderr`.
 */
export function spawnInteractive(options: SpawnInteractiveOptions): InteractiveSpawn {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...options.env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe', ...(options.extraStdio ?? [])],
  }) as ChildProcessWithoutNullStreams;
  let ended = false;
  let timedOut = false;
  let outputTruncated = false;
  let timer: NodeJS.Timeout | undefined;
  let stdoutBytes = 0;
  let stderrTail = '';
  let partial = '';
  let stdoutClosed = false;
  const lines: SandboxLine[] = [];
  let waiter: ((line: SandboxLine | undefined) => void) | undefined;

  const killGroup = (): void => {
    if (child.pid === undefined || ended) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const push = (line: SandboxLine): void => {
    if (waiter !== undefined) {
      const wake = waiter;
      waiter = undefined;
      wake(line);
    } else lines.push(line);
  };

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    if (outputTruncated) return;
    stdoutBytes += Buffer.byteLength(chunk);
    if (stdoutBytes > options.maxOutputBytes) {
      outputTruncated = true;
      killGroup();
      push({ kind: 'overflow' });
      return;
    }
    const atMs = performance.now();
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) push({ kind: 'line', text, atMs });
  });
  child.stdout.on('close', () => {
    stdoutClosed = true;
    if (!outputTruncated) push({ kind: 'eof' });
  });
  child.stderr.setEncoding('utf8');
  let stderrBytes = 0;
  child.stderr.on('data', (chunk: string) => {
    stderrBytes += Buffer.byteLength(chunk);
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    if (stderrBytes > options.maxOutputBytes && !outputTruncated) {
      outputTruncated = true;
      killGroup();
      push({ kind: 'overflow' });
    }
  });
  child.stdin.on('error', () => undefined);
  // An idle pre-started process must not keep the engine alive; a reader waiting in nextLine holds a timer.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();

  const endedPromise = new Promise<SandboxProcessEnd>((resolve) => {
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    // A grandchild that escaped the process group may hold the pipes open: stop waiting for them soon after exit.
    child.on('exit', () => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 1000).unref();
    });
    child.on('close', (exitCode, signal) => {
      ended = true;
      if (timer !== undefined) clearTimeout(timer);
      if (!stdoutClosed) push({ kind: 'eof' });
      const stderr = spawnError === undefined ? stderrTail : `${stderrTail}\n${String(spawnError)}`;
      Promise.resolve(options.onEnded?.())
        .catch(() => undefined)
        .finally(() => resolve({ exitCode, signal, stderr, timedOut, outputTruncated }));
    });
  });

  const sandboxProcess: SandboxProcess = {
    send(line: string): void {
      if (ended || child.stdin.destroyed) return;
      child.stdin.write(`${line}\n`);
    },
    nextLine(timeoutMs: number): Promise<SandboxLine> {
      const queued = lines.shift();
      if (queued !== undefined) {
        // eof and overflow stay at the head: every later read sees them too.
        if (queued.kind === 'eof' || queued.kind === 'overflow') lines.unshift(queued);
        return Promise.resolve(queued);
      }
      return new Promise<SandboxLine>((resolve) => {
        const wait = setTimeout(() => {
          waiter = undefined;
          resolve({ kind: 'timeout' });
        }, Math.max(0, timeoutMs));
        waiter = (line) => {
          clearTimeout(wait);
          if (line !== undefined && (line.kind === 'eof' || line.kind === 'overflow')) lines.unshift(line);
          resolve(line ?? { kind: 'eof' });
        };
      });
    },
    kill(): Promise<SandboxProcessEnd> {
      // Whoever waits for the end keeps the engine alive until it comes (the idle process itself does not).
      // The pipes too: 'close' (and so the end) comes only after they have closed.
      if (!ended) {
        child.ref();
        for (const stream of [child.stdout, child.stderr]) (stream as unknown as { ref?: () => void }).ref?.();
      }
      killGroup();
      return endedPromise;
    },
    ended: endedPromise,
  };
  return {
    process: sandboxProcess,
    activate(): void {
      if (timer !== undefined || ended) return;
      timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.wallTimeMs);
    },
    hasEnded: () => ended,
  };
}
