/**
 * @module redflag/generated-tokens
 * Tokens of the part of a sample the model generated, for rules that judge only the model's own code (hedging
 * comments, too-short bodies) and not the engine's stub.
 */
import type { CodeToken, CodeTokenizer, RedFlagContext } from './red-flag-rule.js';

/**
 * Tokenizes `context.generatedCode`. When the fragment does not tokenize on its own (e.g. a continuation that
 * closes a bracket the stub opened), the whole `context.code` is tokenized instead and only the tokens from the
 * line where the generated part starts onwards are kept (tokens carry lines, not columns, so stub tokens on a
 * shared first line are kept too).
 * @returns the tokens, or null when there is no generated code or neither text tokenizes.
 */
export async function tokenizeGenerated(context: RedFlagContext, tokenizer: CodeTokenizer): Promise<readonly CodeToken[] | null> {
  const { generatedCode, code, spec, signal } = context;
  if (generatedCode === null) return null;
  const alone = await tokenizer.tokenize(spec.language, generatedCode, signal);
  if (alone.ok) return alone.tokens;
  if (code === null) return null;
  const start = code.lastIndexOf(generatedCode);
  if (start < 0) return null;
  const whole = await tokenizer.tokenize(spec.language, code, signal);
  if (!whole.ok) return null;
  const startLine = code.slice(0, start).split('\n').length;
  return whole.tokens.filter((token) => token.line >= startLine);
}

/**
 * A tokenizer that remembers its most recent results (keyed by language and text), so that the rules of one
 * {@link RedFlagger} pass tokenize each text once. Holds at most `capacity` results (default 32).
 */
export function cachingTokenizer(tokenizer: CodeTokenizer, capacity = 32): CodeTokenizer {
  const cache = new Map<string, ReturnType<CodeTokenizer['tokenize']>>();
  return {
    tokenize(language, code, signal) {
      const key = `${language}\u0000${code}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const result = tokenizer.tokenize(language, code, signal);
      cache.set(key, result);
      result.catch(() => cache.delete(key));
      if (cache.size > capacity) cache.delete(cache.keys().next().value ?? key);
      return result;
    },
  };
}
