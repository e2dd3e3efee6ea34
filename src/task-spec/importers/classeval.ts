/**
 * @module task-spec/importers/classeval
 * Imports ClassEval (Du et al. 2023, "ClassEval: A Manually-Crafted Benchmark to Evaluate LLMs on Class-level Code
 * Generation", arXiv 2308.01861; `../shared/bench/classeval/`, MIT) as class specs (`taskType: class`): the skeleton
 * is the stub the model sees, its methods and their docstring types the spec's methods, and its `>>>` examples the
 * visible call sequences (`classeval-skeleton.ts`). The unittest suite (`test`) is kept apart as the hidden tests,
 * for scoring only. Docstring types are words (`int`, `List`, `dict`); those Python names a type exactly, anything
 * else is `Any`, and a spec whose examples disagree with its docstring types is imported with every type `Any`
 * (ClassEval's docstrings are prose, not annotations). What cannot be imported is counted with its reason.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { checkSpecSync } from '../check-spec.js';
import { TaskSpecSchema, type BenchmarkProblem, type CallSequence, type Parameter, type SequenceStep, type TaskSpec, type TaskSpecInput } from '../task-spec.js';
import { parseClassEvalSkeletons, type ParsedSkeleton, type SkeletonParameter } from './classeval-skeleton.js';
import { DATASET_FILES, resolveDataDir } from './data-dir.js';
import { DatasetFileError } from './dataset-errors.js';

/** One ClassEval record (the fields the importer reads). */
export const ClassEvalRecordSchema = z.looseObject({
  task_id: z.string().min(1),
  skeleton: z.string().min(1),
  test: z.string().min(1),
  solution_code: z.string(),
  import_statement: z.array(z.string()),
  class_description: z.string(),
  class_name: z.string().min(1),
  test_classes: z.array(z.string()),
  fields: z.array(z.string()),
});
export type ClassEvalRecord = z.infer<typeof ClassEvalRecordSchema>;

/** Docstring type words that name a Python type exactly (lower-cased), and the type they name. */
const DOC_TYPES: Readonly<Record<string, string>> = {
  int: 'int', integer: 'int', float: 'float', str: 'str', string: 'str', bool: 'bool', boolean: 'bool',
  list: 'list', dict: 'dict', dictionary: 'dict', tuple: 'tuple', none: 'None',
};

function typeOf(word: string | undefined, loose: boolean): string {
  if (loose || word === undefined) return 'Any';
  return DOC_TYPES[word.trim().toLowerCase()] ?? 'Any';
}

function parameterOf(parameter: SkeletonParameter, loose: boolean): Parameter {
  const description = parameter.variadic === 'positional' ? 'variadic positional parameter (*args)'
    : parameter.variadic === 'keyword' ? 'variadic keyword parameter (**kwargs)'
      : parameter.hasDefault ? 'default: as in the skeleton' : undefined;
  return { name: parameter.name, type: typeOf(parameter.docType, loose), ...(description === undefined ? {} : { description }) };
}

/** What the import of the whole file found. */
export interface ClassEvalImport {
  /** The imported problems, in file order. */
  readonly problems: readonly BenchmarkProblem[];
  /** Tasks that could not be imported, with why. */
  readonly notImported: readonly { readonly taskId: string; readonly reason: string }[];
  /** Docstring examples that did not become steps, by reason (how many). */
  readonly examplesSkipped: ReadonlyMap<string, number>;
  /** Tasks imported with every type `Any` because their examples disagree with the docstring types. */
  readonly looselyTyped: readonly string[];
}

function stepOf(step: Extract<ParsedSkeleton, { kind: 'class' }>['examples'][number]['sequences'][number]['steps'][number]): SequenceStep {
  if (step.kind === 'set') return { set: step.field, value: step.value, args: [], expectThrows: false };
  const expected = step.hasOutput ? { expected: step.expected } : {};
  return step.kind === 'call'
    ? { call: step.method, args: [...step.args], expectThrows: false, ...expected }
    : { field: step.field, args: [], expectThrows: false, ...expected };
}

