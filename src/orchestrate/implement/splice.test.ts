import { describe, expect, it } from 'vitest';
import { spliceCandidate } from './splice.js';
import type { SourceSymbol } from './source-symbol.js';

function symbolIn(source: string, declaration: string, extra: Partial<SourceSymbol>): SourceSymbol {
  const start = source.indexOf(declaration);
  return {
    language: 'typescript', name: 'f', inputs: [], outputType: 'number', docLines: [], start, end: start + declaration.length,
    exported: true, isStub: true, lines: 3, context: undefined, contextNote: undefined, stub: '', ...extra,
  };
}

describe('spliceCandidate', () => {
  it('replaces the declaration, exports the function as the original was, keeps the helpers, drops imports the file has', () => {
    const declaration = "export function f(): number {\n  throw new Error('not implemented');\n}";
    const source = `import { x } from './x.js';\n\n/** Doc. */\n${declaration}\n\nexport const y = 1;\n`;
    const candidate = "import { x } from './x.js';\n\nfunction helper(): number {\n  return x;\n}\n\nfunction f(): number {\n  return helper();\n}\n\n";
    expect(spliceCandidate(source, symbolIn(source, declaration, {}), candidate)).toBe(
      "import { x } from './x.js';\n\n/** Doc. */\nfunction helper(): number {\n  return x;\n}\n\nexport function f(): number {\n  return helper();\n}\n\nexport const y = 1;\n",
    );
  });

  it('puts the original docstring into a Python function that has none, indented as its body', () => {
    const declaration = 'def f() -> int:\n    """Return one.\n\n    >>> f()\n    1\n    """\n    raise NotImplementedError';
    const source = `import re\n\n\n${declaration}\n`;
    const symbol = symbolIn(source, declaration, { language: 'python', docstring: '    """Return one.\n\n    >>> f()\n    1\n    """' });
    expect(spliceCandidate(source, symbol, 'import re\n\ndef f() -> int:\n  return 1\n')).toBe('import re\n\n\ndef f() -> int:\n  """Return one.\n\n  >>> f()\n  1\n  """\n  return 1\n');
    // A candidate with its own docstring keeps it.
    expect(spliceCandidate(source, symbol, "def f() -> int:\n    '''One.'''\n    return 1\n")).toBe("import re\n\n\ndef f() -> int:\n    '''One.'''\n    return 1\n");
  });
});
