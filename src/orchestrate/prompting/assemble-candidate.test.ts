import { describe, expect, test } from 'vitest';
import { clampSpec, sumPositiveSpec } from '../../../test/fixtures/orchestrate/specs.js';
import { renderStub } from '../../task-spec/render-stub.js';
import { TaskSpecSchema } from '../../task-spec/task-spec.js';
import { assembleCandidate, ownCode } from './assemble-candidate.js';

describe('assembleCandidate: continuation', () => {
  test('code is the stub followed by the text; the generated part is the text', () => {
    const spec = clampSpec();
    const text = '  return Math.min(Math.max(x, low), high);\n}\n';
    expect(assembleCandidate(spec, 'continuation', text)).toEqual({ code: renderStub(spec) + text, generatedCode: text });
  });

  test('an empty or blank continuation has no code', () => {
    expect(assembleCandidate(clampSpec(), 'continuation', '')).toEqual({ code: null, generatedCode: null });
    expect(assembleCandidate(clampSpec(), 'continuation', ' \n\t\n')).toEqual({ code: null, generatedCode: null });
  });
});

describe('assembleCandidate: chat', () => {
  test('picks the fenced block that mentions the entry point, not the first block', () => {
    const helper = 'function other(a: number): number {\n  return a;\n}\n';
    const wanted = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}\n';
    const text = `A helper:\n\`\`\`ts\n${helper}\`\`\`\nAnd the answer:\n\`\`\`typescript\n${wanted}\`\`\`\nDone.`;
    expect(assembleCandidate(clampSpec(), 'chat', text)).toEqual({ code: wanted, generatedCode: wanted });
  });

  test('falls back to the first block when none mentions the entry point', () => {
    const text = '```ts\nconst a = 1;\n```\n```ts\nconst b = 2;\n```';
    expect(assembleCandidate(clampSpec(), 'chat', text).code).toBe('const a = 1;\n');
  });

  test('an unclosed fence runs to the end of the answer', () => {
    const text = 'Here:\n```typescript\nfunction clamp(x: number, low: number, high: number): number { return x; }';
    expect(assembleCandidate(clampSpec(), 'chat', text).code).toBe('function clamp(x: number, low: number, high: number): number { return x; }\n');
  });

  test('a bare answer without a fence that defines the function is taken as code', () => {
    const text = 'function clamp(x: number, low: number, high: number): number { return x; }';
    expect(assembleCandidate(clampSpec(), 'chat', text)).toEqual({ code: `${text}\n`, generatedCode: text });
  });

  test('no code -> nulls: a prose refusal, an empty fence, blank text', () => {
    const nothing = { code: null, generatedCode: null };
    expect(assembleCandidate(clampSpec(), 'chat', 'I cannot help with that.')).toEqual(nothing);
    expect(assembleCandidate(clampSpec(), 'chat', 'Sure:\n```typescript\n\n```')).toEqual(nothing);
    expect(assembleCandidate(clampSpec(), 'chat', '   ')).toEqual(nothing);
    expect(assembleCandidate(sumPositiveSpec(), 'chat', "I'm sorry, I can't write that.")).toEqual(nothing);
  });

  test('Python: the stub imports are prepended when the block lacks them', () => {
    const spec = sumPositiveSpec();
    expect(renderStub(spec).startsWith('from typing import *\n')).toBe(true);
    const block = 'def sum_positive(xs: List[int]) -> int:\n    return sum(x for x in xs if x > 0)\n';
    const assembled = assembleCandidate(spec, 'chat', `\`\`\`python\n${block}\`\`\``);
    expect(assembled).toEqual({ code: `from typing import *\n${block}`, generatedCode: block });
  });

  test('Python: imports already present are not repeated; TypeScript never gets imports added', () => {
    const spec = sumPositiveSpec();
    const block = 'from typing import *\n\ndef sum_positive(xs: List[int]) -> int:\n    return 0\n';
    expect(assembleCandidate(spec, 'chat', `\`\`\`python\n${block}\`\`\``).code).toBe(block);

    const stubbed = TaskSpecSchema.parse({ ...spec, stub: 'import math\nfrom typing import List\n\n\ndef sum_positive(xs: List[int]) -> int:\n' });
    const partial = 'from typing import List\ndef sum_positive(xs: List[int]) -> int:\n    return math.floor(0)\n';
    expect(assembleCandidate(stubbed, 'chat', `\`\`\`python\n${partial}\`\`\``).code).toBe(`import math\n${partial}`);

    const ts = TaskSpecSchema.parse({ ...clampSpec(), stub: 'import { x } from "y";\nfunction clamp(x: number, low: number, high: number): number {\n' });
    const code = 'function clamp(x: number, low: number, high: number): number { return x; }\n';
    expect(assembleCandidate(ts, 'chat', `\`\`\`ts\n${code}\`\`\``).code).toBe(code);
  });

  test('a missing trailing newline is added to the code but not to the generated part', () => {
    const block = 'function clamp(x: number, low: number, high: number): number { return x; }';
    const assembled = assembleCandidate(clampSpec(), 'chat', `\`\`\`ts\n${block}\`\`\``);
    expect(assembled.code).toBe(`${block}\n`);
  });
});

