/**
 * @module cli/format-counts
 * Counts by name as the CLI's summaries print them after a total: ` (http_503 2, network 1)`.
 */

/** ` (name count, name count)`, in insertion order, or the empty string when there are none. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([name, count]) => `${name} ${count}`).join(', ')})`;
}
