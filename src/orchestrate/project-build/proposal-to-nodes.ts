/**
 * @module orchestrate/project-build/proposal-to-nodes
 * Turns an accepted decomposition proposal into build nodes (seed guide §3, hierarchical decomposition): subtask
 * ids are qualified by the parent's id, sibling dependencies become node dependencies, children inherit the
 * parent's dependencies, and the child that implements the parent's entry point takes the parent's id, so that
 * nodes depending on the parent need no rewiring. A child is atomic when its estimated size is within the limits
 * (MAKER §3.1: decompose until each step is small) or the depth limit is reached.
 */
import { isAtomic } from '../../decompose/atomicity.js';
import type { DecompositionProposal } from '../../decompose/decomposition-proposal.js';
import { subtaskToSpec } from '../../decompose/subtask-to-spec.js';
import type { BuildNode } from './build-journal.js';
import type { BuildRequest } from './build-request.js';

/**
 * The nodes that replace `parent` (null: the root) after `proposal` was accepted.
 * @param parent the decomposed node; its spec's limits are the atomicity thresholds of its children.
 */
export function proposalToNodes(proposal: DecompositionProposal, parent: BuildNode | null, request: BuildRequest): BuildNode[] {
  const prefix = parent === null ? '' : `${parent.id}.`;
  const limits = parent === null
    ? { maxLines: request.maxLines, maxComplexity: request.maxComplexity }
    : { maxLines: parent.spec.limits.maxLines, maxComplexity: parent.spec.limits.maxComplexity };
  const depth = (parent?.depth ?? 0) + 1;
  const qualified = new Map(proposal.subtasks.map((subtask) => [
    subtask.id,
    parent !== null && subtask.signature.entryPoint === parent.spec.signature.entryPoint ? parent.id : `${prefix}${subtask.id}`,
  ]));
  return proposal.subtasks.map((subtask) => {
    const id = qualified.get(subtask.id) as string;
    const dependencies = [...new Set([
      ...subtask.dependencies.map((dependency) => qualified.get(dependency) ?? dependency),
      ...(parent?.dependencies ?? []),
    ])].sort();
    const spec = subtaskToSpec(subtask, {
      idPrefix: prefix, language: request.language,
      limits: { maxLines: limits.maxLines, maxComplexity: limits.maxComplexity },
      dependencies,
    });
    const atomic = isAtomic(subtask, limits);
    return { id, spec: { ...spec, id }, dependencies, depth, needsDecomposition: !atomic && depth <= request.maxDepth };
  });
}
