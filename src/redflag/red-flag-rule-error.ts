/**
 * @module redflag/red-flag-rule-error
 * Thrown when a red-flag rule itself fails (a bug or a tokenizer crash), as opposed to flagging a sample.
 */
import { ZeroErrorError } from '../errors/index.js';

/**
 * A red-flag rule threw while checking a sample. The sample is neither kept nor discarded: the caller decides.
 *
 * Code: `red_flag_rule_failed`.
 */
export class RedFlagRuleError extends ZeroErrorError {
  /** Name of the failing rule. */
  readonly rule: string;

  constructor(options: { rule: string; cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super('red_flag_rule_failed', `Red-flag rule ${options.rule} failed: ${reason}`, { cause: options.cause });
    this.rule = options.rule;
  }
}
