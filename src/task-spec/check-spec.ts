/**
 * @module task-spec/check-spec
 * What a spec must satisfy beyond its schema before it costs a sample: names are identifiers of the spec's language
 * and not reserved words or `result`, and inputs are unique; type names are valid in the language (with "did you
 * mean"); test cases match the signature's arity and types, with no NaN expected; a class spec's methods, fields
 * and call sequences are consistent (`checks/class-spec.ts`); expressions parse (and in
 * TypeScript type-check against the signature as booleans). The checks live in `checks/`; preconditions that throw
 * or never hold are found by running them in the sandboxed judge (`preflight/`), not here.
 */
import type { SpecIssue } from './spec-validation-error.js';
import type { TaskSpec } from './task-spec.js';
import { parseTypeRef } from './type-ref.js';
import type { TypeRef } from './type-ref-model.js';
import { specExpressions } from './checks/expressions.js';
import { identifierProblem } from './checks/identifiers.js';
import { specIssue } from './checks/issue.js';
import { checkPythonExpressions } from './checks/python-expressions.js';
import { checkClassSpec, expressionSpecs, hasMembers, isClassSpec, rebaseIssue } from './checks/class-spec.js';
import { checkTestCases } from './checks/test-cases.js';
import { checkTypeScriptExpressions } from './checks/typescript-expressions.js';
import { typeProblem } from './checks/type-names.js';

/** Longest spec expression, in characters: an expression is a line or two, not a program. */
export const MAX_EXPRESSION_CHARS = 10_000;

/** Issues of the names: `signature.entryPoint`, `signature.inputs.<i>.name`, `properties.<i>.name`. */
function checkNames(spec: TaskSpec, source: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { language, signature } = spec;
  const entryProblem = identifierProblem(language, signature.entryPoint, 'function');
  if (entryProblem !== undefined) issues.push(specIssue(source, 'signature.entryPoint', signature.entryPoint, entryProblem));
  const seen = new Map<string, number>();
  for (const [index, parameter] of signature.inputs.entries()) {
    const path = `signature.inputs.${index}.name`;
    const problem = identifierProblem(language, parameter.name, 'parameter');
    const first = seen.get(parameter.name);
    if (problem !== undefined) issues.push(specIssue(source, path, parameter.name, problem));
    else if (first !== undefined) {
      issues.push(specIssue(source, path, parameter.name, `a name not already used by another input (signature.inputs.${first}.name)`));
    }
    if (first === undefined) seen.set(parameter.name, index);
  }
  const properties = new Map<string, number>();
  for (const [index, property] of spec.properties.entries()) {
    const first = properties.get(property.name);
    if (first !== undefined) {
      issues.push(specIssue(source, `properties.${index}.name`, property.name, `a name not already used by another property (properties.${first}.name)`));
    } else properties.set(property.name, index);
  }
  return issues;
}

/** The parsed types, `null` where the declared type is invalid (and reported). */
interface CheckedTypes {
  readonly issues: SpecIssue[];
  readonly inputs: (TypeRef | null)[];
  readonly output: TypeRef | null;
  readonly inputTexts: (string | null)[];
  readonly outputText: string | null;
}

function checkTypes(spec: TaskSpec, source: string): CheckedTypes {
  const issues: SpecIssue[] = [];
  const check = (path: string, text: string): boolean => {
    const problem = typeProblem(spec.language, text);
    if (problem !== undefined) issues.push(specIssue(source, path, text, problem));
    return problem === undefined;
  };
  const inputTexts = spec.signature.inputs.map((parameter, index) =>
    check(`signature.inputs.${index}.type`, parameter.type) ? parameter.type : null);
  // A class (module) spec's output type is its class (module) name, checked by checkClassSpec.
  const outputText = !hasMembers(spec) && check('signature.output.type', spec.signature.output.type) ? spec.signature.output.type : null;
  return {
    issues,
    inputTexts,
    outputText,
    inputs: inputTexts.map((text) => (text === null ? null : parseTypeRef(spec.language, text))),
    output: outputText === null ? null : parseTypeRef(spec.language, outputText),
  };
}

