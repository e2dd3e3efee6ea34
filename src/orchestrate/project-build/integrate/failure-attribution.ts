/**
 * @module orchestrate/project-build/integrate/failure-attribution
 * Traces a project's type errors and failing tests to the DAG nodes to blame.
 *
 * A problem in `src/x.ts`, or in `test/x.test.ts` (a type error or a failing test), marks the node whose module is
 * `x` as affected (in Python `src/<package>/x.py` and `tests/test_x.py`). Only the root causes are named failing: an affected node none of whose (transitive)
 * dependencies is affected. When `splitWords` returns a wrong value, the tests of `countWords`, which calls it,
 * fail too; the one to fix is `splitWords`, and `countWords` is checked again once it is. An error in a module
 * imported by others is so attributed to that module's node, not to its importers.
 */
import type { PlannedModule } from './project-layout.js';
import { compareCodeUnits } from './project-layout.js';

/** Where a problem was found: a project-relative file, or the node it is known to come from (a service's handler). */
export interface LocatedProblem {
  readonly file: string;
  readonly nodeId?: string | undefined;
}

/** The nodes to blame. */
export interface FailureAttribution {
  /** Root causes, sorted: affected nodes with no affected dependency. */
  readonly failingNodeIds: readonly string[];
  /** Every node with a problem in its own module or test file, sorted. */
  readonly affectedNodeIds: readonly string[];
}

/** Attributes problems (type errors, failing tests) to nodes; see the module comment. */
export function attributeFailures(modules: readonly PlannedModule[], problems: readonly LocatedProblem[]): FailureAttribution {
  // A module's own files: its source and its test file (`src/x.ts` and `test/x.test.ts`; `src/pkg/x.py` and `tests/test_x.py`).
  const nodeOfFile = new Map(modules.flatMap((m) => [[m.sourcePath, m.piece.nodeId], [m.testPath, m.piece.nodeId]] as const));
  const dependencies = new Map(modules.map((m) => [m.piece.nodeId, m.piece.dependencies] as const));
  const affected = new Set<string>();
  for (const problem of problems) {
    const node = problem.nodeId ?? nodeOfFile.get(problem.file);
    if (node !== undefined) affected.add(node);
  }
  const reach = (node: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(dependencies.get(node) ?? [])];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(dependencies.get(next) ?? []));
    }
    return seen;
  };
  // In a dependency cycle (which a DAG should not have) the affected members blame no one of their own cycle.
  const blamesDependency = (node: string): boolean => [...reach(node)].some((dependency) => affected.has(dependency) && !reach(dependency).has(node));
  const affectedNodeIds = [...affected].sort(compareCodeUnits);
  return { affectedNodeIds, failingNodeIds: affectedNodeIds.filter((node) => !blamesDependency(node)) };
}