describe('assembleCandidate with contextCode', () => {
  const helper = 'function lift(x: number, low: number): number {\n  return Math.max(x, low);\n}';
  const withContext = (contextCode: string) => TaskSpecSchema.parse({ ...clampSpec(), contextCode });
  const body = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(lift(x, low), high);\n}\n';

  test('chat: the context, then exactly one newline when it lacks one, then the block; generatedCode is the block', () => {
    const spec = withContext(helper);
    const assembled = assembleCandidate(spec, 'chat', `\`\`\`ts\n${body}\`\`\``);
    expect(assembled).toEqual({ code: `${helper}\n${body}`, generatedCode: body });
    // A context that already ends in a newline is not given a second one.
    expect(assembleCandidate(withContext(`${helper}\n`), 'chat', `\`\`\`ts\n${body}\`\`\``).code).toBe(`${helper}\n${body}`);
  });

  test('continuation: context + stub + continuation', () => {
    const spec = withContext(`${helper}\n`);
    const text = '  return Math.min(lift(x, low), high);\n}\n';
    expect(assembleCandidate(spec, 'continuation', text)).toEqual({ code: `${helper}\n${renderStub(spec)}${text}`, generatedCode: text });
  });

  test('no code stays no code: the context alone is never a candidate', () => {
    const nothing = { code: null, generatedCode: null };
    expect(assembleCandidate(withContext(helper), 'chat', 'I cannot help with that.')).toEqual(nothing);
    expect(assembleCandidate(withContext(helper), 'continuation', '  \n')).toEqual(nothing);
  });

  test('Python: the stub imports go after the context, in front of the block', () => {
    const context = 'def double(x: int) -> int:\n    return 2 * x\n';
    const spec = TaskSpecSchema.parse({ ...sumPositiveSpec(), contextCode: context });
    const block = 'def sum_positive(xs: List[int]) -> int:\n    return sum(double(x) // 2 for x in xs if x > 0)\n';
    expect(assembleCandidate(spec, 'chat', `\`\`\`python\n${block}\`\`\``).code).toBe(`${context}from typing import *\n${block}`);
  });

  test('ownCode strips exactly the context prefix, and nothing when it is absent', () => {
    const spec = withContext(helper);
    const code = assembleCandidate(spec, 'chat', `\`\`\`ts\n${body}\`\`\``).code ?? '';
    expect(ownCode(spec, code)).toBe(body);
    // Without the newline assembly adds, the prefix is not there: unchanged.
    expect(ownCode(spec, `${helper}${body}`)).toBe(`${helper}${body}`);
    expect(ownCode(spec, body)).toBe(body);
    expect(ownCode(clampSpec(), code)).toBe(code);
    expect(ownCode(withContext(''), body)).toBe(body);
  });
});
