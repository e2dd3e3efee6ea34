/**
 * @module bench/selection/memo-sandbox
 * A {@link Sandbox} decorator that remembers each distinct run's result, so the benchmark's k-grid, which replays
 * the same recorded samples through the same checks, pays for each sandboxed run once. `run` is memoised by request;
 * `start` by transcript: a process's answer to the lines sent so far is remembered with the time it took, and a
 * later process with the same request and the same lines gets it back without running (a real process is started
 * only when the transcript leaves what is known, and is fed the transcript first). Benchmark-only: it assumes the
 * programs are deterministic (timing-dependent outcomes keep their first result).
 */
import { createHash } from 'node:crypto';
import type {
  Sandbox,
  SandboxLine,
  SandboxProcess,
  SandboxProcessEnd,
  SandboxRunRequest,
  SandboxRunResult,
  SandboxStartRequest,
} from '../../src/sandbox/sandbox.js';

/** A remembered answer: the line (or how reading ended) and the ms it took after the last send. */
interface Answer {
  readonly line: SandboxLine;
  readonly afterMs: number;
}

const ENDED: SandboxProcessEnd = { exitCode: 0, signal: null, stderr: '', timedOut: false, outputTruncated: false };

/** Memoising sandbox; `hits` / `misses` count lookups. */
export class MemoSandbox implements Sandbox {
  readonly kind: Sandbox['kind'];
  hits = 0;
  misses = 0;
  readonly #cache = new Map<string, Promise<SandboxRunResult>>();
  readonly #answers = new Map<string, Answer>();

  constructor(private readonly inner: Sandbox) {
    this.kind = inner.kind;
  }

  run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    const { signal: _signal, ...rest } = request;
    const key = createHash('sha256').update(JSON.stringify(rest)).digest('hex');
    const cached = this.#cache.get(key);
    if (cached !== undefined) { this.hits += 1; return cached; }
    this.misses += 1;
    const result = this.inner.run(request);
    this.#cache.set(key, result);
    result.catch(() => this.#cache.delete(key));
    return result;
  }

  start(request: SandboxStartRequest): Promise<SandboxProcess> {
    const hash = createHash('sha256').update(JSON.stringify(request));
    const sent: string[] = [];
    let real: SandboxProcess | undefined;
    let fed = 0;
    let lastSendAt = performance.now();
    const keyOf = (): string => hash.copy().update(JSON.stringify(sent)).digest('hex');
    const process: SandboxProcess = {
      send: (line: string): void => {
        sent.push(line);
        lastSendAt = performance.now();
        if (real !== undefined) {
          real.send(line);
          fed = sent.length;
        }
      },
      nextLine: async (timeoutMs: number): Promise<SandboxLine> => {
        const key = keyOf();
        const known = this.#answers.get(key);
        if (known !== undefined && known.line.kind !== 'timeout') {
          this.hits += 1;
          return known.line.kind === 'line' ? { ...known.line, atMs: lastSendAt + known.afterMs } : known.line;
        }
        this.misses += 1;
        if (real === undefined) {
          real = await this.inner.start(request);
          for (const line of sent) real.send(line);
          fed = sent.length;
        }
        const line = await real.nextLine(timeoutMs);
        if (fed === sent.length && line.kind !== 'timeout') {
          this.#answers.set(key, { line, afterMs: line.kind === 'line' ? line.atMs - lastSendAt : 0 });
        }
        return line;
      },
      kill: () => (real === undefined ? Promise.resolve(ENDED) : real.kill()),
      get ended(): Promise<SandboxProcessEnd> {
        return real === undefined ? Promise.resolve(ENDED) : real.ended;
      },
    };
    return Promise.resolve(process);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
