/**
 * @module task-spec/python-literal
 * Evaluates Python literal expressions (the subset `ast.literal_eval` accepts, plus call expressions whose
 * arguments are literals) to JSON values, without executing anything. Used to read HumanEval docstring examples.
 *
 * Mapping: int/float -> number (ints beyond 2^53 are refused rather than rounded), str/bytes -> string (bytes as
 * Latin-1 characters), True/False -> boolean, None -> null, list/tuple -> array, dict -> object (keys as
 * `json.dumps` writes them: `1` -> "1", `True` -> "true", `None` -> "null"), set/frozenset literal -> array sorted by
 * {@link compareJsonValues} without duplicates. Not supported (reported as failures): complex numbers, `inf`/`nan`,
 * f-strings with substitutions, `\N{...}` escapes, keyword arguments, operators other than unary `+`/`-`.
 */
import {
  compareJsonValues,
  type CallPrefixResult,
  type CallResult,
  type JsonValue,
  type LiteralResult,
} from './literal-result.js';

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 200;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const DECIMAL = /(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?/y;
const PREFIXED_INT = /0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/y;
const STRING_PREFIX = /(?:[rRbBuUfF]{1,2})?(?='|")/y;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

class PythonLiteralParser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, offset = this.pos): never {
    throw new ParseFailure(message, offset);
  }

  skipSpace(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f') this.pos++;
      else if (ch === '\\' && this.text[this.pos + 1] === '\n') this.pos += 2;
      else return;
    }
  }

  match(regex: RegExp): string | undefined {
    regex.lastIndex = this.pos;
    const found = regex.exec(this.text);
    return found === null ? undefined : found[0];
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${JSON.stringify(this.text.slice(this.pos, this.pos + 10))}`);
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '-' || ch === '+') {
      this.pos++;
      const start = this.pos;
      const operand = this.value(depth + 1);
      if (typeof operand !== 'number') this.fail(`unary ${ch} applies to numbers only`, start);
      return ch === '-' ? (operand === 0 ? 0 : -operand) : operand;
    }
    if (ch === '[') return this.sequence(']', depth);
    if (ch === '(') return this.parenthesised(depth);
    if (ch === '{') return this.braced(depth);
    if (this.match(STRING_PREFIX) !== undefined) return this.strings();
    if (ch !== undefined && /[0-9.]/.test(ch)) return this.number();
    const name = this.match(IDENTIFIER);
    if (name === 'True' || name === 'False' || name === 'None') {
      this.pos += name.length;
      return name === 'True' ? true : name === 'False' ? false : null;
    }
    if (name !== undefined) this.fail(`${name} is not a literal`);
    return this.fail(ch === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(ch)}`);
  }

  /** Comma-separated items up to `close` (trailing comma allowed); returns whether a comma occurred. */
  items(close: string, item: () => void): boolean {
    this.pos++;
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) break;
      item();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        sawComma = true;
        this.pos++;
      } else if (next !== close) this.fail(`expected "," or "${close}"`);
    }
    this.pos++;
    return sawComma;
  }

  sequence(close: string, depth: number): JsonValue[] {
    const values: JsonValue[] = [];
    this.items(close, () => values.push(this.value(depth + 1)));
    return values;
  }

  parenthesised(depth: number): JsonValue {
    const values: JsonValue[] = [];
    const sawComma = this.items(')', () => values.push(this.value(depth + 1)));
    if (values.length === 1 && !sawComma) return values[0] ?? null;
    return values;
  }

  braced(depth: number): JsonValue {
    const entries: [string, JsonValue][] = [];
    const members: JsonValue[] = [];
    this.items('}', () => {
      const keyStart = this.pos;
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.pos] === ':') {
        if (members.length > 0) this.fail('mixed set and dict items');
        this.pos++;
        entries.push([dictKey(key, keyStart, this), this.value(depth + 1)]);
      } else {
        if (entries.length > 0) this.fail('expected ":" in dict');
        members.push(key);
      }
    });
    if (members.length > 0) {
      const unique = new Map(members.map((m) => [JSON.stringify(m), m]));
      return [...unique.values()].sort(compareJsonValues);
    }
    const object: Record<string, JsonValue> = {};
    for (const [key, value] of entries) {
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return object;
  }

  number(): number {
    const start = this.pos;
    const text = this.match(PREFIXED_INT) ?? this.match(DECIMAL);
    if (text === undefined || text === '.') return this.fail('malformed number');
    this.pos += text.length;
    const after = this.text[this.pos];
    if (after === 'j' || after === 'J') this.fail('complex numbers are not supported', start);
    if (after !== undefined && /[A-Za-z0-9_]/.test(after)) this.fail('malformed number', start);
    const clean = text.replaceAll('_', '');
    const isInteger = /^0[xXoObB]/.test(clean) || !/[.eE]/.test(clean);
    if (isInteger) {
      if (/^0\d/.test(clean) && !/^0+$/.test(clean)) this.fail('leading zeros in an integer', start);
      const big = BigInt(clean);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('integer beyond 2^53 cannot be represented exactly', start);
      return Number(big);
    }
    const value = Number(clean);
    if (!Number.isFinite(value)) this.fail('float out of range', start);
    return value;
  }

  strings(): string {
    let result = this.string();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.match(STRING_PREFIX) === undefined) {
        this.pos = save;
        return result;
      }
      result += this.string();
    }
  }

  string(): string {
    const start = this.pos;
    const prefix = (this.match(STRING_PREFIX) ?? '').toLowerCase();
    this.pos += prefix.length;
    const raw = prefix.includes('r');
    const bytes = prefix.includes('b');
    const formatted = prefix.includes('f');
    if ((bytes && (formatted || prefix.includes('u'))) || (prefix.includes('u') && prefix.length > 1)) {
      this.fail(`invalid string prefix ${prefix}`, start);
    }
    const quote = this.text[this.pos] ?? '"';
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const closer = triple ? quote.repeat(3) : quote;
    this.pos += closer.length;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string', start);
      if (this.text.startsWith(closer, this.pos)) {
        this.pos += closer.length;
        return out;
      }
      const ch = this.text[this.pos] ?? '';
      if (ch === '\n' && !triple) this.fail('unterminated string', start);
      if (bytes && ch.charCodeAt(0) > 127) this.fail('bytes can only contain ASCII characters');
      if (formatted && (ch === '{' || ch === '}')) {
        if (this.text[this.pos + 1] !== ch) this.fail('f-strings with substitutions are not supported');
        out += ch;
        this.pos += 2;
      } else if (ch === '\\') {
        out += raw ? this.rawEscape() : this.escape(bytes);
      } else {
        out += ch;
        this.pos++;
      }
    }
  }

  rawEscape(): string {
    const pair = this.text.slice(this.pos, this.pos + 2);
    this.pos += pair.length;
    return pair;
  }

  escape(bytes: boolean): string {
    const next = this.text[this.pos + 1];
    if (next === undefined) this.fail('unterminated string');
    this.pos += 2;
    if (next === '\n') return '';
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) return simple;
    if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(this.text[this.pos] ?? '')) digits += this.text[this.pos++];
      return String.fromCharCode(parseInt(digits, 8));
    }
    const width = next === 'x' ? 2 : bytes ? 0 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = this.text.slice(this.pos, this.pos + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail(`truncated \\${next} escape`);
      this.pos += width;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) this.fail('escape beyond U+10FFFF');
      return String.fromCodePoint(code);
    }
    if (next === 'N' && !bytes) this.fail('\\N{...} escapes are not supported');
    return `\\${next}`;
  }

  call(): { callee: string; args: JsonValue[] } {
    this.skipSpace();
    const parts: string[] = [];
    for (;;) {
      const name = this.match(IDENTIFIER);
      if (name === undefined) this.fail('expected a function name');
      parts.push(name);
      this.pos += name.length;
      this.skipSpace();
      if (this.text[this.pos] !== '.') break;
      this.pos++;
      this.skipSpace();
    }
    if (this.text[this.pos] !== '(') this.fail('expected "(" after the function name');
    const args: JsonValue[] = [];
    this.items(')', () => {
      const keyword = this.match(/[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)/y);
      if (keyword !== undefined) this.fail('keyword arguments are not supported');
      if (this.text[this.pos] === '*') this.fail('unpacking arguments are not supported');
      args.push(this.value(1));
    });
    return { callee: parts.join('.'), args };
  }
}

