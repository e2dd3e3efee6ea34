/**
 * @module orchestrate/project-build/build-files
 * The files a build commits: the plan (the task DAG as `plan.json` and `PLAN.md`) after decomposition, and the
 * integrated project (modules, tests, package.json, ...) of the settled tasks at each topological level and after
 * integration. Everything here is a pure function of the build state, byte-identical for identical state, so
 * that a resumed build writes exactly the tree an uninterrupted one writes.
 */
import { taskGraphOf, type BuildNode, type BuildState } from './build-journal.js';
import { projectFiles } from './integrate/project-files.js';
import { PYTHON_GITIGNORE } from './integrate/python-project.js';

/**
 * `.gitignore` of a built TypeScript project. The reports are left out of git: they hold wall-clock times and change
 * with every resumed session, while the committed tree is deterministic.
 */
export const PROJECT_GITIGNORE = ['node_modules/', 'dist/', '.zerr/', 'report.json', 'REPORT.md', ''].join('\n');

/** `.gitignore` of a built Python project: the project's own ignores and the reports. */
export const PYTHON_PROJECT_GITIGNORE = `${PYTHON_GITIGNORE}report.json\nREPORT.md\n`;

/** The plan: `plan.json`, `PLAN.md` and the `.gitignore`. */
export function planFiles(state: BuildState): Record<string, string> {
  const nodes = [...state.nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  const graph = taskGraphOf(state);
  const levels = graph.topologicalLevels();
  const tasks = nodes.map((node) => ({
    id: node.id, name: node.spec.name, description: node.spec.description, signature: node.spec.signature,
    dependencies: node.dependencies, level: graph.levelOf(node.id), depth: node.depth,
    testCases: node.spec.testCases.length,
  }));
  const plan = { requirements: state.request.requirements, tasks, levels, ...(state.service === undefined ? {} : { service: state.service }) };
  const rows = tasks.map((task) => `| ${task.level} | ${task.id} | \`${signatureText(nodeOf(state, task.id))}\` | ${task.dependencies.join(', ') || '-'} | ${task.testCases} |`);
  const markdown = [
    `# Plan: ${state.request.name}`, '', state.request.requirements.trim(), '',
    `${tasks.length} task(s) in ${levels.length} topological level(s).`, '',
    '| level | task | signature | uses | tests |', '| --- | --- | --- | --- | --- |', ...rows, '',
  ].join('\n');
  const gitignore = state.request.language === 'python' ? PYTHON_PROJECT_GITIGNORE : PROJECT_GITIGNORE;
  return { 'plan.json': `${JSON.stringify(plan, null, 2)}\n`, 'PLAN.md': markdown, '.gitignore': gitignore };
}

/** The project made of the settled tasks `nodeIds` (all of them must be settled), plus the plan. */
export function buildFiles(state: BuildState, nodeIds: readonly string[]): Record<string, string> {
  const pieces = [...nodeIds].sort().map((nodeId) => {
    const node = nodeOf(state, nodeId);
    const settled = state.settled.get(nodeId);
    if (settled === undefined) throw new Error(`task ${nodeId} has no verified code yet`);
    return { nodeId, spec: node.spec, code: settled.code, dependencies: node.dependencies, source: settled.source };
  });
  // The service's server is written once every handler is settled (level commits before that hold the pieces alone).
  const service = state.service !== undefined && state.service.routes.every((route) => nodeIds.includes(route.handler)) ? state.service : undefined;
  return { ...projectFiles({ name: state.request.name, requirements: state.request.requirements, pieces, service }), ...planFiles(state) };
}

function nodeOf(state: BuildState, id: string): BuildNode {
  const node = state.nodes.get(id);
  if (node === undefined) throw new Error(`unknown task ${id}`);
  return node;
}

function signatureText(node: BuildNode): string {
  const { signature } = node.spec;
  const inputs = signature.inputs.map((input) => `${input.name}: ${input.type}`).join(', ');
  return node.spec.language === 'python' ? `${signature.entryPoint}(${inputs}) -> ${signature.output.type}` : `${signature.entryPoint}(${inputs}): ${signature.output.type}`;
}
