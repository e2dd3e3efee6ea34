/**
 * @module orchestrate/project-build/build-errors
 * Errors of `zerr build`: a run that is not a build (or whose checkpoints are malformed), and a budget that stopped
 * the build.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/** A run's checkpoints are not a build's, or one is malformed. Code: `not_a_build`. */
export class BuildJournalError extends ZeroErrorError {
  constructor(message: string) {
    super('not_a_build', message);
  }
}

/**
 * A per-run budget (`--max-cost-usd`, `--max-tokens`, `--max-wall-ms`) was reached. Used as the abort reason that
 * stops the build cleanly; the build is then `paused` and resumable. Code: `budget_exceeded`.
 */
export class BudgetExceededError extends ZeroErrorError {
  /** Which budget: `maxCostUsd`, `maxTokens` or `maxWallMs`. */
  readonly budget: string;
  readonly limit: number;
  readonly used: number;

  constructor(options: { budget: string; limit: number; used: number }) {
    super('budget_exceeded', `budget ${options.budget} reached: ${round(options.used)} used of ${round(options.limit)}`);
    this.budget = options.budget;
    this.limit = options.limit;
    this.used = options.used;
  }
}

/** A build that cannot continue: nothing to resume, or a run that is already complete. Code: `build_not_resumable`. */
export class BuildNotResumableError extends ZeroErrorError {
  constructor(message: string) {
    super('build_not_resumable', message);
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * The integrated project failed verification and no task's code could be blamed (e.g. an error only in the generated
 * `src/index.ts`): an engine defect rather than a task's, so the build fails instead of re-solving tasks at random.
 * Code: `integration_untraced`.
 */
export class IntegrationUntracedError extends ZeroErrorError {
  constructor(message: string) {
    super('integration_untraced', message);
  }
}
