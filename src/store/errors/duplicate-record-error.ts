/**
 * @module store/errors/duplicate-record-error
 * Thrown when a write would overwrite something already recorded.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/** Kinds of record a store keeps, as named in {@link DuplicateRecordError.record}. */
export type StoreRecordKind =
  | 'run'
  | 'task'
  | 'sample'
  | 'call-failure'
  | 'red-flag'
  | 'layer-result'
  | 'vote'
  | 'decision'
  | 'escalation'
  | 'event';

/**
 * The record is already stored (same run id; same task; same task + sampleIndex; same sample + rule; same sample +
 * layer; same task for decisions; same escalation id within the run; same event id within the run's event log). The stored record is kept unchanged.
 *
 * Code: `duplicate_record`. Not retryable.
 */
export class DuplicateRecordError extends ZeroErrorError {
  readonly runId: string;
  readonly record: StoreRecordKind;
  /** Human-readable key of the clashing record, e.g. `task "t1" sample 3`. */
  readonly key: string;

  constructor(options: { runId: string; record: StoreRecordKind; key: string; cause?: unknown }) {
    super(
      'duplicate_record',
      `Duplicate ${options.record} in run ${JSON.stringify(options.runId)}: ${options.key} is already recorded.`,
      { cause: options.cause },
    );
    this.runId = options.runId;
    this.record = options.record;
    this.key = options.key;
  }
}
