/**
 * @module orchestrate/run-id
 * Run identifiers: sortable by start time, unique, safe in file names and URLs.
 */
import { randomBytes } from 'node:crypto';

/** A new run id such as `run-20261121-153012-a3f9c1`. */
export function newRunId(now: Date = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const stamp =
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}