/** The skeleton, after the record's import statements it does not already hold. */
function stubOf(record: ClassEvalRecord): string {
  const missing = record.import_statement.filter((line) => !record.skeleton.includes(line.trim()));
  return `${missing.length === 0 ? '' : `${missing.join('\n')}\n\n`}${record.skeleton.trim()}\n`;
}

function specInput(record: ClassEvalRecord, parsed: Extract<ParsedSkeleton, { kind: 'class' }>, sequences: readonly CallSequence[], loose: boolean): TaskSpecInput {
  const fields = new Set(record.fields.map((field) => field.replace(/^self\./, '')));
  for (const sequence of sequences) {
    for (const step of sequence.steps) {
      const field = step.field ?? step.set;
      if (field !== undefined) fields.add(field);
    }
  }
  const description = (parsed.docstring || record.class_description.replace(/"""/g, '')).trim();
  return {
    id: record.task_id,
    name: parsed.className,
    description: description === '' ? `The class ${parsed.className}.` : description,
    taskType: 'class',
    language: 'python',
    signature: { entryPoint: parsed.className, inputs: parsed.constructor.map((p) => parameterOf(p, loose)), output: { type: parsed.className } },
    stub: stubOf(record),
    methods: parsed.methods.map((method) => ({
      name: method.name,
      inputs: method.parameters.map((p) => parameterOf(p, loose)),
      output: { type: typeOf(method.returnDocType, loose) },
      ...(method.docstring === '' ? {} : { description: method.docstring }),
    })),
    fields: [...fields].filter((name) => /^[A-Za-z_]\w*$/.test(name)).map((name) => ({ name, type: 'Any' })),
    sequences: sequences.map((sequence) => ({ ...sequence })),
    limits: { maxLines: 400, maxComplexity: 30, timeoutMs: 5000, maxOutputTokens: 4096 },
    metadata: { dataset: 'classeval', source: 'FudanSELab/ClassEval', license: 'MIT', taskId: record.task_id },
  };
}

/**
 * The hidden tests' runner: each unittest `TestCase` class of `testClasses` run on its own (as the dataset's labels were
 * made), the results reported by name (`__zerr_report`, judge/test-program-harness.ts), and an AssertionError naming
 * the failed classes when any failed. A class with no test run counts as failed.
 */
export function classEvalRunner(testClasses: readonly string[]): string {
  return `import sys as __zerr_sys, unittest as __zerr_unittest
__zerr_results = {}
for __zerr_name in ${JSON.stringify(testClasses)}:
    __zerr_case = globals().get(__zerr_name)
    if not isinstance(__zerr_case, type) or not issubclass(__zerr_case, __zerr_unittest.TestCase):
        __zerr_results[__zerr_name] = False
        continue
    __zerr_outcome = __zerr_unittest.TextTestRunner(stream=__zerr_sys.stderr, verbosity=0).run(__zerr_unittest.defaultTestLoader.loadTestsFromTestCase(__zerr_case))
    __zerr_results[__zerr_name] = __zerr_outcome.wasSuccessful() and __zerr_outcome.testsRun > 0
__zerr_report(__zerr_results)
if not all(__zerr_results.values()):
    raise AssertionError('test classes failed: ' + ', '.join(n for n, ok in __zerr_results.items() if not ok))
`;
}

/**
 * The spec of one parsed record: with the docstring types, else (examples that disagree with them) every type `Any`,
 * dropping sequences that still do not check (a step calling a method the class lacks); undefined with the reason
 * when even that leaves an issue.
 */
function buildSpec(record: ClassEvalRecord, parsed: Extract<ParsedSkeleton, { kind: 'class' }>): { spec: TaskSpec; loose: boolean; droppedSteps: number } | { reason: string } {
  const sequences: CallSequence[] = parsed.examples.flatMap((examples) =>
    examples.sequences.map((sequence) => ({ construct: [...sequence.construct], steps: sequence.steps.map(stepOf), description: `the >>> examples of ${examples.method}` })));
  for (const loose of [false, true]) {
    let kept = sequences;
    for (let attempt = 0; attempt < 3; attempt++) {
      const spec = TaskSpecSchema.parse(specInput(record, parsed, kept, loose));
      const issues = checkSpecSync(spec, record.task_id);
      if (issues.length === 0) {
        const steps = (list: readonly CallSequence[]): number => list.reduce((sum, sequence) => sum + sequence.steps.length, 0);
        return { spec, loose, droppedSteps: steps(sequences) - steps(kept) };
      }
      const bad = new Set(issues.map((issue) => /^sequences\.(\d+)/.exec(issue.path)?.[1]).filter((index) => index !== undefined).map(Number));
      if (bad.size === 0 || (!loose && issues.some((issue) => /\.(args|construct|expected)\b/.test(issue.path)))) {
        if (loose) return { reason: issues[0]?.message ?? 'the spec does not check' };
        break;
      }
      kept = kept.filter((_, index) => !bad.has(index));
    }
  }
  return { reason: 'the spec does not check' };
}

/**
 * Imports every record of `records` (see the module note). Never throws for a record that cannot be imported: it is
 * listed in `notImported` with its reason.
 * @throws PythonScriptError when python3 cannot parse the skeletons.
 */
export async function importClassEvalRecords(records: readonly ClassEvalRecord[], signal?: AbortSignal): Promise<ClassEvalImport> {
  const parsed = await parseClassEvalSkeletons(records, signal);
  const problems: BenchmarkProblem[] = [];
  const notImported: { taskId: string; reason: string }[] = [];
  const examplesSkipped = new Map<string, number>();
  const looselyTyped: string[] = [];
  for (const [index, record] of records.entries()) {
    const skeleton = parsed[index];
    if (skeleton === undefined || skeleton.kind === 'error') {
      notImported.push({ taskId: record.task_id, reason: skeleton?.message ?? 'no parse result' });
      continue;
    }
    for (const examples of skeleton.examples) {
      for (const reason of examples.skipped) {
        const key = reason.replace(/ \(.*$/, '');
        examplesSkipped.set(key, (examplesSkipped.get(key) ?? 0) + 1);
      }
    }
    const built = buildSpec(record, skeleton);
    if ('reason' in built) {
      notImported.push({ taskId: record.task_id, reason: built.reason });
      continue;
    }
    if (built.loose) looselyTyped.push(record.task_id);
    if (built.droppedSteps > 0) {
      const key = 'in a sequence that does not check against the class'; // a method it does not declare, say
      examplesSkipped.set(key, (examplesSkipped.get(key) ?? 0) + built.droppedSteps);
    }
    problems.push({
      spec: built.spec,
      hidden: {
        language: 'python',
        program: `${record.import_statement.join('\n')}\n${record.test}`,
        runner: classEvalRunner(record.test_classes),
      },
    });
  }
  return { problems, notImported, examplesSkipped, looselyTyped };
}

/**
 * The records of `bench/classeval/ClassEval_data.json` under the data folder, checked against
 * {@link ClassEvalRecordSchema} (the benchmark also reads their reference solutions).
 * @throws DatasetFileError (`dataset_unavailable` when the file cannot be read, `invalid_dataset_record` naming a
 *   record that is not a ClassEval task).
 */
export async function readClassEvalRecords(options: { readonly dataDir?: string } = {}): Promise<ClassEvalRecord[]> {
  const path = join(resolveDataDir(options.dataDir), DATASET_FILES.classeval);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new DatasetFileError({ path, invalidRecord: false, detail: error instanceof Error ? error.message : String(error), cause: error });
  }
  if (!Array.isArray(raw)) throw new DatasetFileError({ path, invalidRecord: true, detail: 'expected a JSON array of ClassEval tasks' });
  return raw.map((value, index) => {
    const parsed = ClassEvalRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DatasetFileError({ path, invalidRecord: true, detail: `record ${index}: does not match the expected fields (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})` });
    }
    return parsed.data;
  });
}

/**
 * Reads `bench/classeval/ClassEval_data.json` under the data folder ({@link readClassEvalRecords}) and imports it.
 * @throws DatasetFileError as {@link readClassEvalRecords}; PythonScriptError when python3 cannot parse the skeletons.
 */
export async function loadClassEval(options: { readonly dataDir?: string; readonly signal?: AbortSignal } = {}): Promise<ClassEvalImport> {
  return importClassEvalRecords(await readClassEvalRecords(options), options.signal);
}
