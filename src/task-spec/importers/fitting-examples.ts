/**
 * @module task-spec/importers/fitting-examples
 * Docstring examples are prose: one may contradict the signature it documents (a tuple returned where the
 * annotation says `Optional[int]`). Such an example must not become a visible test - the spec check would refuse the
 * whole problem, and a test that contradicts the signature would fail every correct candidate - so the importers
 * drop it and count it with the other skipped examples.
 */
import { typeProblem } from '../checks/type-names.js';
import { checkTestCases } from '../checks/test-cases.js';
import { TaskSpecSchema, type TaskSpecInput, type TestCase } from '../task-spec.js';
import { parseTypeRef } from '../type-ref.js';

/**
 * The test cases of `input` that fit its signature (arity and declared types, as the spec check judges them), and
 * how many were dropped. A spec whose schema or types are invalid is returned unchanged: the spec check reports it.
 */
export function keepFittingExamples(input: TaskSpecInput): { readonly testCases: readonly TestCase[]; readonly dropped: number } {
  const parsed = TaskSpecSchema.safeParse(input);
  if (!parsed.success) return { testCases: (input.testCases ?? []) as TestCase[], dropped: 0 };
  const spec = parsed.data;
  const typeOf = (text: string) => (typeProblem(spec.language, text) === undefined ? parseTypeRef(spec.language, text) : null);
  const issues = checkTestCases(spec, 'import', { inputs: spec.signature.inputs.map((p) => typeOf(p.type)), output: typeOf(spec.signature.output.type) });
  const bad = new Set(issues.map((issue) => Number(/^testCases\.(\d+)/.exec(issue.path)?.[1])));
  return { testCases: spec.testCases.filter((_, index) => !bad.has(index)), dropped: bad.size };
}
