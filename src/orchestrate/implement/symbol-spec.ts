/**
 * @module orchestrate/implement/symbol-spec
 * The task spec of a function found in a repository: its signature as declared, its doc comment as the description,
 * and the examples in the doc comment as visible test cases (doctest `>>> f(x)` lines with the expected value after
 * them, and inline `f(x) // => y`, `f(x) === y`, `f(x) == y` lines). A spec the user gives (`--spec`) takes the
 * place of what the doc comment says; the doc comment's examples are added to its test cases when they are new.
 */
import { extractPythonExamples } from '../../task-spec/importers/python-examples.js';
import { extractTypeScriptExamples } from '../../task-spec/importers/typescript-prompt.js';
import { parseTypeScriptCall, parseTypeScriptLiteral } from '../../task-spec/typescript-literal.js';
import { TaskSpecSchema, type TaskSpec, type TestCase } from '../../task-spec/task-spec.js';
import type { SourceSymbol } from './source-symbol.js';

/** What the doc comment gives: description, parameter and return notes, examples as test cases, skipped examples. */
export interface DocComment {
  readonly description: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly returns: string | undefined;
  readonly testCases: readonly TestCase[];
  /** Example lines that name the function but could not be read as a literal call with a literal result. */
  readonly skipped: number;
}

