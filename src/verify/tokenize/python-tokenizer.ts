/**
 * @module verify/tokenize/python-tokenizer
 * Python tokenizer: the system python3's `tokenize` module, run inside the sandbox (one-shot process per call).
 */
import type { Sandbox } from '../../sandbox/index.js';
import type { CodeToken, CodeTokenKind } from '../../redflag/red-flag-rule.js';
import { runPythonTool } from '../python/run-python-tool.js';
import type { TokenizeResult } from './typescript-tokenizer.js';

const SCRIPT = String.raw`import io, json, keyword, sys, token, tokenize
with open(sys.argv[1], encoding='utf-8') as f:
    source = f.read()
SKIP = {token.NEWLINE, token.NL, token.INDENT, token.DEDENT, token.ENDMARKER, token.ENCODING}
STRINGS = {token.STRING} | {getattr(token, n) for n in ('FSTRING_START', 'FSTRING_MIDDLE', 'FSTRING_END') if hasattr(token, n)}
out = []
try:
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        t = tok.type
        if t in SKIP:
            continue
        if t == token.ERRORTOKEN:
            if tok.string.strip() == '':
                continue
            print(json.dumps({'ok': False, 'error': 'invalid token ' + repr(tok.string) + ' (unterminated string or stray character)', 'line': tok.start[0]}))
            sys.exit(0)
        if t == token.NAME:
            kind = 'keyword' if keyword.iskeyword(tok.string) else 'identifier'
        elif t in STRINGS:
            kind = 'string'
        elif t == token.COMMENT:
            kind = 'comment'
        elif t == token.NUMBER:
            kind = 'number'
        elif t == token.OP:
            kind = 'punctuation'
        else:
            kind = 'other'
        out.append([kind, tok.string, tok.start[0]])
    print(json.dumps({'ok': True, 'tokens': out}))
except (tokenize.TokenError, SyntaxError) as e:
    line = getattr(e, 'lineno', None)
    if line is None and len(e.args) > 1 and isinstance(e.args[1], tuple):
        line = e.args[1][0]
    print(json.dumps({'ok': False, 'error': str(e.args[0]) if e.args else str(e), 'line': line}))
`;

/**
 * Tokenizes Python with `tokenize.generate_tokens`. Kinds: NAME -> `keyword` when `keyword.iskeyword` (hard
 * keywords only; soft `match`/`case` stay identifiers) else `identifier`; STRING (and 3.12 f-string parts) ->
 * `string`; COMMENT -> `comment`; NUMBER -> `number`; OP -> `punctuation`. NEWLINE/NL/INDENT/DEDENT are dropped.
 * A `TokenError` (EOF in multi-line string or statement), an `IndentationError` or an ERRORTOKEN (unterminated
 * single-quoted string, stray `$`) gives `ok: false` with the line.
 * @throws PythonToolError (`python_tool_failed`), SandboxUnavailableError (`sandbox_unavailable`).
 */
export async function tokenizePython(sandbox: Sandbox, code: string, signal?: AbortSignal): Promise<TokenizeResult> {
  const result = (await runPythonTool({ sandbox, script: SCRIPT, code, ...(signal ? { signal } : {}) })) as {
    ok?: unknown;
    tokens?: unknown;
    error?: unknown;
    line?: unknown;
  };
  if (result.ok === true && Array.isArray(result.tokens)) {
    const tokens = (result.tokens as [CodeTokenKind, string, number][]).map(
      ([kind, text, line]): CodeToken => ({ kind, text, line }),
    );
    return { ok: true, tokens };
  }
  const line = typeof result.line === 'number' ? result.line : undefined;
  return { ok: false, error: String(result.error), ...(line !== undefined ? { line } : {}) };
}
