/**
 * @module redflag/red-flag-rule
 * The contract of one red-flag rule (MAKER §3.3; seed implementation guide §1.4, §5.2). A red flag discards a
 * sample outright: it is never repaired. Rules are small plugins; each hit is counted per rule.
 */
import type { FinishReason } from '../llm/language-model.js';
import type { Language, TaskSpec } from '../task-spec/task-spec.js';

/** What a rule sees of one sample. */
export interface RedFlagContext {
  readonly spec: TaskSpec;
  /** Raw model output as returned (after the provider applied stop sequences). */
  readonly text: string;
  readonly finishReason: FinishReason;
  /** Tokens the model generated for this sample. */
  readonly outputTokens: number;
  /**
   * The candidate's complete source as assembled by the engine (stub + continuation, or the extracted code block),
   * or null when no code could be found in the output.
   */
  readonly code: string | null;
  /** The part of `code` that came from the model (the continuation, or the whole extracted block). */
  readonly generatedCode: string | null;
  readonly signal?: AbortSignal;
}

/** A rule hit: the rule's name and a reason a person can read. */
export interface RedFlagHit {
  readonly rule: string;
  readonly reason: string;
}

/** One red-flag rule. `check` returns a hit, or undefined when the sample is fine as far as this rule goes. */
export interface RedFlagRule {
  /** Stable kebab-case name used in counts and records, e.g. `over-token-cap`. */
  readonly name: string;
  readonly description: string;
  check(context: RedFlagContext): RedFlagHit | undefined | Promise<RedFlagHit | undefined>;
}

/** Kinds of lexical token a {@link CodeTokenizer} reports. */
export type CodeTokenKind = 'identifier' | 'keyword' | 'string' | 'comment' | 'number' | 'punctuation' | 'other';

/** One lexical token with its 1-based line. */
export interface CodeToken {
  readonly kind: CodeTokenKind;
  readonly text: string;
  readonly line: number;
}

/**
 * A real tokenizer for a target language (TypeScript scanner; Python's `tokenize` module). Used by rules that must
 * tell code from prose and strings (delimiter balance, hedging phrases in comments).
 */
export interface CodeTokenizer {
  /**
   * Tokenizes `code`. Returns the tokens, or an error when the tokenizer itself rejects the text (e.g. an
   * unterminated string).
   */
  tokenize(
    language: Language,
    code: string,
    signal?: AbortSignal,
  ): Promise<{ readonly ok: true; readonly tokens: readonly CodeToken[] } | { readonly ok: false; readonly error: string; readonly line?: number }>;
}
