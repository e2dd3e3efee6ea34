/**
 * @module task-spec/render-stub
 * The code prefix a completion-style model continues: the spec's own `stub`, or one rendered from the signature
 * and description in the target language's usual shape (MultiPL-E comment + `function` line for TypeScript,
 * HumanEval `def` + docstring for Python).
 */
import { typedParameters, type TaskSpec } from './task-spec.js';

/** Names from Python's `typing` module that make the rendered stub start with `from typing import *`. */
const TYPING_NAMES =
  /\b(?:Any|List|Dict|Tuple|Set|FrozenSet|Optional|Union|Callable|Iterable|Iterator|Sequence|Mapping|Literal|Type)\b/;

type StubSpec = Pick<TaskSpec, 'language' | 'description' | 'signature'> & { readonly stub?: string | undefined };

function renderTypeScript(spec: StubSpec): string {
  const comment = spec.description
    .trimEnd()
    .split('\n')
    .map((line) => (line.trim() === '' ? '//' : `// ${line.trimEnd()}`))
    .join('\n');
  const params = typedParameters(spec.signature.inputs);
  return `${comment}\nfunction ${spec.signature.entryPoint}(${params}): ${spec.signature.output.type} {\n`;
}

function renderPython(spec: StubSpec): string {
  const types = [...spec.signature.inputs.map((p) => p.type), spec.signature.output.type];
  const header = types.some((t) => TYPING_NAMES.test(t)) ? 'from typing import *\n\n\n' : '';
  const params = typedParameters(spec.signature.inputs);
  const doc = spec.description
    .trimEnd()
    .replaceAll('\\', '\\\\')
    .replaceAll('"""', '\\"\\"\\"')
    .split('\n')
    .map((line, index) => (index === 0 || line.trim() === '' ? line.trimEnd() : `    ${line.trimEnd()}`))
    .join('\n');
  return `${header}def ${spec.signature.entryPoint}(${params}) -> ${spec.signature.output.type}:\n    """${doc}\n    """\n`;
}

/**
 * The stub for `spec`: `spec.stub` verbatim when set; otherwise rendered.
 *
 * - TypeScript: `// <description line>` per line, then `function name(a: T, b: U): R {\n`.
 * - Python: `def name(a: T, b: U) -> R:\n    """<description>\n    """\n`, preceded by `from typing import *` when
 *   a type uses a `typing` name (`List`, `Optional`, `Any`, ...). Backslashes and `"""` in the description are
 *   escaped so the docstring stays one string.
 */
export function renderStub(spec: StubSpec): string {
  if (spec.stub !== undefined) return spec.stub;
  return spec.language === 'typescript' ? renderTypeScript(spec) : renderPython(spec);
}
