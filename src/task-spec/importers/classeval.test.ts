import { describe, expect, it } from 'vitest';
import { checkSpecSync } from '../check-spec.js';
import { importClassEvalRecords, loadClassEval, type ClassEvalRecord } from './classeval.js';
import { resolveDatasetProblem } from './dataset.js';

const DATA_DIR = new URL('../../../../shared', import.meta.url).pathname;

/** A hand-written record in ClassEval's shape (not from the dataset). */
function record(skeleton: string, extra: Partial<ClassEvalRecord> = {}): ClassEvalRecord {
  return {
    task_id: 'Test_1', skeleton, test: 'import unittest\n', solution_code: '', import_statement: [], class_description: '',
    class_name: 'Counter', test_classes: [], fields: ['self.total'], ...extra,
  };
}

const COUNTER = `class Counter:
    """
    Counts.
    """

    def __init__(self, start=0):
        """
        :param start: int, where to start
        >>> c = Counter(2)
        >>> c.total
        2
        """
        self.total = start

    def add(self, n):
        """
        Add n.
        :param n: int, how much
        :return: int, the new total
        >>> c = Counter()
        >>> c.add(3)
        3
        >>> c.total = 10
        >>> c.add(1)
        11
        """

    def merge(self, other):
        """
        :param other: Counter, another counter
        >>> c = Counter(1)
        >>> c.merge(Counter(5))
        >>> c.add(1)
        7
        """

    @staticmethod
    def zero():
        """
        :return: int
        >>> Counter.zero()
        0
        """

    def double(self):
        """
        :return: int
        >>> c.add(1)
        3
        >>> c = Counter(4)
        >>> r = c.double()
        >>> r
        8
        """

    def reset(self):
        """
        >>> c = Counter(1)
        >>> c.rest()
        """
`;

describe('importClassEvalRecords', () => {
  it('turns the >>> examples into call sequences: construct, call, read, assign', async () => {
    const { problems, notImported, examplesSkipped } = await importClassEvalRecords([record(COUNTER)]);
    expect(notImported).toEqual([]);
    const [problem] = problems;
    const spec = problem?.spec;
    expect(spec?.taskType).toBe('class');
    expect(spec?.signature).toEqual({ entryPoint: 'Counter', inputs: [{ name: 'start', type: 'int', description: 'default: as in the skeleton' }], output: { type: 'Counter' } });
    expect(spec?.methods.map((m) => [m.name, m.inputs.map((p) => p.type), m.output.type])).toEqual([['add', ['int'], 'int'], ['merge', ['Any'], 'Any'], ['zero', [], 'int'], ['double', [], 'int'], ['reset', [], 'Any']]);
    expect(spec?.sequences.map((s) => [s.construct, s.steps.map((step) => step.call ?? step.field ?? `set ${step.set ?? ''}`)])).toEqual([
      [[2], ['total']],
      [[], ['add', 'set total', 'add']],
      [[2], ['zero']], // a static method called on the class: through an instance built as the first example builds one
      [[4], ['double']], // 'r = c.double()' then '>>> r': one step, its expected value from the second example
    ]);
    expect(spec?.sequences[3]?.steps[0]?.expected).toBe(8);
    expect(spec?.sequences[1]?.steps.map((step) => step.expected ?? step.value)).toEqual([3, 10, 11]);
    // merge's second example passes a Counter (not a literal): it is not a step, and the one after it would run on an
    // instance in another state, so it is not one either. double's first example uses the c of another docstring.
    expect([...examplesSkipped]).toEqual([
      ['an argument is not a literal', 1], ['follows an example that is not a step', 1], ['uses an instance built in another docstring', 1],
      ['in a sequence that does not check against the class', 1], // reset's example calls c.rest(), which Counter lacks
    ]);
    expect(spec !== undefined && checkSpecSync(spec, 's')).toEqual([]);
    expect(spec?.stub).toContain('def add(self, n):');
    expect(problem?.hidden.program).toBe('\nimport unittest\n');
  });

  it('lists what it cannot import, with why, and goes on', async () => {
    const result = await importClassEvalRecords([record('class Counter:\n    """unterminated\n'), record(COUNTER, { task_id: 'Test_2', class_name: 'Other' })]);
    expect(result.problems).toEqual([]);
    expect(result.notImported.map((n) => [n.taskId, n.reason.replace(/ \(.*$/, '')])).toEqual([
      ['Test_1', 'the skeleton does not parse: unterminated triple-quoted string literal'],
      ['Test_2', 'the skeleton defines no class Other'],
    ]);
  });
});

describe('the ClassEval file', () => {
  it('imports 96 of its 100 tasks as class specs that check, 76 of them with call sequences', async () => {
    const { problems, notImported } = await loadClassEval({ dataDir: DATA_DIR });
    expect(problems).toHaveLength(96);
    expect(notImported.map((n) => n.taskId)).toEqual(['ClassEval_5', 'ClassEval_22', 'ClassEval_43', 'ClassEval_46']);
    expect(problems.filter((p) => p.spec.sequences.length > 0)).toHaveLength(76);
    for (const problem of problems) expect(checkSpecSync(problem.spec, problem.spec.id)).toEqual([]);
    const area = await resolveDatasetProblem('classeval:ClassEval_1', { dataDir: DATA_DIR });
    expect(area.spec.signature.entryPoint).toBe('AreaCalculator');
  });
});
