/**
 * @module llm/providers/llama-cpp/resource-pool
 * A fixed set of resources (here: the context sequences of one llama.cpp context) handed out one caller at a
 * time; callers wait in FIFO order when none is free.
 */
import { abortReason } from '../../abort.js';

interface Waiter<T> {
  resolve(item: T): void;
  reject(error: unknown): void;
}

/** A FIFO pool of `items`. */
export class ResourcePool<T> {
  private readonly free: T[];
  private readonly waiters: Waiter<T>[] = [];
  private closedWith: (() => unknown) | undefined;

  constructor(items: readonly T[]) {
    this.free = [...items];
  }

  /** Number of items not handed out. */
  get available(): number {
    return this.free.length;
  }

  /** Number of callers waiting for an item. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Takes a free item, waiting (FIFO) when none is free.
   * @throws the signal's reason when `signal` aborts while waiting; the error from {@link ResourcePool.close}'s
   *   factory once the pool is closed.
   */
  acquire(signal?: AbortSignal): Promise<T> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith());
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    const item = this.free.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(abortReason(signal as AbortSignal));
      };
      const waiter: Waiter<T> = {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns `item` to the pool, handing it straight to the longest waiter if any. */
  release(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.free.push(item);
    else waiter.resolve(item);
  }

  /** Rejects every waiter and all later `acquire` calls with `errorFactory()`. */
  close(errorFactory: () => unknown): void {
    this.closedWith = errorFactory;
    for (const waiter of this.waiters.splice(0)) waiter.reject(errorFactory());
  }
}