/**
 * The checks that need no other process, in the order: names, types, test cases, expression length, and (for a
 * TypeScript spec) expressions parsed and type-checked. Expressions are not checked while a parameter name has an
 * issue (their scope would be wrong). Synchronous; loads the TypeScript compiler only for a TypeScript type or
 * expression off the fast paths.
 *
 * @param source - name at the start of each message line (a file path, or `spec`).
 * @returns every issue found (empty when the spec passes).
 */
export function checkSpecSync(spec: TaskSpec, source: string): SpecIssue[] {
  const nameIssues = checkNames(spec, source);
  const types = checkTypes(spec, source);
  const issues = [...nameIssues, ...types.issues];
  issues.push(...checkTestCases(spec, source, { inputs: types.inputs, output: types.output }));
  issues.push(...checkClassSpec(spec, source));
  let expressionsOk = true;
  for (const expression of specExpressions(spec)) {
    if (expression.source.length > MAX_EXPRESSION_CHARS) {
      expressionsOk = false;
      issues.push(specIssue(source, expression.path, expression.source, `an expression of at most ${MAX_EXPRESSION_CHARS} characters`, `${expression.source.length} characters`));
    }
  }
  const parametersOk = !nameIssues.some((issue) => issue.path.startsWith('signature.inputs.'));
  if (spec.language === 'typescript' && expressionsOk && parametersOk) {
    if (isClassSpec(spec)) {
      // A class's invariants speak of its fields, a method's contract of its parameters, `result` and the fields
      // before and after the call: each checked as a function spec's expressions (expressionSpecs).
      for (const derived of expressionSpecs(spec)) {
        if (specExpressions(derived.spec).length === 0) continue;
        const derivedTypes = checkTypes(derived.spec, source);
        if (derivedTypes.issues.length > 0) continue; // the declarations' own issues are reported above
        issues.push(...checkTypeScriptExpressions(derived.spec, source, { inputs: derivedTypes.inputTexts, output: derivedTypes.outputText }).map((issue) => rebaseIssue(issue, source, derived.prefix)));
      }
    } else {
      issues.push(...checkTypeScriptExpressions(spec, source, { inputs: types.inputTexts, output: types.outputText }));
    }
  }
  return issues;
}

/**
 * The checks that run python3 (Python specs with expressions only; resolves to `[]` at once otherwise): syntax,
 * names and module attributes of every expression (`checks/python-expressions.ts`). Skipped while a parameter name
 * or an expression's length has an issue from {@link checkSpecSync}.
 *
 * @throws SpecCheckError (`spec_check_failed`) when python3 cannot be run.
 */
export async function checkSpecWithPython(given: TaskSpec, source: string, signal?: AbortSignal): Promise<SpecIssue[]> {
  if (given.language !== 'python') return [];
  const issues: SpecIssue[] = [];
  for (const { spec, prefix } of expressionSpecs(given)) {
    if (specExpressions(spec).length === 0) continue;
    if (spec.signature.inputs.some((p) => identifierProblem('python', p.name, 'parameter') !== undefined)) continue;
    if (new Set(spec.signature.inputs.map((p) => p.name)).size !== spec.signature.inputs.length) continue;
    if (specExpressions(spec).some((e) => e.source.length > MAX_EXPRESSION_CHARS)) continue;
    issues.push(...(await checkPythonExpressions(spec, source, signal)).map((issue) => rebaseIssue(issue, source, prefix)));
  }
  return issues;
}

/**
 * Every check of this module: {@link checkSpecSync}, then {@link checkSpecWithPython}.
 * @returns every issue found (empty when the spec passes).
 * @throws SpecCheckError (`spec_check_failed`) when python3 cannot be run for a Python spec's expressions.
 */
export async function checkTaskSpec(spec: TaskSpec, source: string, signal?: AbortSignal): Promise<SpecIssue[]> {
  return [...checkSpecSync(spec, source), ...(await checkSpecWithPython(spec, source, signal))];
}
