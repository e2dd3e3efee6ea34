/**
 * @module store/errors/escalation-answered-error
 * Thrown when an escalation that already has an answer is answered again.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * The escalation was answered before (possibly a moment ago, by a concurrent caller: of two racing answers exactly
 * one wins). The stored answer is kept unchanged.
 *
 * Code: `escalation_already_answered`. Not retryable.
 */
export class EscalationAnsweredError extends ZeroErrorError {
  readonly runId: string;
  readonly escalationId: string;
  /** Who gave the stored answer (as recorded), when known. */
  readonly answeredBy: string | null;
  /** When the stored answer was given (ms since the epoch, as recorded), when known. */
  readonly answeredAt: number | null;

  constructor(options: {
    runId: string;
    escalationId: string;
    answeredBy?: string | null;
    answeredAt?: number | null;
    cause?: unknown;
  }) {
    const by = options.answeredBy == null ? '' : ` by ${JSON.stringify(options.answeredBy)}`;
    super(
      'escalation_already_answered',
      `Escalation ${JSON.stringify(options.escalationId)} of run ${JSON.stringify(options.runId)} was already answered${by}; ` +
        'the first answer is kept.',
      { cause: options.cause },
    );
    this.runId = options.runId;
    this.escalationId = options.escalationId;
    this.answeredBy = options.answeredBy ?? null;
    this.answeredAt = options.answeredAt ?? null;
  }
}
