/**
 * @module llm/middleware/circuit-breaker
 * A circuit breaker around a model (cockatiel `circuitBreaker` + `ConsecutiveBreaker`): after N consecutive
 * failures calls are refused for a while instead of hammering a broken model.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { z } from 'zod';
import type { LanguageModelMiddleware } from '../language-model.js';
import { CircuitOpenError } from '../model-errors.js';
import { parseOptions } from '../../errors/parse-options.js';

/**
 * Breaker state: `CLOSED` (calls pass), `OPEN` (calls refused with `circuit_open`), `HALF_OPEN` (one trial call
 * passes; its success closes the circuit, its failure opens it again).
 */
export type CircuitBreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Error codes that count as a failure of the model (caller mistakes and aborts do not). */
const FAILURE_CODES = new Set(['model_call_failed', 'model_timeout', 'model_unavailable', 'model_empty_answer']);

const CircuitBreakerOptionsSchema = z
  .object({
    consecutiveFailures: z.number().int().min(1, 'an integer >= 1').default(5),
    halfOpenAfterMs: z.number().int().min(0, 'an integer >= 0 (ms)').default(30_000),
    provider: z.string().default('model'),
    modelId: z.string().default('model'),
  })
  .strict();

/** Options of {@link circuitBreakerMiddleware}. */
export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit. Default 5. */
  readonly consecutiveFailures?: number;
  /** Time OPEN before the next call is let through as a HALF_OPEN trial, in ms. Default 30_000. */
  readonly halfOpenAfterMs?: number;
  /** For CircuitOpenError messages. Defaults `model`. */
  readonly provider?: string;
  readonly modelId?: string;
}

/** The middleware plus its observable state (read by the metrics edge). */
export interface CircuitBreakerMiddleware extends LanguageModelMiddleware {
  /**
   * Current state. OPEN turns into HALF_OPEN lazily: on the first call after `halfOpenAfterMs` (cockatiel), so
   * an idle breaker reads OPEN until then.
   */
  readonly state: CircuitBreakerState;
  /** Subscribes to state changes; returns a function that unsubscribes. */
  onStateChange(listener: (state: CircuitBreakerState) => void): () => void;
}

const STATE_NAMES: Readonly<Record<CircuitState, CircuitBreakerState>> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'OPEN',
};

/**
 * Opens after `consecutiveFailures` consecutive failures (errors with code `model_call_failed`, `model_timeout`,
 * `model_empty_answer` or `model_unavailable`; invalid arguments, refusals, replay exhaustion and aborts neither
 * count nor reset - except that cockatiel closes a HALF_OPEN circuit when its trial call ends with such a
 * non-counting error). While OPEN, calls fail fast with {@link CircuitOpenError} (`circuit_open`, not retryable)
 * without reaching the model.
 * @throws InvalidArgumentError (`invalid_argument`) for bad options.
 */
export function circuitBreakerMiddleware(options: CircuitBreakerOptions = {}): CircuitBreakerMiddleware {
  const config = parseOptions(CircuitBreakerOptionsSchema, options, 'options');
  const policy = circuitBreaker(
    handleWhen((error) => FAILURE_CODES.has(String((error as { code?: unknown }).code))),
    { halfOpenAfter: config.halfOpenAfterMs, breaker: new ConsecutiveBreaker(config.consecutiveFailures) },
  );
  return {
    name: 'circuit-breaker',
    get state() {
      return STATE_NAMES[policy.state];
    },
    onStateChange(listener) {
      const subscription = policy.onStateChange((state) => listener(STATE_NAMES[state]));
      return () => subscription.dispose();
    },
    async wrapGenerate(callOptions, next) {
      try {
        return await policy.execute(() => next(callOptions), callOptions.signal);
      } catch (error) {
        if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
          throw new CircuitOpenError({ provider: config.provider, modelId: config.modelId, cause: error });
        }
        throw error;
      }
    },
  };
}
