/**
 * @module sandbox/spawn-capped
 * Spawns one process in its own process group with a wall-clock kill, capped stdout/stderr and cancellation.
 * Shared by every `Sandbox` implementation; isolation itself is the caller's command line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { SandboxRunResult } from './sandbox.js';

/** What to spawn and how to bound it. */
export interface SpawnCappedOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin?: string;
  /** Extra descriptors for the child's fds 3, 4, ... (e.g. a seccomp filter for bwrap). Default none. */
  readonly extraStdio?: readonly (number | 'ignore')[];
  /** Wall-clock limit; the whole process group gets SIGKILL after it. */
  readonly wallTimeMs: number;
  /** Bytes kept of stdout and of stderr each; going over kills the process group and sets `outputTruncated`. */
  readonly maxOutputBytes: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs the process to completion. Resolves with what the process did (exit, signal, timeout, output flood);
 * rejects only when the process could not be spawned at all, or with `signal.reason` when aborted (after killing).
 */
export function spawnCapped(options: SpawnCappedOptions): Promise<SandboxRunResult> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  return new Promise<SandboxRunResult>((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...options.env },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', ...(options.extraStdio ?? [])],
    }) as ChildProcessWithoutNullStreams;
    let timedOut = false;
    let outputTruncated = false;
    let aborted = false;
    let spawnError: Error | undefined;
    const kill = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const collect = (stream: NodeJS.ReadableStream): (() => string) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (size >= options.maxOutputBytes) {
          // Output that lands exactly on the cap and goes on is a flood too (hostile-corpus finding: it used to be
          // dropped silently, with no kill and no flag, so the run went on to the wall clock and lost its result).
          if (chunk.length > 0 && !outputTruncated) {
            outputTruncated = true;
            kill();
          }
          return;
        }
        const room = options.maxOutputBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          outputTruncated = true;
          kill();
        } else {
          chunks.push(chunk);
          size += chunk.length;
        }
      });
      return () => Buffer.concat(chunks).toString('utf8');
    };
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.wallTimeMs);
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        reject(error);
      }
    });
    // A grandchild that escaped the process group may hold the pipes open: stop waiting for them soon after exit.
    child.on('exit', () => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 1000).unref();
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (aborted) return reject(options.signal?.reason ?? new Error('aborted'));
      if (spawnError && child.pid === undefined) return;
      resolve({
        exitCode,
        signal,
        stdout: stdout(),
        stderr: stderr(),
        timedOut,
        outputTruncated,
        durationMs: performance.now() - started,
      });
    });
  });
}
