/**
 * @module task-spec/checks/python-expressions
 * Python spec expressions parsed and compiled with the system python3 (`ast.parse(..., mode='eval')`, then
 * `compile`: the judge's own check), in a child process that only parses - nothing of the spec runs here. Names are
 * checked too: every name an expression reads must be an input, `result` (not in preconditions), a builtin, a module
 * the judge provides (`math`, `re`, `itertools`, `functools`, `collections`, `string`, `heapq`, `bisect`) or bound in
 * the expression itself (a comprehension or lambda variable), and `math.sqr` must be an attribute of `math`. Types are
 * not checked (`result.lenght` on a list is found only by running it).
 */
import { closeName } from '../closest-names.js';
import { PythonScriptError, runPythonScript } from '../run-python-script.js';
import { SpecCheckError } from '../spec-check-error.js';
import type { SpecIssue } from '../spec-validation-error.js';
import type { TaskSpec } from '../task-spec.js';
import { RESULT_NAME } from './identifiers.js';
import { scopeWords, specExpressions, type SpecExpression } from './expressions.js';
import { specIssue } from './issue.js';

/** Wall-clock limit of the checking process, in ms. */
const PYTHON_CHECK_TIMEOUT_MS = 15_000;

/** The modules the judge puts in every expression's scope (`verify/judge/python-judge-harness.ts`). */
export const JUDGE_MODULES = ['math', 're', 'itertools', 'functools', 'collections', 'string', 'heapq', 'bisect'];

const SCRIPT = String.raw`import ast, builtins, json, sys
import bisect, collections, functools, heapq, itertools, math, re, string
MODULES = {'math': math, 're': re, 'itertools': itertools, 'functools': functools, 'collections': collections,
           'string': string, 'heapq': heapq, 'bisect': bisect}
request = json.loads(sys.stdin.read())
results = []
for item in request['expressions']:
    source = item['source'].strip()
    try:
        tree = ast.parse(source, mode='eval')
        compile(tree, '<expression>', 'eval')
    except SyntaxError as e:
        results.append({'syntax': (e.msg or str(e)) + (' (column %d)' % e.offset if e.offset else '')})
        continue
    except (ValueError, MemoryError, RecursionError) as e:
        results.append({'syntax': type(e).__name__ + ': ' + str(e)})
        continue
    nodes = list(ast.walk(tree))
    bound = set()
    for node in nodes:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    names = set(item['names'])
    allowed = names | set(MODULES) | set(dir(builtins)) | bound
    unknown = sorted({n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in allowed})
    attributes = sorted({n.value.id + '.' + n.attr for n in nodes
                         if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in MODULES
                         and n.value.id not in names and n.value.id not in bound and not hasattr(MODULES[n.value.id], n.attr)})
    results.append({'unknown': unknown, 'attributes': attributes})
print(json.dumps({'results': results, 'builtins': sorted(n for n in dir(builtins) if not n.startswith('_'))}))
`;

interface PythonResult {
  readonly syntax?: string;
  readonly unknown?: readonly string[];
  readonly attributes?: readonly string[];
}

async function runPython(input: string, signal?: AbortSignal): Promise<string> {
  try {
    return await runPythonScript(SCRIPT, input, { timeoutMs: PYTHON_CHECK_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if (!(error instanceof PythonScriptError)) throw error;
    const why = error.reason === 'not-installed' ? 'python3 is not installed (it is needed to check and judge Python specs)' : error.message;
    throw new SpecCheckError(`Cannot check the Python expressions of the spec: ${why}`, { cause: error });
  }
}

function scopeNames(spec: TaskSpec, expression: SpecExpression): string[] {
  const names = spec.signature.inputs.map((p) => p.name);
  return expression.result === 'none' ? names : [...names, RESULT_NAME];
}

/**
 * Issues of the Python expressions of `spec`: syntax (`preconditions.0: got "x >", expected a Python expression
 * over x (invalid syntax (column 4))`), unknown names with "did you mean", unknown attributes of the judge's modules.
 * Resolves to `[]` at once for a spec with no expressions.
 * @throws SpecCheckError (`spec_check_failed`) when python3 is missing, crashes or takes longer than 15 s.
 */
export async function checkPythonExpressions(spec: TaskSpec, source: string, signal?: AbortSignal): Promise<SpecIssue[]> {
  const expressions = specExpressions(spec);
  if (expressions.length === 0) return [];
  const request = { expressions: expressions.map((e) => ({ source: e.source, names: scopeNames(spec, e) })) };
  const stdout = await runPython(JSON.stringify(request), signal);
  let answer: { results?: PythonResult[]; builtins?: string[] };
  try {
    answer = JSON.parse(stdout.trim().split('\n').pop() ?? '') as typeof answer;
  } catch (cause) {
    throw new SpecCheckError('Cannot check the Python expressions of the spec: python3 printed no result', { cause });
  }
  const issues: SpecIssue[] = [];
  for (const [index, expression] of expressions.entries()) {
    const result = answer.results?.[index];
    const names = scopeNames(spec, expression);
    const expected = `a Python expression over ${scopeWords(names)}`;
    if (result?.syntax !== undefined) {
      issues.push(specIssue(source, expression.path, expression.source, `${expected} (${result.syntax})`));
      continue;
    }
    const [unknown] = result?.unknown ?? [];
    if (unknown !== undefined) {
      const known = [...names, ...JUDGE_MODULES, ...(answer.builtins ?? [])];
      const hint = closeName(unknown, known);
      const why = unknown === RESULT_NAME && expression.result === 'none'
        ? 'a precondition sees only the inputs, not result'
        : unknown === spec.signature.entryPoint
          ? 'the function under test cannot be called from a spec expression (the judge evaluates expressions apart from the candidate)'
          : `name "${unknown}" is not defined${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`;
      issues.push(specIssue(source, expression.path, expression.source, `${expected} (${why})`));
      continue;
    }
    const [attribute] = result?.attributes ?? [];
    if (attribute !== undefined) {
      issues.push(specIssue(source, expression.path, expression.source, `${expected} (module ${attribute.split('.')[0] ?? ''} has no attribute "${attribute.split('.')[1] ?? ''}")`));
    }
  }
  return issues;
}
