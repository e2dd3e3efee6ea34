/**
 * @module task-spec/render-stub
 * The code prefix a completion-style model continues: the spec's own `stub`, or one rendered from the signature
 * and description in the target language's usual shape (MultiPL-E comment + `function` line for TypeScript,
 * HumanEval `def` + docstring for Python).
 */
import { typedParameters, type TaskSpec } from './task-spec.js';
import { splitTopLevel } from './importers/python-signature.js';

/** Names from Python's `typing` module that make the rendered stub start with `from typing import *`. */
const TYPING_NAMES =
  /\b(?:Any|List|Dict|Tuple|Set|FrozenSet|Optional|Union|Callable|Iterable|Iterator|Sequence|Mapping|Literal|Type)\b/;

type StubSpec = Pick<TaskSpec, 'language' | 'description' | 'signature'> & Partial<Pick<TaskSpec, 'taskType' | 'methods' | 'fields'>> & {
  readonly stub?: string | undefined;
};

/** A Python docstring body: backslashes and triple quotes escaped, continuation lines indented by `indent`. */
function pythonDoc(text: string, indent: string): string {
  return text
    .trimEnd()
    .replaceAll('\\', '\\\\')
    .replaceAll('"""', '\\"\\"\\"')
    .split('\n')
    .map((line, index) => (index === 0 || line.trim() === '' ? line.trimEnd() : `${indent}${line.trimEnd()}`))
    .join('\n');
}

/**
 * The awaited type of a Python coroutine's declared output (`Awaitable[int]`, `Coroutine[Any, Any, int]` -> `int`),
 * or undefined for a plain type: such a function or method is written `async def name(...) -> int`.
 */
export function pythonAwaitedType(type: string): string | undefined {
  const awaitable = /^\s*(?:typing\.)?Awaitable\[(.*)\]\s*$/s.exec(type);
  if (awaitable?.[1] !== undefined) return awaitable[1].trim();
  const coroutine = /^\s*(?:typing\.)?Coroutine\[(.*)\]\s*$/s.exec(type);
  if (coroutine?.[1] === undefined) return undefined;
  const parts = splitTopLevel(coroutine[1]);
  return parts.length === 3 ? parts[2]?.trim() : undefined;
}

/** Whether a TypeScript output type is a `Promise<...>` (its function or method is written `async`). */
export function isTypeScriptPromise(type: string): boolean {
  return /^\s*Promise\s*</.test(type);
}

/** `def name(params) -> R:` or, for a coroutine's declared output, `async def name(params) -> Awaited:`. */
function pythonDef(name: string, params: string, output: string): string {
  const awaited = pythonAwaitedType(output);
  return awaited === undefined ? `def ${name}(${params}) -> ${output}:` : `async def ${name}(${params}) -> ${awaited}:`;
}

