/**
 * @module store/record-order
 * The one ordering every backend returns records in: by task id (binary order of the UTF-8 bytes, i.e. SQLite's
 * BINARY collation, which is Unicode code point order), then by sample index, then in recording order.
 */

/** Compares two ids by code point (same as SQLite's BINARY collation on UTF-8 text). */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Sorts records by (taskId, sampleIndex); records without a sample index sort by task only. Stable, so records
 * that tie keep the order they were given in (recording order). Returns a new array.
 */
export function sortByTaskAndSample<T extends { readonly taskId: string; readonly sampleIndex?: number }>(
  records: readonly T[],
): T[] {
  return [...records].sort((a, b) => compareIds(a.taskId, b.taskId) || (a.sampleIndex ?? 0) - (b.sampleIndex ?? 0));
}
