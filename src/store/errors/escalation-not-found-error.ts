/**
 * @module store/errors/escalation-not-found-error
 * Thrown when an escalation id names nothing in an existing run.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * `answerEscalation` named an escalation the run does not hold (the run itself exists; an unknown run throws
 * `RunNotFoundError`).
 *
 * Code: `escalation_not_found`. Not retryable: list the run's escalations for the ids it has.
 */
export class EscalationNotFoundError extends ZeroErrorError {
  /** The run that was searched. */
  readonly runId: string;
  /** The escalation id that was not found. */
  readonly escalationId: string;

  constructor(options: { runId: string; escalationId: string; cause?: unknown }) {
    super(
      'escalation_not_found',
      `Escalation ${JSON.stringify(options.escalationId)} does not exist in run ${JSON.stringify(options.runId)}.`,
      { cause: options.cause },
    );
    this.runId = options.runId;
    this.escalationId = options.escalationId;
  }
}
