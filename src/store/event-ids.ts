/**
 * @module store/event-ids
 * The one rule of a run's event log, the same in every backend: appended ids continue the log without gaps.
 */
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { DuplicateRecordError } from './errors/duplicate-record-error.js';
import { recordKeys } from './record-keys.js';

/**
 * Checks that `ids` are `last + 1`, `last + 2`, ... in order.
 * @throws DuplicateRecordError (record `event`) for an id already in the log (<= `last`) or repeated in the batch;
 *   InvalidArgumentError (`events.<i>.id`) for an id that leaves a gap.
 */
export function assertEventIdsContinue(runId: string, last: number, ids: readonly number[]): void {
  ids.forEach((id, index) => {
    const expected = last + index + 1;
    if (id === expected) return;
    if (id < expected) throw new DuplicateRecordError({ runId, record: 'event', key: recordKeys.event({ id }) });
    throw new InvalidArgumentError({ parameter: `events.${index}.id`, value: id, expected: `${expected} (the log continues without gaps)` });
  });
}
