/**
 * @module redflag/testing/python-subprocess-tokenizer
 * TEST SUPPORT ONLY: tokenizes Python by running CPython's own `tokenize` module (`/usr/bin/python3`) on the
 * code given on stdin. Tokenizing is not executing: the code is never compiled or run. The production tokenizers
 * live in `src/verify/tokenize/`.
 */
import { spawn } from 'node:child_process';
import type { CodeToken } from '../red-flag-rule.js';

type TokenizeResult = { readonly ok: true; readonly tokens: readonly CodeToken[] } | { readonly ok: false; readonly error: string; readonly line?: number };

const SCRIPT = String.raw`
import io, json, keyword, sys, token, tokenize
source = sys.stdin.read()
out = []
try:
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        name = token.tok_name[tok.type]
        if name == 'ERRORTOKEN' and tok.string.strip():
            print(json.dumps({'ok': False, 'error': 'invalid token ' + repr(tok.string), 'line': tok.start[0]})); sys.exit(0)
        if name == 'NAME':
            kind = 'keyword' if keyword.iskeyword(tok.string) else 'identifier'
        elif name in ('STRING', 'FSTRING_START', 'FSTRING_MIDDLE', 'FSTRING_END'):
            kind = 'string'
        elif name == 'COMMENT':
            kind = 'comment'
        elif name == 'NUMBER':
            kind = 'number'
        elif name == 'OP':
            kind = 'punctuation'
        else:
            continue
        out.append({'kind': kind, 'text': tok.string, 'line': tok.start[0]})
except (tokenize.TokenError, SyntaxError) as error:
    line = error.lineno if isinstance(error, SyntaxError) else (error.args[1][0] if len(error.args) > 1 else None)
    print(json.dumps({'ok': False, 'error': str(error.args[0]), 'line': line})); sys.exit(0)
print(json.dumps({'ok': True, 'tokens': out}))
`;

/** Tokenizes Python source with CPython's `tokenize` module in a child process. */
export function tokenizePython(code: string, pythonPath = '/usr/bin/python3'): Promise<TokenizeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(pythonPath, ['-I', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`python tokenize exited with ${String(status)}: ${stderr}`));
      else resolve(JSON.parse(stdout) as TokenizeResult);
    });
    child.stdin.end(code, 'utf8');
  });
}
