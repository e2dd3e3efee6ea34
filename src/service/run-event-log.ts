/**
 * @module service/run-event-log
 * One run's engine events as a numbered, append-only log (ids 1, 2, 3, ...: the SSE `id:` field) that readers
 * iterate from any id: first what earlier processes stored, then this process's entries, then live entries as they
 * are appended. With a store behind it, an entry reaches readers only once it is durable, so an id a client saw is
 * never given to another event after a restart. A reader stops after a `run-end` entry, or when the log has nothing
 * more and the run is no longer live.
 */
import type { EngineEvent } from '../orchestrate/engine-events.js';
import type { RunEventEntry } from './run-service.js';

/** Where a log keeps its entries beyond this process (the run store's event log). */
export interface RunEventLogOptions {
  /** Id of the last entry stored by earlier processes; this log numbers on from it. Default 0. */
  readonly startId?: number;
  /** Stored entries with id > `afterId`, ascending, at most `limit`. Required when `startId` > 0. */
  readonly readStored?: (afterId: number, limit: number) => Promise<readonly RunEventEntry[]>;
  /** Makes entries durable, in order, one batch at a time. Without it entries reach readers at once. */
  readonly persist?: (entries: readonly RunEventEntry[]) => Promise<void>;
  /**
   * Receives the error of a failed `persist`. The log then stops persisting (the stored log must stay without
   * gaps) and hands its entries to readers from memory. Default: ignored.
   */
  readonly onPersistError?: (error: unknown) => void;
}

/** Stored entries read per page. */
const PAGE = 500;

/** The numbered event log of one run. */
export class RunEventLog {
  readonly #startId: number;
  readonly #options: RunEventLogOptions;
  readonly #entries: RunEventEntry[] = [];
  readonly #waiters = new Set<() => void>();
  /** Entries of #entries that are durable (handed to readers). */
  #durable = 0;
  #persisting: Promise<void> | undefined;
  #persistFailed = false;
  /** Whether the run is being worked on (a reader waits for more entries only while it is). */
  #live = false;

  constructor(options: RunEventLogOptions = {}) {
    this.#startId = options.startId ?? 0;
    this.#options = options;
  }

  /** The id of the last entry (stored or appended), 0 for an empty log. */
  get size(): number {
    return this.#startId + this.#entries.length;
  }

  get live(): boolean {
    return this.#live;
  }

  /** True when every appended entry is durable (or persisting gave up). */
  get settled(): boolean {
    return this.#durable === this.#entries.length;
  }

  /** Marks the run live or not; readers waiting at the end of the log are woken. */
  setLive(live: boolean): void {
    this.#live = live;
    this.#wake();
  }

  /** Appends an event; returns its id. It reaches readers once it is durable. */
  append(event: EngineEvent): number {
    const id = this.size + 1;
    this.#entries.push({ id, event });
    if (this.#options.persist === undefined || this.#persistFailed) {
      this.#durable = this.#entries.length;
      this.#wake();
    } else {
      this.#persisting ??= this.#persistPending();
    }
    return id;
  }

  /** Resolves once every entry appended so far is durable (or persisting gave up). Never rejects. */
  async flushed(): Promise<void> {
    while (this.#persisting !== undefined) await this.#persisting;
  }

  /** True when the last appended entry is a `run-end`. */
  endedLast(): boolean {
    return this.#entries.at(-1)?.event.type === 'run-end';
  }

  /**
   * Entries with id > `afterId`, then live ones, until a `run-end` entry was yielded, the run is not live and the
   * log is drained, or `signal` aborts. Stored entries (earlier processes) come first, a page at a time.
   */
  async *read(afterId: number, signal?: AbortSignal): AsyncGenerator<RunEventEntry> {
    let cursor = Math.max(0, Math.floor(afterId));
    stored: while (cursor < this.#startId && this.#options.readStored !== undefined) {
      const page = await this.#options.readStored(cursor, PAGE);
      for (const entry of page) {
        if (entry.id > this.#startId) break stored; // this process's own entries: read from memory below
        if (signal?.aborted === true) return;
        cursor = entry.id;
        yield entry;
      }
      if (page.length < PAGE) break;
    }
    let index = Math.max(0, cursor - this.#startId);
    for (;;) {
      while (index < this.#durable) {
        if (signal?.aborted === true) return;
        const entry = this.#entries[index] as RunEventEntry;
        index += 1;
        yield entry;
        if (entry.event.type === 'run-end' && !(index < this.#entries.length)) return;
      }
      if ((!this.#live && this.settled) || signal?.aborted === true) return;
      await this.#next(signal);
    }
  }

  /** Persists the entries not yet durable, batch after batch, until none is left. */
  async #persistPending(): Promise<void> {
    try {
      while (this.#durable < this.#entries.length && !this.#persistFailed) {
        const batch = this.#entries.slice(this.#durable);
        try {
          await this.#options.persist?.(batch);
        } catch (error) {
          this.#persistFailed = true;
          this.#options.onPersistError?.(error);
        }
        this.#durable = this.#persistFailed ? this.#entries.length : this.#durable + batch.length;
        this.#wake();
      }
    } finally {
      this.#persisting = undefined;
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
