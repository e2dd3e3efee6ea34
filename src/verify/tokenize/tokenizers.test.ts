import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from '../../sandbox/index.js';
import { createCodeTokenizer } from './create-code-tokenizer.js';
import { tokenizeTypeScript } from './typescript-tokenizer.js';

const sandbox = new BwrapSandbox();
const tokenizer = createCodeTokenizer(sandbox);
afterAll(() => sandbox.close());

describe('TypeScript tokenizer (ts.createScanner)', () => {
  test('classifies comments, strings, templates, numbers, keywords and punctuation with lines', () => {
    const code = '// I think this works\nconst s = `a ${x + "}"} b`; /* (unbalanced */\nlet n = 0x1F / 2; const r = /[(]/g;';
    const result = tokenizeTypeScript(code);
    if (!result.ok) throw new Error(result.error);
    const pairs = result.tokens.map((t) => `${t.kind}:${t.text}@${t.line}`);
    expect(pairs[0]).toBe('comment:// I think this works@1');
    expect(pairs).toContain('keyword:const@2');
    expect(pairs).toContain('string:`a ${@2');
    expect(pairs).toContain('string:"}"@2');
    expect(pairs).toContain('string:} b`@2');
    expect(pairs).toContain('comment:/* (unbalanced */@2');
    expect(pairs).toContain('number:0x1F@3');
    expect(pairs).toContain('punctuation:/@3');
    expect(pairs).toContain('other:/[(]/g@3');
    // No parenthesis escapes from the comment or the regex:
    expect(result.tokens.filter((t) => t.kind === 'punctuation' && t.text === '(')).toEqual([]);
  });

  test('an unterminated string is an error with its line', () => {
    const result = tokenizeTypeScript('const a = 1;\nconst b = "open;\n');
    expect(result).toMatchObject({ ok: false, line: 2 });
  });
});

describe('Python tokenizer (tokenize in the sandbox)', () => {
  test('classifies NAME/keyword, STRING, COMMENT, NUMBER and OP tokens', async () => {
    const result = await tokenizer.tokenize('python', 'def f(x):  # maybe?\n    return x + 1.5 if x else "no"\n');
    if (!result.ok) throw new Error(result.error);
    const pairs = result.tokens.map((t) => `${t.kind}:${t.text}@${t.line}`);
    expect(pairs).toEqual([
      'keyword:def@1',
      'identifier:f@1',
      'punctuation:(@1',
      'identifier:x@1',
      'punctuation:)@1',
      'punctuation::@1',
      'comment:# maybe?@1',
      'keyword:return@2',
      'identifier:x@2',
      'punctuation:+@2',
      'number:1.5@2',
      'keyword:if@2',
      'identifier:x@2',
      'keyword:else@2',
      'string:"no"@2',
    ]);
  });

  test('tokenize errors come back as ok: false with a line', async () => {
    expect(await tokenizer.tokenize('python', 'x = 1\ns = """never closed\n')).toMatchObject({ ok: false });
    expect(await tokenizer.tokenize('python', "x = 1\ny = 'open\n")).toMatchObject({ ok: false, line: 2 });
  });

  test('dispatches TypeScript in-process', async () => {
    const result = await tokenizer.tokenize('typescript', 'let x = 1;');
    expect(result.ok && result.tokens.map((t) => t.kind)).toEqual(['keyword', 'identifier', 'punctuation', 'number', 'punctuation']);
  });
});
