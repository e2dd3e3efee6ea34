/**
 * @module task-spec/importers/classeval-skeleton
 * Reads ClassEval skeletons (Python classes with docstrings and `>>>` examples, bodies empty) with Python's own
 * parsers - `ast` for the class, `doctest.DocTestParser` for the examples, `ast.literal_eval` for their arguments and
 * outputs - in one python3 process for a whole file (`run-python-script.ts`: nothing of the skeleton runs). Each
 * example becomes a step of a call sequence, or a reason why it cannot be one.
 */
import { runPythonScript } from '../run-python-script.js';

/** A parameter of a skeleton method: its name, whether it has a default, and the type word its docstring gives. */
export interface SkeletonParameter {
  readonly name: string;
  readonly hasDefault: boolean;
  /** `*args` or `**kwargs`. */
  readonly variadic?: 'positional' | 'keyword';
  /** The `:param name: <type>, ...` word of the docstring (`int`, `List`, `dict`), if any. */
  readonly docType?: string;
}

/** A method of a skeleton. */
export interface SkeletonMethod {
  readonly name: string;
  readonly parameters: readonly SkeletonParameter[];
  /** `staticmethod`, `classmethod`, `property`, ... */
  readonly decorators: readonly string[];
  readonly isAsync: boolean;
  readonly docstring: string;
  /** The `:return: <type>, ...` word of the docstring, if any. */
  readonly returnDocType?: string;
}

/** One step as the examples give it. */
export type SkeletonStep =
  | { readonly kind: 'call'; readonly method: string; readonly args: readonly unknown[]; readonly expected?: unknown; readonly hasOutput: boolean }
  | { readonly kind: 'field'; readonly field: string; readonly expected?: unknown; readonly hasOutput: boolean }
  | { readonly kind: 'set'; readonly field: string; readonly value: unknown };

/** The examples of one method's docstring: sequences (a construction and the steps on that instance), and what could not be read. */
export interface SkeletonExamples {
  readonly method: string;
  readonly sequences: readonly { readonly construct: readonly unknown[]; readonly steps: readonly SkeletonStep[] }[];
  /** Why an example is not a step: `uses a variable other than the instance`, `expected output is not a literal`, ... */
  readonly skipped: readonly string[];
}

/** A parsed skeleton, or why it could not be read. */
export type ParsedSkeleton =
  | {
      readonly kind: 'class';
      readonly className: string;
      readonly docstring: string;
      readonly constructor: readonly SkeletonParameter[];
      readonly methods: readonly SkeletonMethod[];
      readonly examples: readonly SkeletonExamples[];
    }
  | { readonly kind: 'error'; readonly message: string };