function renderTypeScriptClass(spec: StubSpec): string {
  const comment = spec.description.trimEnd().split('\n').map((line) => (line.trim() === '' ? '//' : `// ${line.trimEnd()}`)).join('\n');
  const fields = (spec.fields ?? []).map((field) => `  ${field.name}: ${field.type};${field.description === undefined ? '' : ` // ${field.description.split('\n')[0] ?? ''}`}\n`).join('');
  const methods = (spec.methods ?? []).map((method) => {
    const doc = method.description === undefined ? '' : `  /** ${method.description.trim().replaceAll('*/', '* /').split('\n').join('\n   * ')} */\n`;
    return `${doc}  ${isTypeScriptPromise(method.output.type) ? 'async ' : ''}${method.name}(${typedParameters(method.inputs)}): ${method.output.type} {\n    // implement\n  }\n`;
  }).join('\n');
  return `${comment}\nclass ${spec.signature.entryPoint} {\n${fields}${fields === '' ? '' : '\n'}  constructor(${typedParameters(spec.signature.inputs)}) {\n    // implement\n  }\n\n${methods}}\n`;
}

function renderTypeScriptModule(spec: StubSpec): string {
  const comment = spec.description.trimEnd().split('\n').map((line) => (line.trim() === '' ? '//' : `// ${line.trimEnd()}`)).join('\n');
  const constants = (spec.fields ?? []).map((field) => `export let ${field.name}: ${field.type}; // set it\n`).join('');
  const functions = (spec.methods ?? []).map((method) => {
    const doc = method.description === undefined ? '' : `/** ${method.description.trim().replaceAll('*/', '* /').split('\n').join('\n * ')} */\n`;
    return `${doc}export ${isTypeScriptPromise(method.output.type) ? 'async ' : ''}function ${method.name}(${typedParameters(method.inputs)}): ${method.output.type} {\n  // implement\n}\n`;
  }).join('\n');
  return `${comment}\n${constants}${constants === '' ? '' : '\n'}${functions}`;
}

function renderPythonModule(spec: StubSpec): string {
  const methods = spec.methods ?? [];
  const types = [...methods.flatMap((m) => [...m.inputs.map((p) => p.type), m.output.type]), ...(spec.fields ?? []).map((f) => f.type)];
  const header = types.some((t) => TYPING_NAMES.test(t)) ? 'from typing import *\n\n' : '';
  const constants = (spec.fields ?? []).map((field) => `${field.name}: ${field.type}  # set it\n`).join('');
  const functions = methods.map((method) => `${pythonDef(method.name, typedParameters(method.inputs), method.output.type)}\n` +
    (method.description === undefined ? '' : `    """${pythonDoc(method.description, '    ')}\n    """\n`) + '    ...\n').join('\n\n');
  return `${header}"""${pythonDoc(spec.description, '')}\n"""\n\n${constants}${constants === '' ? '' : '\n\n'}${functions}`;
}

function renderPythonClass(spec: StubSpec): string {
  const methods = spec.methods ?? [];
  const types = [...spec.signature.inputs.map((p) => p.type), ...methods.flatMap((m) => [...m.inputs.map((p) => p.type), m.output.type]), ...(spec.fields ?? []).map((f) => f.type)];
  const header = types.some((t) => TYPING_NAMES.test(t)) ? 'from typing import *\n\n\n' : '';
  const parameters = (inputs: Parameters<typeof typedParameters>[0]): string => ['self', ...(inputs.length === 0 ? [] : [typedParameters(inputs)])].join(', ');
  const fields = (spec.fields ?? []).map((field) => `        self.${field.name}: ${field.type}\n`).join('');
  const body = [
    `    def __init__(${parameters(spec.signature.inputs)}) -> None:\n${fields === '' ? '        ...\n' : fields}`,
    ...methods.map((method) => `    ${pythonDef(method.name, parameters(method.inputs), method.output.type)}\n` +
      (method.description === undefined ? '' : `        """${pythonDoc(method.description, '        ')}\n        """\n`) + '        ...\n'),
  ].join('\n');
  return `${header}class ${spec.signature.entryPoint}:\n    """${pythonDoc(spec.description, '    ')}\n    """\n\n${body}`;
}

function renderTypeScript(spec: StubSpec): string {
  const comment = spec.description
    .trimEnd()
    .split('\n')
    .map((line) => (line.trim() === '' ? '//' : `// ${line.trimEnd()}`))
    .join('\n');
  const params = typedParameters(spec.signature.inputs);
  return `${comment}\n${isTypeScriptPromise(spec.signature.output.type) ? 'async ' : ''}function ${spec.signature.entryPoint}(${params}): ${spec.signature.output.type} {\n`;
}

function renderPython(spec: StubSpec): string {
  const types = [...spec.signature.inputs.map((p) => p.type), spec.signature.output.type];
  const header = types.some((t) => TYPING_NAMES.test(t)) ? 'from typing import *\n\n\n' : '';
  const params = typedParameters(spec.signature.inputs);
  const doc = pythonDoc(spec.description, '    ');
  return `${header}${pythonDef(spec.signature.entryPoint, params, spec.signature.output.type)}\n    """${doc}\n    """\n`;
}

/** The top-level Python import lines of `source` (`import x`, `from x import y`), in order. */
export function pythonImportLines(source: string): string[] {
  return source.split('\n').filter((line) => /^(from\s+\S+\s+import\s+|import\s+)/.test(line));
}

/**
 * The stub for `spec`: `spec.stub` verbatim when set; otherwise rendered.
 *
 * - TypeScript: `// <description line>` per line, then `function name(a: T, b: U): R {\n`.
 * - Python: `def name(a: T, b: U) -> R:\n    """<description>\n    """\n`, preceded by `from typing import *` when
 *   a type uses a `typing` name (`List`, `Optional`, `Any`, ...). Backslashes and `"""` in the description are
 *   escaped so the docstring stays one string.
 * - A class spec (`taskType: class`): the class skeleton - the description, the observable fields, the constructor
 *   and every method with its typed signature and description, bodies left to write (`...` in Python, a comment in
 *   TypeScript).
 * - A module spec (`taskType: module`): the description, then each constant (`fields`) and each function (`methods`)
 *   with its typed signature and description, bodies left to write.
 */
export function renderStub(spec: StubSpec): string {
  if (spec.stub !== undefined) return spec.stub;
  if (spec.taskType === 'class') return spec.language === 'typescript' ? renderTypeScriptClass(spec) : renderPythonClass(spec);
  if (spec.taskType === 'module') return spec.language === 'typescript' ? renderTypeScriptModule(spec) : renderPythonModule(spec);
  return spec.language === 'typescript' ? renderTypeScript(spec) : renderPython(spec);
}
