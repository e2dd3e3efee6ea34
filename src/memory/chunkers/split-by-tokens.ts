/**
 * @module memory/chunkers/split-by-tokens
 * Splits a long piece of text into parts of about a token budget at line boundaries, so that no chunk outgrows what a
 * prompt can take (token counts by `estimateTokenCount`, the engine's tokenizer-free estimate).
 */
import { estimateTokenCount } from '../../llm/token-estimate.js';

/** A part of a text and its 1-based line range. */
export interface TextPart {
  readonly text: string;
  readonly startLine: number;
  readonly endLine: number;
}

/** Default token budget of one chunk. */
export const DEFAULT_CHUNK_TOKENS = 1024;

/**
 * `text` (whose first line is line `firstLine`) as one part when it fits `maxTokens`, else as consecutive parts of
 * whole lines, each at most `maxTokens` unless a single line is longer (then that line is a part of its own).
 * Blank parts are dropped.
 */
export function splitByTokens(text: string, firstLine: number, maxTokens: number = DEFAULT_CHUNK_TOKENS): TextPart[] {
  const lines = text.split('\n');
  if (estimateTokenCount(text) <= maxTokens) return text.trim() === '' ? [] : [{ text, startLine: firstLine, endLine: firstLine + lines.length - 1 }];
  const parts: TextPart[] = [];
  let current: string[] = [];
  let tokens = 0;
  let start = firstLine;
  const flush = (end: number): void => {
    const joined = current.join('\n');
    if (joined.trim() !== '') parts.push({ text: joined, startLine: start, endLine: end });
    current = [];
    tokens = 0;
  };
  lines.forEach((line, index) => {
    const lineTokens = estimateTokenCount(line);
    if (current.length > 0 && tokens + lineTokens > maxTokens) {
      flush(firstLine + index - 1);
      start = firstLine + index;
    }
    current.push(line);
    tokens += lineTokens;
  });
  flush(firstLine + lines.length - 1);
  return parts;
}
