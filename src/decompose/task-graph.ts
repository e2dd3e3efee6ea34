/**
 * @module decompose/task-graph
 * The DAG of tasks of a build (seed implementation guide §3: hierarchical decomposition into a dependency graph of
 * atomic tasks), on @dagrejs/graphlib: topological order, topological levels (tasks of one level can run in
 * parallel) and the tasks ready to run. An edge `b -> a` means `a` depends on `b` (b's verified code comes first).
 */
import { alg, Graph } from '@dagrejs/graphlib';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { DependencyCycleError } from './dependency-cycle-error.js';
import { findCycle } from './find-cycle.js';
import { UnknownDependencyError } from './unknown-dependency-error.js';

/** What a task contributes to the graph. */
export interface TaskNode {
  readonly id: string;
  readonly dependencies: readonly string[];
}

/** An immutable, validated task DAG. Build it with {@link TaskGraph.fromTasks}. */
export class TaskGraph {
  readonly #graph: Graph;
  readonly #order: readonly string[];
  readonly #levels: ReadonlyMap<string, number>;

  private constructor(graph: Graph) {
    this.#graph = graph;
    this.#order = kahn(graph);
    const levels = new Map<string, number>();
    for (const id of this.#order) {
      const parents = graph.predecessors(id) ?? [];
      levels.set(id, parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => levels.get(parent) ?? 0)));
    }
    this.#levels = levels;
  }

  /**
   * Builds the graph. Repeated dependencies count once.
   * @throws InvalidArgumentError (`invalid_argument`, parameter `tasks.<i>.id`) for a duplicate or empty id;
   *   UnknownDependencyError (`unknown_dependency`, naming the task and the missing id) for the first dependency,
   *   in task order, that is not a task; DependencyCycleError (`dependency_cycle`) naming a cycle in order.
   */
  static fromTasks(tasks: readonly TaskNode[]): TaskGraph {
    const graph = new Graph({ directed: true });
    tasks.forEach((task, index) => {
      if (typeof task.id !== 'string' || task.id === '') {
        throw new InvalidArgumentError({ parameter: `tasks.${index}.id`, value: task.id, expected: 'a non-empty string' });
      }
      if (graph.hasNode(task.id)) {
        throw new InvalidArgumentError({ parameter: `tasks.${index}.id`, value: task.id, expected: 'an id unique among the tasks' });
      }
      graph.setNode(task.id);
    });
    for (const task of tasks) {
      for (const dependency of task.dependencies) {
        if (!graph.hasNode(dependency)) throw new UnknownDependencyError({ taskId: task.id, dependency });
        graph.setEdge(dependency, task.id);
      }
    }
    if (!alg.isAcyclic(graph)) {
      const cycle = findCycle(new Map(tasks.map((task) => [task.id, task.dependencies])));
      throw new DependencyCycleError({ cycle: cycle ?? [] });
    }
    return new TaskGraph(graph);
  }

  /** Number of tasks. */
  get size(): number {
    return this.#order.length;
  }

  /** Every task id, in code-unit order. */
  ids(): string[] {
    return [...this.#order].sort(compare);
  }

  /** Whether `id` is a task of the graph. */
  has(id: string): boolean {
    return this.#graph.hasNode(id);
  }

  /**
   * A topological order: every task after all its dependencies. Deterministic: among tasks ready at the same time
   * the smallest id (code-unit order) comes first (Kahn's algorithm with a sorted ready set).
   */
  topologicalOrder(): string[] {
    return [...this.#order];
  }

  /**
   * Tasks by topological level: level 0 has no dependencies; a task's level is 1 + the largest level of its
   * dependencies. Ids sorted within a level.
   */
  topologicalLevels(): string[][] {
    const levels: string[][] = [];
    for (const id of this.ids()) {
      const level = this.levelOf(id);
      (levels[level] ??= []).push(id);
    }
    return levels;
  }

  /**
   * Topological level of `id` (see {@link TaskGraph.topologicalLevels}).
   * @throws InvalidArgumentError (`invalid_argument`, parameter `id`) for an id not in the graph.
   */
  levelOf(id: string): number {
    const level = this.#levels.get(id);
    if (level === undefined) throw unknownId(id);
    return level;
  }

  /** Direct dependencies of `id`, sorted. @throws InvalidArgumentError for an unknown id. */
  dependencies(id: string): string[] {
    if (!this.has(id)) throw unknownId(id);
    return [...(this.#graph.predecessors(id) ?? [])].sort(compare);
  }

  /** Tasks that depend directly on `id`, sorted. @throws InvalidArgumentError for an unknown id. */
  dependents(id: string): string[] {
    if (!this.has(id)) throw unknownId(id);
    return [...(this.#graph.successors(id) ?? [])].sort(compare);
  }

  /**
   * Tasks that can start now: not done, not started, and every dependency done. Sorted by id (code-unit order).
   * Ids in `done` or `started` that are not tasks are ignored.
   */
  ready(done: ReadonlySet<string>, started: ReadonlySet<string> = new Set()): string[] {
    return this.ids().filter((id) => !done.has(id) && !started.has(id) && this.dependencies(id).every((dependency) => done.has(dependency)));
  }
}

/** Kahn's algorithm, smallest ready id first. The graph is known to be acyclic. */
function kahn(graph: Graph): string[] {
  const remaining = new Map(graph.nodes().map((id) => [id, (graph.predecessors(id) ?? []).length]));
  const ready = [...remaining].filter(([, count]) => count === 0).map(([id]) => id).sort(compare);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const next of graph.successors(id) ?? []) {
      const count = (remaining.get(next) ?? 0) - 1;
      remaining.set(next, count);
      if (count === 0) insertSorted(ready, next);
    }
  }
  return order;
}

function insertSorted(list: string[], value: string): void {
  let index = list.findIndex((item) => compare(item, value) > 0);
  if (index === -1) index = list.length;
  list.splice(index, 0, value);
}

function unknownId(id: string): InvalidArgumentError {
  return new InvalidArgumentError({ parameter: 'id', value: id, expected: 'the id of a task in the graph' });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
