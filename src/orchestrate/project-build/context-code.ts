/**
 * @module orchestrate/project-build/context-code
 * The retrieved context of a task (seed guide: execute with retrieved context): the verified code of every task it
 * depends on, directly or not, in topological order, so that the candidate can call them and the verification
 * layers see their declarations.
 */
import type { BuildNode, SettledTask } from './build-journal.js';

/**
 * Concatenates the settled code of `node`'s transitive dependencies, dependencies before dependents (ties by id).
 * @throws Error when a dependency is not settled (the scheduler only starts tasks whose dependencies are).
 */
export function contextCode(node: BuildNode, nodes: ReadonlyMap<string, BuildNode>, settled: ReadonlyMap<string, SettledTask>): string {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dependency of [...(nodes.get(id)?.dependencies ?? [])].sort()) visit(dependency);
    order.push(id);
  };
  for (const dependency of [...node.dependencies].sort()) visit(dependency);
  return order.map((id) => {
    const code = settled.get(id)?.code;
    if (code === undefined) throw new Error(`dependency ${id} of ${node.id} has no verified code yet`);
    return code.endsWith('\n') ? code : `${code}\n`;
  }).join('');
}
