/**
 * @module service/run-event-log
 * One run's engine events as a numbered, append-only log (ids 1, 2, 3, ...: the SSE `id:` field) that readers
 * iterate from any id: first what is stored, then live entries as they are appended. A reader stops after a
 * `run-end` entry, or when the log has nothing more and the run is no longer live.
 */
import type { EngineEvent } from '../orchestrate/engine-events.js';
import type { RunEventEntry } from './run-service.js';

/** The numbered event log of one run. */
export class RunEventLog {
  readonly #entries: RunEventEntry[] = [];
  readonly #waiters = new Set<() => void>();
  /** Whether the run is being worked on (a reader waits for more entries only while it is). */
  #live = false;

  /** Number of entries (the id of the last one). */
  get size(): number {
    return this.#entries.length;
  }

  get live(): boolean {
    return this.#live;
  }

  /** Marks the run live or not; readers waiting at the end of the log are woken. */
  setLive(live: boolean): void {
    this.#live = live;
    this.#wake();
  }

  /** Appends an event; returns its id. */
  append(event: EngineEvent): number {
    const id = this.#entries.length + 1;
    this.#entries.push({ id, event });
    this.#wake();
    return id;
  }

  /** True when the last entry is a `run-end`. */
  endedLast(): boolean {
    return this.#entries.at(-1)?.event.type === 'run-end';
  }

  /**
   * Entries with id > `afterId`, then live ones, until a `run-end` entry was yielded, the run is not live and the
   * log is drained, or `signal` aborts.
   */
  async *read(afterId: number, signal?: AbortSignal): AsyncGenerator<RunEventEntry> {
    let cursor = Math.max(0, Math.floor(afterId));
    for (;;) {
      while (cursor < this.#entries.length) {
        if (signal?.aborted === true) return;
        const entry = this.#entries[cursor] as RunEventEntry;
        cursor += 1;
        yield entry;
        if (entry.event.type === 'run-end' && !(cursor < this.#entries.length)) return;
      }
      if (!this.#live || signal?.aborted === true) return;
      await this.#next(signal);
    }
  }

  #next(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