function dictKey(key: JsonValue, offset: number, parser: PythonLiteralParser): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return String(key);
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (key === null) return 'null';
  return parser.fail('dict keys must be strings, numbers, booleans or None', offset);
}

function attempt<T>(run: () => T): { ok: true; value: T } | { ok: false; error: string; offset: number } {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: error.message, offset: error.offset };
    if (error instanceof RangeError) return { ok: false, error: 'nested too deeply', offset: 0 };
    throw error;
  }
}

/** Evaluates a Python literal expression (`[1, -2.5e3, 'a\n', (True, None), {'k': {1, 2}}]`). Never throws. */
export function parsePythonLiteral(source: string): LiteralResult {
  const parser = new PythonLiteralParser(source);
  return attempt(() => {
    const value = parser.value(0);
    parser.expectEnd();
    return value;
  });
}

/** Reads a call `f(arg, ...)` (or `m.f(...)`) whose arguments are Python literals. Never throws. */
export function parsePythonCall(source: string): CallResult {
  const parser = new PythonLiteralParser(source);
  return attempt(() => {
    const call = parser.call();
    parser.expectEnd();
    return call;
  });
}

/**
 * Reads a call at the start of `source` that may be followed by more text (`f(1) == 2`); `end` is the offset just
 * after the call's closing parenthesis. Never throws.
 */
export function parsePythonCallPrefix(source: string): CallPrefixResult {
  const parser = new PythonLiteralParser(source);
  const result = attempt(() => parser.call());
  return result.ok ? { ok: true, value: result.value, end: parser.pos } : result;
}
