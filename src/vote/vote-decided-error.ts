/**
 * @module vote/vote-decided-error
 * Thrown when a vote is cast into a first-to-ahead-by-k vote that has already been decided.
 */
import { ZeroErrorError } from '../errors/index.js';

/**
 * A vote was cast after the vote was decided. Sampling should have stopped at the decision: this is a caller bug,
 * never retryable.
 *
 * Code: `vote_already_decided`.
 */
export class VoteDecidedError extends ZeroErrorError {
  /** The class key that won. */
  readonly winner: string;

  constructor(options: { winner: string }) {
    super('vote_already_decided', `The vote is already decided (winner ${options.winner}); no further votes may be cast.`);
    this.winner = options.winner;
  }
}
