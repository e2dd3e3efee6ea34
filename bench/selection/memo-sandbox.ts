/**
 * @module bench/selection/memo-sandbox
 * A {@link Sandbox} decorator that remembers each distinct request's result, so the benchmark's k-grid, which
 * replays the same recorded samples through the same checks, pays for each sandboxed run once. Benchmark-only:
 * it assumes the programs are deterministic (timing-dependent outcomes keep their first result).
 */
import { createHash } from 'node:crypto';
import type { Sandbox, SandboxRunRequest, SandboxRunResult } from '../../src/sandbox/sandbox.js';

/** Memoising sandbox; `hits` / `misses` count lookups. */
export class MemoSandbox implements Sandbox {
  readonly kind: Sandbox['kind'];
  hits = 0;
  misses = 0;
  readonly #cache = new Map<string, Promise<SandboxRunResult>>();

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

  close(): Promise<void> {
    return this.inner.close();
  }
}
