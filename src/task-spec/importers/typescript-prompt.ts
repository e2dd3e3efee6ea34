/**
 * @module task-spec/importers/typescript-prompt
 * Reads a MultiPL-E TypeScript prompt (`//` doc comment, then `function f(a: T): R {`): the signature via the
 * TypeScript parser, the comment text, and the `// >>> f(args)` / `// expected` examples as test cases.
 */
import { ts } from '../typescript-api.js';
import { parseTypeScriptCall, parseTypeScriptLiteral } from '../typescript-literal.js';
import type { Signature, TestCase } from '../task-spec.js';

/** What a MultiPL-E prompt says: signature, description (comment without examples), examples, skipped count. */
export interface TypeScriptPromptParts {
  readonly signature: Signature;
  readonly description: string;
  readonly testCases: TestCase[];
  readonly skipped: number;
}

/** The last top-level function declaration of `prompt` (closed with `}` for parsing); undefined if none. */
export function parseTypeScriptSignature(prompt: string): Signature | undefined {
  const sourceFile = ts.createSourceFile('prompt.ts', `${prompt}}\n`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declaration = sourceFile.statements.filter(ts.isFunctionDeclaration).at(-1);
  if (declaration?.name === undefined) return undefined;
  const inputs = declaration.parameters.map((parameter) => {
    const name = parameter.name.getText(sourceFile);
    const type = parameter.type?.getText(sourceFile) ?? 'any';
    const notes = [
      parameter.dotDotDotToken === undefined ? undefined : 'rest parameter',
      parameter.questionToken === undefined ? undefined : 'optional',
      parameter.initializer === undefined ? undefined : `default: ${parameter.initializer.getText(sourceFile)}`,
    ].filter((n): n is string => n !== undefined);
    return { name, type, ...(notes.length === 0 ? {} : { description: notes.join('; ') }) };
  });
  return {
    entryPoint: declaration.name.text,
    inputs,
    output: { type: declaration.type?.getText(sourceFile) ?? 'any' },
  };
}

/** Text of the `//` comment lines before the function, each without `//` and one following space. */
function commentLines(prompt: string): string[] {
  const lines: string[] = [];
  for (const line of prompt.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('function ')) break;
    if (trimmed.startsWith('//')) lines.push(trimmed.slice(2).replace(/^ /, '').trimEnd());
  }
  return lines;
}

/**
 * Splits the doc comment into description and examples. An example is `>>> f(args)` where `f` is `entryPoint` and
 * the arguments are literals, followed by a line holding the expected literal (continued over up to 5 lines
 * when a value spans several). Others are skipped and counted; all `>>>` lines and their expected line are removed
 * from the description.
 */
export function extractTypeScriptExamples(lines: readonly string[], entryPoint: string): Omit<TypeScriptPromptParts, 'signature'> {
  const testCases: TestCase[] = [];
  const description: string[] = [];
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trim().startsWith('>>>')) {
      const previous = description[description.length - 1];
      if (line.trim() !== '' || (previous !== undefined && previous.trim() !== '')) description.push(line);
      continue;
    }
    const call = parseTypeScriptCall(line.trim().slice(3));
    let found: TestCase | undefined;
    let used = 0;
    for (let count = 1; count <= 5 && i + count < lines.length; count++) {
      const next = lines.slice(i + 1, i + 1 + count);
      if (next.some((l) => l.trim().startsWith('>>>'))) break;
      const value = parseTypeScriptLiteral(next.join('\n'));
      if (value.ok && call.ok && call.value.callee === entryPoint) {
        found = { inputs: call.value.args, expected: value.value, expectThrows: false, description: line.trim() };
        used = count;
        break;
      }
    }
    if (found === undefined) {
      skipped++;
      used = i + 1 < lines.length && !(lines[i + 1] ?? '').trim().startsWith('>>>') ? 1 : 0;
    } else testCases.push(found);
    i += used;
  }
  while (description.length > 0 && description[description.length - 1]?.trim() === '') description.pop();
  return { description: description.join('\n').trim(), testCases, skipped };
}

/** Reads signature, description and examples of a MultiPL-E prompt; undefined when it has no function. */
export function parseTypeScriptPrompt(prompt: string): TypeScriptPromptParts | undefined {
  const signature = parseTypeScriptSignature(prompt);
  if (signature === undefined) return undefined;
  return { signature, ...extractTypeScriptExamples(commentLines(prompt), signature.entryPoint) };
}
