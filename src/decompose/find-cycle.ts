/**
 * @module decompose/find-cycle
 * Finds one dependency cycle, in order, for red flags and errors that must name it (`a -> b -> a`).
 */

/**
 * One cycle of the "depends on" relation, as a closed path `[a, b, ..., a]` where each id depends on the next, or
 * null when there is none. Dependencies on ids not in `dependencies` are ignored. Deterministic: ids and their
 * dependencies are visited in code-unit order, and the cycle is rotated to start at its smallest id.
 * @param dependencies id -> ids it depends on.
 */
export function findCycle(dependencies: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 'open');
    path.push(id);
    for (const next of [...new Set(dependencies.get(id) ?? [])].sort(compare)) {
      if (!dependencies.has(next)) continue;
      const seen = state.get(next);
      if (seen === 'open') return rotate(path.slice(path.indexOf(next)));
      if (seen === undefined) {
        const found = visit(next);
        if (found !== null) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of [...dependencies.keys()].sort(compare)) {
    if (state.has(id)) continue;
    const found = visit(id);
    if (found !== null) return found;
  }
  return null;
}

/** `[b, c, a]` -> `[a, b, c, a]`: starts at the smallest id and closes the path. */
function rotate(cycle: readonly string[]): string[] {
  const start = cycle.indexOf([...cycle].sort(compare)[0] ?? '');
  const ordered = [...cycle.slice(start), ...cycle.slice(0, start)];
  return [...ordered, ordered[0] ?? ''];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