const SCRIPT = String.raw`
import ast, doctest, json, math, re, sys

def jsonable(value, depth=0):
    if depth > 64:
        raise ValueError('nested too deeply')
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError('a non-finite float')
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError('a dict with keys that are not strings')
        return {k: jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        raise ValueError('a set')
    raise ValueError('a ' + type(value).__name__)

DOC_PARAM = re.compile(r':param\s+(\w+)\s*:\s*([^,\n]+)')
DOC_RETURN = re.compile(r':return[s]?\s*:\s*([^,\n]+)')

def params_of(fn, doc):
    types = {m.group(1): m.group(2).strip() for m in DOC_PARAM.finditer(doc or '')}
    a = fn.args
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    out = []
    for i, arg in enumerate(positional):
        item = {'name': arg.arg, 'hasDefault': i >= first_default}
        if arg.arg in types: item['docType'] = types[arg.arg]
        out.append(item)
    if a.vararg is not None:
        out.append({'name': a.vararg.arg, 'hasDefault': True, 'variadic': 'positional'})
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append({'name': arg.arg, 'hasDefault': default is not None, 'variadic': 'keyword'})
    if a.kwarg is not None:
        out.append({'name': a.kwarg.arg, 'hasDefault': True, 'variadic': 'keyword'})
    return out

def literal_args(call):
    if call.keywords:
        raise ValueError('passes keyword arguments')
    out = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            raise ValueError('unpacks arguments')
        try:
            out.append(jsonable(ast.literal_eval(arg)))
        except ValueError as e:
            raise ValueError('an argument is not a JSON literal (' + str(e) + ')' if str(e).startswith('a ') else 'an argument is not a literal (' + ast.unparse(arg)[:40] + ')')
    return out

def constructions_of(docs, class_name):
    # var -> constructor args of each 'var = ClassName(literals)' example anywhere in the class, first one first: the
    # first builds the instance a static method is called through; the names tell an instance built in another
    # docstring from an unknown variable.
    known = {}
    for doc in docs:
        try:
            examples = doctest.DocTestParser().get_examples(doc or '')
        except ValueError:
            continue
        for ex in examples:
            try:
                node = ast.parse(ex.source.strip()).body[0]
            except (SyntaxError, IndexError):
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) and node.value.func.id == class_name:
                try:
                    known.setdefault(node.targets[0].id, literal_args(node.value))
                except ValueError:
                    pass
    return known

def examples_of(method, doc, class_name, known, default_construct):
    sequences, skipped = [], []
    try:
        examples = doctest.DocTestParser().get_examples(doc or '')
    except ValueError as e:
        return {'method': method, 'sequences': [], 'skipped': ['the docstring examples do not parse as doctest (' + str(e)[:60] + ')']}
    current = None
    instance = None
    tainted = set()
    results = {}
    first_known = next(iter(known.items()), None)
    for ex in examples:
        source = ex.source.strip()
        want = ex.want.strip()
        try:
            tree = ast.parse(source)
        except SyntaxError:
            skipped.append('an example that is not Python'); continue
        if len(tree.body) != 1:
            skipped.append('an example of several statements'); continue
        node = tree.body[0]
        try:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) and node.value.func.id == class_name:
                current = {'construct': literal_args(node.value), 'steps': []}
                sequences.append(current)
                instance = node.targets[0].id
                tainted.discard(instance)
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Attribute) \
                    and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id == instance and current is not None:
                try:
                    value = jsonable(ast.literal_eval(node.value))
                except ValueError as e:
                    raise ValueError('sets a field to a value that is not a JSON literal (' + (str(e) if str(e).startswith('a ') else ast.unparse(node.value)[:40]) + ')')
                current['steps'].append({'kind': 'set', 'field': node.targets[0].attr, 'value': value})
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                    and isinstance(node.value.func.value, ast.Name) and node.value.func.value.id == instance and current is not None:
                # 'result = obj.method(...)': the call is a step; a later '>>> result' gives its expected value.
                step = {'kind': 'call', 'method': node.value.func.attr, 'args': literal_args(node.value), 'hasOutput': False}
                current['steps'].append(step)
                results[node.targets[0].id] = step
                continue
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Name) and node.value.id in results and want != '':
                step = results.pop(node.value.id)
                try:
                    step['expected'] = jsonable(ast.literal_eval(want))
                    step['hasOutput'] = True
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as e:
                    raise ValueError('the expected output is not a JSON literal (' + (str(e) if str(e).startswith('a ') else want.splitlines()[0][:40]) + ')')
                continue
            if isinstance(node, ast.Assign) or isinstance(node, ast.AugAssign) or isinstance(node, ast.AnnAssign):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                if isinstance(target, ast.Attribute):
                    raise ValueError('sets a field of something other than the constructed instance')
                raise ValueError('assigns a variable other than the instance')
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                raise ValueError('imports a module')
            if not isinstance(node, ast.Expr):
                raise ValueError('a statement that is not a call')
            expr = node.value
            target = expr.func.value if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) else expr.value if isinstance(expr, ast.Attribute) else None
            owner = target.id if isinstance(target, ast.Name) else None
            if owner in tainted:
                raise ValueError('follows an example that is not a step (the state of the instance is unknown)')
            if owner is not None and owner != instance:
                # A static method called on the class: Python also calls it through an instance, built as the class's
                # first example builds one (or with no arguments when the constructor needs none). An instance built
                # in another docstring is not taken up: its state there is unknown (ClassEval's examples often assume
                # the steps of that docstring), and a step on a fresh one would test something the example does not.
                if owner != class_name:
                    raise ValueError('uses an instance built in another docstring (its state there is unknown)' if owner in known else 'uses a variable other than an instance of the class')
                implied = first_known[1] if first_known else default_construct
                if implied is None:
                    raise ValueError('calls a static method of a class no example constructs')
                current = {'construct': implied, 'steps': []}
                sequences.append(current)
                instance = owner
            if isinstance(expr, ast.Call) and owner is not None:
                step = {'kind': 'call', 'method': expr.func.attr, 'args': literal_args(expr), 'hasOutput': want != ''}
            elif isinstance(expr, ast.Attribute) and owner is not None and owner != class_name:
                step = {'kind': 'field', 'field': expr.attr, 'hasOutput': want != ''}
            else:
                raise ValueError('an expression that is not a method call or field read on the instance')
            if want != '':
                if want.startswith('Traceback'):
                    raise ValueError('expects a traceback')
                try:
                    step['expected'] = jsonable(ast.literal_eval(want))
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as e:
                    raise ValueError('the expected output is not a JSON literal (' + (str(e) if str(e).startswith('a ') else want.splitlines()[0][:40]) + ')')
            current['steps'].append(step)
        except ValueError as e:
            skipped.append(str(e))
            if instance is not None:
                # The steps after this one would run on an instance in another state than the docstring's: the
                # sequence ends here, and later examples on the instance are not steps.
                tainted.add(instance)
                current = None
                instance = None
    return {'method': method, 'sequences': [s for s in sequences if s['steps']], 'skipped': skipped}

def parse_record(record):
    try:
        tree = ast.parse(record['skeleton'])
    except SyntaxError as e:
        return {'kind': 'error', 'message': 'the skeleton does not parse: ' + str(e)}
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == record['class_name']), None)
    if cls is None:
        return {'kind': 'error', 'message': 'the skeleton defines no class ' + record['class_name']}
    methods, examples, constructor = [], [], []
    functions = [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    known = constructions_of([ast.get_docstring(n) or '' for n in functions], cls.name)
    init = next((n for n in functions if n.name == '__init__'), None)
    required = [p for p in params_of(init, '')[1:] if not p['hasDefault']] if init is not None else []
    default_construct = [] if not required else None
    for node in functions:
        doc = ast.get_docstring(node) or ''
        params = params_of(node, doc)
        decorators = [ast.unparse(d) for d in node.decorator_list]
        if node.name == '__init__':
            constructor = params[1:]
            examples.append(examples_of(node.name, doc, cls.name, known, default_construct))
            continue
        if 'staticmethod' not in decorators:
            params = params[1:]
        ret = DOC_RETURN.search(doc)
        method = {'name': node.name, 'parameters': params, 'decorators': decorators, 'isAsync': isinstance(node, ast.AsyncFunctionDef), 'docstring': doc}
        if ret: method['returnDocType'] = ret.group(1).strip()
        methods.append(method)
        examples.append(examples_of(node.name, doc, cls.name, known, default_construct))
    return {'kind': 'class', 'className': cls.name, 'docstring': ast.get_docstring(cls) or '', 'constructor': constructor, 'methods': methods, 'examples': examples}

records = json.loads(sys.stdin.read())
print(json.dumps([parse_record(r) for r in records]))
`;

/** How long reading a whole file of skeletons may take, in ms (100 skeletons take about 0.3 s). */
const PARSE_TIMEOUT_MS = 60_000;

/**
 * Parses `records` (each `{ skeleton, class_name }`) in one python3 process, in order.
 * @throws PythonScriptError when python3 is missing, fails or runs past {@link PARSE_TIMEOUT_MS}.
 */
export async function parseClassEvalSkeletons(records: readonly { readonly skeleton: string; readonly class_name: string; readonly fields?: readonly string[] }[], signal?: AbortSignal): Promise<ParsedSkeleton[]> {
  const stdout = await runPythonScript(SCRIPT, JSON.stringify(records.map(({ skeleton, class_name, fields }) => ({ skeleton, class_name, fields: fields ?? [] }))), {
    timeoutMs: PARSE_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }),
  });
  return JSON.parse(stdout) as ParsedSkeleton[];
}
