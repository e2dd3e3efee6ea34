/**
 * @module server/model-server/admission-queue
 * Admission control of the model server: at most `concurrency` requests work at once (one per sequence of the
 * model's context), at most `maxQueued` more wait in FIFO order, and a request beyond both is refused at once with
 * 429 `model_queue_full` and `Retry-After`, so a flood of clients cannot pile up unbounded work in the server.
 */
import { z } from 'zod';
import { parseOptions, ResourcePool } from '../../index.js';
import { ApiError } from '../api-error.js';

const AdmissionOptionsSchema = z.object({
  concurrency: z.number().int().min(1, 'an integer >= 1'),
  maxQueued: z.number().int().min(0, 'an integer >= 0'),
  retryAfterMs: z.number().int().positive('a positive integer').default(1000),
}).strict();

/** Options of {@link AdmissionQueue}. */
export interface AdmissionOptions {
  /** Requests that work at once. */
  readonly concurrency: number;
  /** Requests that may wait for a turn; 0: none wait. */
  readonly maxQueued: number;
  /** `Retry-After` of a refusal, ms (sent in whole seconds). Default 1000. */
  readonly retryAfterMs?: number;
}

/** Gives back an admission; calling it again does nothing. */
export type ReleaseAdmission = () => void;

/** A bounded FIFO admission queue in front of a model's sequences. */
export class AdmissionQueue {
  readonly concurrency: number;
  readonly maxQueued: number;
  private readonly retryAfterMs: number;
  private readonly turns: ResourcePool<number>;
  private closed = false;

  /** @throws InvalidArgumentError (`invalid_argument`) for bad options. */
  constructor(options: AdmissionOptions) {
    const parsed = parseOptions(AdmissionOptionsSchema, options, 'options');
    this.concurrency = parsed.concurrency;
    this.maxQueued = parsed.maxQueued;
    this.retryAfterMs = parsed.retryAfterMs;
    this.turns = new ResourcePool(Array.from({ length: parsed.concurrency }, (_, index) => index));
  }

  /** Requests working now. */
  get active(): number {
    return this.concurrency - this.turns.available;
  }

  /** Requests waiting for a turn. */
  get waiting(): number {
    return this.turns.waiting;
  }

  /**
   * Admits one request, waiting for a turn when all are taken. Give the turn back with the returned function.
   * @throws ApiError `model_queue_full` (429, `retryAfterMs`) when every turn is taken and `maxQueued` requests
   *   already wait; the signal's reason when it aborts while waiting; ApiError `service_closed` (503) after `close()`.
   */
  async admit(signal?: AbortSignal): Promise<ReleaseAdmission> {
    if (this.closed) throw closedError();
    if (this.turns.available === 0 && this.turns.waiting >= this.maxQueued) {
      throw new ApiError('model_queue_full', `all ${this.concurrency} sequence(s) are busy and ${this.maxQueued} request(s) already wait; retry later`, { retryAfterMs: this.retryAfterMs });
    }
    const turn = await this.turns.acquire(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.turns.release(turn);
    };
  }

  /** Refuses waiting and later requests with 503 `service_closed`; admitted ones keep their turn. */
  close(): void {
    this.closed = true;
    this.turns.close(closedError);
  }
}

function closedError(): ApiError {
  return new ApiError('service_closed', 'the model server is shutting down');
}
