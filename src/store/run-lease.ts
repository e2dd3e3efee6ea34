/**
 * @module store/run-lease
 * One process works on a run at a time: a claim in the run store renewed by a heartbeat, taken over only when its
 * holder is gone (same host, process no longer exists) or silent for `staleAfterMs` (another host, or a hung one).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunOwner, RunStore } from './run-store.js';

/** Options of {@link RunLease.acquire}. */
export interface RunLeaseOptions {
  /** A claim whose heartbeat is older than this is stale and may be taken over, in ms. Default 30_000. */
  readonly staleAfterMs?: number;
  /** Heartbeat interval, in ms. Default 5_000 (well under `staleAfterMs`). */
  readonly heartbeatMs?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Whether process `pid` on this host still exists. Default: `process.kill(pid, 0)` (EPERM counts as alive). */
  readonly isAlive?: (pid: number) => boolean;
}

/** Owner ids of the leases this process holds now (a claim with this pid but another owner is a past process's). */
const heldHere = new Set<string>();

/** A held claim on a run: renewed in the background until {@link RunLease.release}. */
export class RunLease {
  readonly runId: string;
  /** The claim's owner id (random per lease). */
  readonly owner: string;
  /** The holder this lease took the run over from (a crashed or silent process), if any. */
  readonly tookOverFrom: RunOwner | undefined;
  /** Aborted when the claim was lost (another process took the run over after this one went silent). */
  readonly lost: AbortSignal;
  readonly #store: RunStore;
  readonly #timer: NodeJS.Timeout;
  readonly #lost: AbortController;
  #released = false;

  private constructor(store: RunStore, runId: string, owner: string, tookOverFrom: RunOwner | undefined, options: RunLeaseOptions) {
    this.#store = store;
    this.runId = runId;
    this.owner = owner;
    this.tookOverFrom = tookOverFrom;
    this.#lost = new AbortController();
    this.lost = this.#lost.signal;
    const now = options.now ?? Date.now;
    this.#timer = setInterval(() => {
      void store.heartbeatRun(runId, owner, now()).then(
        (held) => {
          if (!held && !this.#released) this.#lost.abort(new Error(`run ${runId} was taken over by another process`));
        },
        () => undefined, // a failed heartbeat is retried at the next tick; the claim goes stale only after staleAfterMs
      );
    }, options.heartbeatMs ?? 5_000);
    this.#timer.unref();
  }

  /**
   * Claims `runId` for this process.
   * @throws RunBusyError (`run_busy`) when another live process holds it; RunNotFoundError.
   */
  static async acquire(store: RunStore, runId: string, options: RunLeaseOptions = {}): Promise<RunLease> {
    const now = options.now ?? Date.now;
    const staleAfterMs = options.staleAfterMs ?? 30_000;
    const isAlive = options.isAlive ?? processExists;
    const host = hostname();
    const owner = randomUUID();
    const at = now();
    // Gone: silent too long; or on this host, its process no longer exists, or it has this process's pid (a
    // container restarted as pid 1) without being one of this process's leases.
    const gone = (holder: RunOwner): boolean =>
      holder.heartbeatAt < at - staleAfterMs ||
      (holder.host === host && (holder.pid === process.pid ? !heldHere.has(holder.owner) : !isAlive(holder.pid)));
    const tookOverFrom = await store.claimRun(runId, { owner, pid: process.pid, host, at }, gone);
    heldHere.add(owner);
    return new RunLease(store, runId, owner, tookOverFrom, options);
  }

  /** Stops the heartbeat and gives the claim up. Idempotent; never throws (a claim left behind goes stale). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    heldHere.delete(this.owner);
    await this.#store.releaseRun(this.runId, this.owner).catch(() => undefined);
  }
}

/** Whether a process with this pid exists on this host (`EPERM`: it exists but belongs to another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