const INLINE = /^(?:[*-]\s*)?(?:assert\s+|expect\s*\(\s*)?(.*?\))\s*\)?\s*(?:\/\/\s*|#\s*)?(?:=>|===|==|→|->|returns?\b|\.toBe\(|\.toEqual\()\s*(.+?)\)?;?\s*$/;

/** Reads a TypeScript JSDoc (`docLines` of a {@link SourceSymbol}) for function `name`. */
export function readTypeScriptDoc(docLines: readonly string[], name: string): DocComment {
  const parameters: Record<string, string> = {};
  let returns: string | undefined;
  const plain: string[] = [];
  const sections: string[][] = [];
  let tag: string | undefined;
  for (const line of docLines) {
    const tagged = /^@(\w+)\s*(.*)$/.exec(line.trim());
    if (tagged !== null) {
      tag = tagged[1];
      const rest = tagged[2] ?? '';
      if (tag === 'param') {
        const param = /^(?:\{[^}]*\}\s*)?\[?(\w+)\S*\s*-?\s*(.*)$/.exec(rest);
        if (param?.[1] !== undefined && param[2] !== undefined && param[2] !== '') parameters[param[1]] = param[2];
      } else if (tag === 'returns' || tag === 'return') {
        returns = rest.replace(/^\{[^}]*\}\s*/, '') || undefined;
      } else if (tag === 'example') {
        sections.push(rest === '' ? [] : [rest]);
      }
      continue;
    }
    if (tag === undefined) plain.push(line);
    else if (tag === 'example') sections.at(-1)?.push(line);
  }
  const examples: TestCase[] = [];
  let skipped = 0;
  const read = (lines: readonly string[]): void => {
    const code = lines.filter((line) => !/^\s*```/.test(line));
    if (code.some((line) => line.trim().startsWith('>>>'))) {
      const parts = extractTypeScriptExamples(code, name);
      examples.push(...parts.testCases);
      skipped += parts.skipped;
      return;
    }
    for (const line of code) skipped += collectExample(line, name, examples);
  };
  const described = extractTypeScriptExamples(plain, name);
  examples.push(...described.testCases);
  skipped += described.skipped;
  for (const line of plain) if (!line.trim().startsWith('>>>')) collectExample(line, name, examples);
  for (const section of sections) read(section);
  return { description: described.description, parameters, returns, testCases: examples, skipped };
}

/** Adds the example on `line` to `examples` when it is a literal call of `name` with a literal result; returns 1 if it names `name` but is not. */
function collectExample(line: string, name: string, examples: TestCase[]): number {
  const match = INLINE.exec(line.trim());
  if (match === null) return new RegExp(`\\b${name}\\s*\\(`).test(line) ? 1 : 0;
  const call = parseTypeScriptCall(match[1] ?? '');
  const expected = parseTypeScriptLiteral((match[2] ?? '').replace(/;$/, ''));
  if (!call.ok || call.value.callee !== name || !expected.ok) return new RegExp(`\\b${name}\\s*\\(`).test(line) ? 1 : 0;
  examples.push({ inputs: call.value.args, expected: expected.value, expectThrows: false, description: line.trim() });
  return 0;
}

/** Reads a Python docstring (cleaned lines) for function `name`: doctest and inline examples. */
export function readPythonDoc(docLines: readonly string[], name: string): DocComment {
  const parts = extractPythonExamples(docLines, name);
  const description = parts.descriptionLines.join('\n').trim();
  return { description, parameters: {}, returns: undefined, testCases: parts.testCases, skipped: parts.skipped };
}

/** The spec id of function `name`: the name itself, made to fit the id rule (`_parse` -> `fn_parse`, `$x` -> `fn_x`). */
export function specId(name: string): string {
  const id = name.replace(/\$/g, '_');
  return /^[A-Za-z0-9]/.test(id) ? id : `fn${id}`;
}

/** Options of {@link symbolSpec}. */
export interface SymbolSpecOptions {
  /** The file, relative to the repository root with `/` separators (`src/strings.ts`): named in the description. */
  readonly path: string;
  /** A spec the user gave (`--spec`), already loaded and checked; its entry point must be the symbol's name. */
  readonly given?: TaskSpec | undefined;
}

/** The spec and what went into it. */
export interface SymbolSpec {
  readonly spec: TaskSpec;
  /** How many test cases came from the doc comment (added to a given spec only when new). */
  readonly docExamples: number;
  readonly skippedExamples: number;
}

/**
 * The spec of `symbol`: id ({@link specId}) and entry point its name, the doc comment's text as the description (or a sentence naming
 * the file when it has none), its examples as test cases, and the rest of the file as `contextCode` when the
 * sandbox can load it. `limits.maxLines` is raised to one and a half times the present body when that is longer
 * than the default. A `given` spec is used as it is, with the doc examples it lacks added.
 * @throws SpecValidationError (`invalid_spec`) when the result is not a valid spec (a doc comment cannot make one
 *   invalid; a given spec was checked by its loader).
 */
export function symbolSpec(symbol: SourceSymbol, options: SymbolSpecOptions): SymbolSpec {
  const doc = symbol.language === 'python' ? readPythonDoc(symbol.docLines, symbol.name) : readTypeScriptDoc(symbol.docLines, symbol.name);
  const metadata = { source: 'implement', file: options.path, symbol: symbol.name };
  if (options.given !== undefined) {
    const known = new Set(options.given.testCases.map((test) => JSON.stringify(test.inputs)));
    const added = doc.testCases.filter((test) => !known.has(JSON.stringify(test.inputs)));
    const spec = TaskSpecSchema.parse({
      ...options.given,
      testCases: [...options.given.testCases, ...added],
      ...(options.given.contextCode === undefined && symbol.context !== undefined ? { contextCode: symbol.context } : {}),
      metadata: { ...metadata, ...options.given.metadata },
    });
    return { spec, docExamples: added.length, skippedExamples: doc.skipped };
  }
  const description = doc.description !== ''
    ? doc.description
    : `The function ${symbol.name} of ${options.path} (it has no doc comment: its signature, the repository's types and its tests say what it must do).`;
  const defaultMaxLines = 80;
  const spec = TaskSpecSchema.parse({
    id: specId(symbol.name),
    name: symbol.name,
    description,
    language: symbol.language,
    signature: {
      entryPoint: symbol.name,
      inputs: symbol.inputs.map((input) => {
        const note = [doc.parameters[input.name], input.description].filter((n) => n !== undefined).join('; ');
        return { name: input.name, type: input.type, ...(note === '' ? {} : { description: note }) };
      }),
      output: { type: symbol.outputType, ...(doc.returns === undefined ? {} : { description: doc.returns }) },
    },
    stub: symbol.stub,
    testCases: doc.testCases,
    ...(symbol.context === undefined ? {} : { contextCode: symbol.context }),
    ...(symbol.isStub || symbol.lines * 1.5 <= defaultMaxLines ? {} : { limits: { maxLines: Math.ceil(symbol.lines * 1.5) } }),
    metadata,
  });
  return { spec, docExamples: doc.testCases.length, skippedExamples: doc.skipped };
}
