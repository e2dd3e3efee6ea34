import { describe, expect, it } from 'vitest';
import { locatePythonSymbol } from './python-symbol.js';

const FILE = `"""Helpers."""
import re
from typing import List

from .words import split_words


def join_words(words: List[str], sep: str = "-") -> str:
    """Join words with sep.

    >>> join_words(["a", "b"])
    'a-b'
    """
    raise NotImplementedError


def count(text) -> int:
    return len(text)


class Box:
    pass
`;

describe('locatePythonSymbol', () => {
  it('reads the annotated signature, the docstring and the span; a relative import keeps the context out', async () => {
    const located = await locatePythonSymbol(FILE, 'pkg/text.py', undefined);
    if (!located.ok) throw new Error(located.message);
    const { symbol } = located;
    expect(symbol).toMatchObject({ language: 'python', name: 'join_words', outputType: 'str', isStub: true, exported: true });
    expect(symbol.inputs).toEqual([{ name: 'words', type: 'List[str]' }, { name: 'sep', type: 'str', description: "default: '-'" }]);
    expect(symbol.docLines).toEqual(['Join words with sep.', '', '>>> join_words(["a", "b"])', "'a-b'"]);
    expect(FILE.slice(symbol.start, symbol.end)).toMatch(/^def join_words[\s\S]*raise NotImplementedError$/);
    expect(symbol.context).toBeUndefined();
    expect(symbol.contextNote).toContain('the file imports .words');
    expect(symbol.stub).toBe('from typing import List\n\n\ndef join_words(words: List[str], sep: str = "-") -> str:\n    """Join words with sep.\n\n    >>> join_words(["a", "b"])\n    \'a-b\'\n    """\n');
    expect(symbol.docstring).toBe('    """Join words with sep.\n\n    >>> join_words(["a", "b"])\n    \'a-b\'\n    """');
  });

  it('says why a symbol cannot be implemented', async () => {
    expect(await locatePythonSymbol(FILE, 'pkg/text.py', 'count')).toMatchObject({ ok: false, message: expect.stringContaining('count: parameter text has no type annotation') as unknown });
    expect(await locatePythonSymbol(FILE, 'pkg/text.py', 'Box')).toMatchObject({ ok: false, message: expect.stringContaining('Box is a class') as unknown });
    expect(await locatePythonSymbol(FILE, 'pkg/text.py', 'nope')).toEqual({ ok: false, message: 'no top-level function named nope; the file defines: join_words, count' });
    expect(await locatePythonSymbol('def f(:\n', 'bad.py', 'f')).toMatchObject({ ok: false, message: expect.stringContaining('the file does not parse') as unknown });
  });
});
