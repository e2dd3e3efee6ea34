/**
 * @module server/auth-failure-limiter
 * Counts failed authentications per client (IP address) in fixed one-minute windows. A client that failed
 * `maxFailures` times is refused (429 `auth_rate_limited`, `Retry-After`) for the rest of the window without its key
 * being hashed, so a flood of bad keys costs the server a map lookup per request. Keys verified before are still
 * accepted from a blocked client (the server answers those from its cache), so a user behind the same address as an
 * attacker keeps working. Memory is bounded: at most `maxClients` clients are tracked, the oldest windows first
 * to go.
 */
import { z } from 'zod';
import { parseOptions } from '../index.js';

/** Options of an {@link AuthFailureLimiter}. */
export interface AuthFailureLimiterOptions {
  /** Failed authentications a client may have per window before it is blocked. Default 10. */
  readonly maxFailures?: number;
  /** Window length, ms. Default 60 000. */
  readonly windowMs?: number;
  /** Clients tracked at most. Default 10 000. */
  readonly maxClients?: number;
  /** Clock, ms epoch. Default `Date.now`. */
  readonly now?: () => number;
}

const OptionsSchema = z.object({
  maxFailures: z.number().int().positive().optional(),
  windowMs: z.number().int().positive().optional(),
  maxClients: z.number().int().positive().optional(),
  now: z.custom<() => number>((value) => typeof value === 'function', 'a function returning ms epoch').optional(),
}).strict();

/** Failed authentications per client in fixed windows. */
export class AuthFailureLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly #maxClients: number;
  readonly #now: () => number;
  /** Client -> failures in the window that started at `since`; Map order is insertion order (oldest window first). */
  readonly #clients = new Map<string, { since: number; failures: number }>();

  /** @throws InvalidArgumentError (`invalid_argument`, e.g. parameter `options.maxFailures`). */
  constructor(options: AuthFailureLimiterOptions = {}) {
    const parsed = parseOptions(OptionsSchema, options, 'options');
    this.maxFailures = parsed.maxFailures ?? 10;
    this.windowMs = parsed.windowMs ?? 60_000;
    this.#maxClients = parsed.maxClients ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Clients tracked now. */
  get size(): number {
    return this.#clients.size;
  }

  /** How long `client` stays blocked, ms; 0 when it may try a key. */
  blockedForMs(client: string): number {
    const entry = this.#clients.get(client);
    if (entry === undefined) return 0;
    const left = entry.since + this.windowMs - this.#now();
    if (left <= 0) {
      this.#clients.delete(client);
      return 0;
    }
    return entry.failures >= this.maxFailures ? left : 0;
  }

  /** Counts one failed authentication of `client`. */
  recordFailure(client: string): void {
    const now = this.#now();
    const entry = this.#clients.get(client);
    if (entry !== undefined && now - entry.since < this.windowMs) {
      entry.failures += 1;
      return;
    }
    this.#clients.delete(client);
    this.#clients.set(client, { since: now, failures: 1 });
    while (this.#clients.size > this.#maxClients) {
      const oldest = this.#clients.keys().next();
      if (oldest.done === true) break;
      this.#clients.delete(oldest.value);
    }
  }
}
