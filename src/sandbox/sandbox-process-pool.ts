/**
 * @module sandbox/sandbox-process-pool
 * Pre-started sandboxed processes (issue: verification latency). A process is started before a candidate is known,
 * waits on its stdin, is handed to exactly one caller, and is never reused: the caller kills it when done. When a
 * process handed out has ended, the spares of its request are topped up in the background, so bwrap and
 * interpreter start-up leave the critical path (a request's first process is started on demand).
 */
import type { SandboxProcess } from './sandbox.js';
import type { InteractiveSpawn } from './spawn-interactive.js';

/** Options of {@link SandboxProcessPool}. */
export interface SandboxProcessPoolOptions {
  /** Spare processes kept per distinct request, integer >= 0. 0 turns pre-starting off. Default 2. */
  readonly sparesPerKey?: number;
  /** Distinct requests kept warm at once (least recently used ones are dropped), integer >= 1. Default 8. */
  readonly maxKeys?: number;
}

interface Entry {
  readonly launch: () => Promise<InteractiveSpawn>;
  readonly spares: Promise<InteractiveSpawn | undefined>[];
}

/**
 * Hands out started processes by request key. `take` never returns a process that has already ended (a spare that
 * died while idle is discarded and a fresh one launched). A launch failure surfaces from `take`, never from a
 * background refill.
 */
export class SandboxProcessPool {
  readonly #spares: number;
  readonly #maxKeys: number;
  readonly #entries = new Map<string, Entry>();
  /** Processes handed out that have not ended yet: `close` kills them and waits for their clean-up. */
  readonly #handedOut = new Set<SandboxProcess>();
  #closed = false;

  constructor(options: SandboxProcessPoolOptions = {}) {
    this.#spares = options.sparesPerKey ?? 2;
    this.#maxKeys = options.maxKeys ?? 8;
  }

  /**
   * A started, activated process for `key` (launched by `launch` when no live spare is ready); once it has ended,
   * the spares of `key` are topped up in the background.
   * @throws whatever `launch` throws.
   */
  async take(key: string, launch: () => Promise<InteractiveSpawn>): Promise<SandboxProcess> {
    const entry = this.#entry(key, launch);
    let spawned: InteractiveSpawn | undefined;
    while (spawned === undefined && entry.spares.length > 0) {
      const spare = await entry.spares.shift();
      if (spare !== undefined && !spare.hasEnded()) spawned = spare;
      else if (spare !== undefined) void spare.process.kill();
    }
    spawned ??= await launch();
    spawned.activate();
    const handed = spawned.process;
    this.#handedOut.add(handed);
    // Spares are started once the process handed out has ended, not now: spawning blocks the event loop for
    // several ms, which would land on the caller's critical path (its load and first call).
    void handed.ended.finally(() => {
      this.#handedOut.delete(handed);
      if (this.#entries.get(key) === entry) this.#refill(entry); // not for a key dropped meanwhile
    });
    return handed;
  }

  /**
   * Launches one spare for `key` now, even when `sparesPerKey` is 0, unless one is already waiting or starting: for
   * a caller that knows it will `take` soon and has other work to do meanwhile. A launch failure is dropped here
   * (the next `take` launches again and reports it).
   */
  prestart(key: string, launch: () => Promise<InteractiveSpawn>): void {
    if (this.#closed) return;
    const entry = this.#entry(key, launch);
    if (entry.spares.length === 0) entry.spares.push(launch().catch(() => undefined));
  }

  /**
   * Kills every spare and every handed-out process still running, and resolves once all of them have ended and been
   * cleaned up (so a caller may kill a used process without awaiting it). Later `take`s still work (without
   * pre-starting). Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const spares = [...this.#entries.values()].flatMap((e) => e.spares.splice(0));
    this.#entries.clear();
    await Promise.all([
      ...spares.map(async (s) => (await s)?.process.kill()),
      ...[...this.#handedOut].map((p) => p.kill()),
    ]);
  }

  #entry(key: string, launch: () => Promise<InteractiveSpawn>): Entry {
    let entry = this.#entries.get(key);
    if (entry !== undefined) {
      this.#entries.delete(key); // re-inserted below: most recently used last
    } else {
      entry = { launch, spares: [] };
    }
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxKeys) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, Entry];
      this.#entries.delete(oldestKey);
      for (const spare of oldest.spares.splice(0)) void spare.then((s) => s?.process.kill());
    }
    return entry;
  }

  #refill(entry: Entry): void {
    if (this.#closed) return;
    while (entry.spares.length < this.#spares) {
      entry.spares.push(entry.launch().catch(() => undefined));
    }
  }
}
