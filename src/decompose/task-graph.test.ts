import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ZeroErrorError } from '../errors/zero-error-error.js';
import { DependencyCycleError } from './dependency-cycle-error.js';
import { TaskGraph, type TaskNode } from './task-graph.js';
import { UnknownDependencyError } from './unknown-dependency-error.js';

const caught = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

/** A random DAG: edges only from a higher to a lower index; ids shuffled so order never follows the index. */
const dags = fc.integer({ min: 1, max: 25 }).chain((size) => fc.record({
  edges: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: size * 3 }),
  names: fc.shuffledSubarray([...Array(size).keys()].map((index) => `n${String(index).padStart(2, '0')}`), { minLength: size, maxLength: size }),
}).map(({ edges, names }) => names.map((id, index): TaskNode => ({
  id,
  dependencies: [...new Set(edges.filter(([a, b]) => a === index && b < a).map(([, b]) => names[b] as string))],
}))));

describe('TaskGraph', () => {
  const tasks: TaskNode[] = [
    { id: 'calculate', dependencies: ['tokenize', 'evaluate'] },
    { id: 'evaluate', dependencies: ['parse'] },
    { id: 'parse', dependencies: ['tokenize'] },
    { id: 'tokenize', dependencies: [] },
    { id: 'format', dependencies: [] },
  ];

  test('topological order with ties broken by id; levels; dependents; dependencies', () => {
    const graph = TaskGraph.fromTasks(tasks);
    expect(graph.topologicalOrder()).toEqual(['format', 'tokenize', 'parse', 'evaluate', 'calculate']);
    expect(graph.topologicalLevels()).toEqual([['format', 'tokenize'], ['parse'], ['evaluate'], ['calculate']]);
    expect(graph.levelOf('calculate')).toBe(3);
    expect(graph.dependents('tokenize')).toEqual(['calculate', 'parse']);
    expect(graph.dependencies('calculate')).toEqual(['evaluate', 'tokenize']);
    expect(graph.size).toBe(5);
    expect(() => graph.levelOf('nope')).toThrow(/Invalid argument id: got "nope"/);
  });

  test('ready: not done, not started, every dependency done; sorted', () => {
    const graph = TaskGraph.fromTasks(tasks);
    expect(graph.ready(new Set())).toEqual(['format', 'tokenize']);
    expect(graph.ready(new Set(['tokenize']), new Set(['format']))).toEqual(['parse']);
    expect(graph.ready(new Set(['tokenize', 'parse', 'format']))).toEqual(['evaluate']);
    expect(graph.ready(new Set(tasks.map((task) => task.id)))).toEqual([]);
  });

  test('an unknown dependency throws unknown_dependency naming the task and the missing id', () => {
    const error = caught(() => TaskGraph.fromTasks([{ id: 'a', dependencies: ['ghost'] }]));
    expect(error).toBeInstanceOf(UnknownDependencyError);
    expect(error).toBeInstanceOf(ZeroErrorError);
    expect(error).toMatchObject({ code: 'unknown_dependency', taskId: 'a', dependency: 'ghost' });
  });

  test('a cycle throws dependency_cycle naming it in order; a self-dependency too', () => {
    const error = caught(() => TaskGraph.fromTasks([
      { id: 'a', dependencies: ['c'] }, { id: 'b', dependencies: ['a'] }, { id: 'c', dependencies: ['b'] }, { id: 'd', dependencies: [] },
    ]));
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect(error).toMatchObject({ code: 'dependency_cycle', cycle: ['a', 'c', 'b', 'a'] });
    expect((error as Error).message).toContain('a -> c -> b -> a');
    expect(caught(() => TaskGraph.fromTasks([{ id: 'x', dependencies: ['x'] }]))).toMatchObject({ cycle: ['x', 'x'] });
  });

  test('a duplicate id is an invalid argument', () => {
    expect(() => TaskGraph.fromTasks([{ id: 'a', dependencies: [] }, { id: 'a', dependencies: [] }])).toThrow(/tasks\.1\.id/);
  });

  test('property: every edge goes from a lower level to a higher one, and the order respects every edge', () => {
    fc.assert(fc.property(dags, (nodes) => {
      const graph = TaskGraph.fromTasks(nodes);
      const position = new Map(graph.topologicalOrder().map((id, index) => [id, index]));
      expect(position.size).toBe(nodes.length);
      for (const node of nodes) {
        for (const dependency of node.dependencies) {
          expect(graph.levelOf(dependency)).toBeLessThan(graph.levelOf(node.id));
          expect(position.get(dependency) as number).toBeLessThan(position.get(node.id) as number);
        }
        const level = graph.levelOf(node.id);
        expect(level).toBe(node.dependencies.length === 0 ? 0 : 1 + Math.max(...node.dependencies.map((id) => graph.levelOf(id))));
      }
      expect(graph.topologicalLevels().flat().sort()).toEqual(nodes.map((node) => node.id).sort());
    }), { numRuns: 200 });
  });

  test('property: the order does not depend on the order the tasks are given in', () => {
    fc.assert(fc.property(dags, fc.nat(), (nodes, seed) => {
      const shuffled = [...nodes].sort((a, b) => ((hash(a.id, seed) - hash(b.id, seed)) || (a.id < b.id ? -1 : 1)));
      expect(TaskGraph.fromTasks(shuffled).topologicalOrder()).toEqual(TaskGraph.fromTasks(nodes).topologicalOrder());
    }), { numRuns: 100 });
  });

  test('property: adding a back edge (a dependency on a task that depends on it) is rejected as a cycle', () => {
    const withPath = dags.filter((nodes) => nodes.some((node) => node.dependencies.length > 0));
    fc.assert(fc.property(withPath, fc.nat(), (nodes, pick) => {
      const dependents = nodes.filter((node) => node.dependencies.length > 0);
      const node = dependents[pick % dependents.length] as TaskNode;
      const dependency = node.dependencies[pick % node.dependencies.length] as string;
      const back = nodes.map((each) => each.id === dependency ? { ...each, dependencies: [...each.dependencies, node.id] } : each);
      const error = caught(() => TaskGraph.fromTasks(back));
      expect(error).toBeInstanceOf(DependencyCycleError);
      const cycle = (error as DependencyCycleError).cycle;
      expect(cycle[0]).toBe(cycle[cycle.length - 1]);
      const byId = new Map(back.map((each) => [each.id, each.dependencies]));
      for (let index = 0; index + 1 < cycle.length; index += 1) {
        expect(byId.get(cycle[index] as string)).toContain(cycle[index + 1]);
      }
    }), { numRuns: 200 });
  });
});

function hash(text: string, seed: number): number {
  let value = seed | 0;
  for (const char of text) value = Math.imul(value ^ char.charCodeAt(0), 16777619);
  return value;
}
