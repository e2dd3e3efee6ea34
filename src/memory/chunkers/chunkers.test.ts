import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chunkPaths } from './chunk-file.js';
import { chunkMarkdown } from './chunk-markdown.js';
import { chunkPython } from './chunk-python.js';
import { chunkTypeScript, docText } from './chunk-typescript.js';
import { splitByTokens } from './split-by-tokens.js';

const TS = `/**
 * @module demo/clamp
 * Clamping helpers.
 */
import { z } from 'zod';

/** Clamps x into [low, high]. @param x the value */
export function clamp(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}

interface Range { low: number; high: number }

export const LIMIT = 10, OTHER = 2;
console.log('side effect');
`;

const PY = `"""Word statistics."""
import re

@cache
def split_words(text):
    """The words of text."""
    return re.findall(r"\\w+", text)

class _Tally:
    pass
`;

describe('chunkers', () => {
  test('TypeScript: one chunk per top-level declaration with its doc comment; the @module comment apart', () => {
    const chunks = chunkTypeScript('clamp.ts', TS);
    expect(chunks.map((chunk) => [chunk.symbol, chunk.exported, chunk.startLine, chunk.endLine])).toEqual([
      [null, false, 1, 4], ['clamp', true, 7, 10], ['Range', false, 12, 12], ['LIMIT, OTHER', true, 14, 14],
    ]);
    expect(chunks[1]?.text.startsWith('/** Clamps x')).toBe(true);
    expect(chunks[1]?.doc).toBe('Clamps x into [low, high].');
    expect(chunks[0]?.doc).toBe('Clamping helpers.');
    expect(docText('/**\n * First line.\n * @throws Error when bad\n */')).toBe('First line.');
  });

  test('Python: functions and classes with decorators, by ast; the module docstring apart; _names not exported', async () => {
    const chunks = await chunkPython(PY);
    expect(chunks.map((chunk) => [chunk.symbol, chunk.exported, chunk.startLine, chunk.endLine, chunk.doc])).toEqual([
      [null, false, 1, 1, 'Word statistics.'], ['split_words', true, 4, 7, 'The words of text.'], ['_Tally', false, 9, 10, null],
    ]);
    expect(chunks[1]?.text.startsWith('@cache\ndef split_words')).toBe(true);
    expect(await chunkPython('def broken(:\n')).toEqual([]);
  });

  test('Markdown: sections by heading path; headings in code fences are text', () => {
    const chunks = chunkMarkdown('intro\n# Guide\ntext\n## Install\n```sh\n# not a heading\n```\n# Other\nmore\n');
    expect(chunks.map((chunk) => [chunk.symbol, chunk.startLine])).toEqual([[null, 1], ['Guide', 2], ['Guide > Install', 4], ['Other', 8]]);
    expect(chunks[2]?.text).toContain('# not a heading');
  });

  test('a part never passes the token budget unless one line does; line ranges add up', () => {
    const text = Array.from({ length: 10 }, (_, i) => `word${i} a b c`).join('\n');
    const parts = splitByTokens(text, 5, 8);
    expect(parts.map((part) => [part.startLine, part.endLine])).toEqual([[5, 6], [7, 8], [9, 10], [11, 12], [13, 14]]);
    expect(parts.map((part) => part.text).join('\n')).toBe(text);
  });
});

describe('chunkPaths', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'zerr-chunks-'));
    await mkdir(join(root, 'src'));
    await mkdir(join(root, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(root, 'src', 'clamp.ts'), TS);
    await writeFile(join(root, 'src', 'clamp.test.ts'), 'export function helper(): number {\n  return 1;\n}\n');
    await writeFile(join(root, 'README.md'), '# Title\nhello\n');
    await writeFile(join(root, 'node_modules', 'x', 'index.ts'), 'export const x = 1;\n');
    await writeFile(join(root, 'src', 'blob.bin'), Buffer.from([0, 1, 2]));
  });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  test('walks folders (not node_modules or binaries), types chunks by file, sources relative to the root', async () => {
    const { chunks, files } = await chunkPaths([root], { root, tags: ['demo'] });
    expect(files).toEqual(['README.md', 'src/clamp.test.ts', 'src/clamp.ts']);
    expect(chunks.map((chunk) => [chunk.source, chunk.symbol ?? null, chunk.type])).toEqual([
      ['README.md', 'Title', 'api_doc'],
      ['src/clamp.test.ts', 'helper', 'test'],
      ['src/clamp.ts', null, 'api_doc'], ['src/clamp.ts', 'clamp', 'code'], ['src/clamp.ts', 'Range', 'code'], ['src/clamp.ts', 'LIMIT, OTHER', 'code'],
    ]);
    expect(chunks.every((chunk) => chunk.tags?.[0] === 'demo')).toBe(true);
  });
});
