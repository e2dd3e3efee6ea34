/**
 * @module redflag/prose
 * The prose of a model answer: the text outside its code. For chat answers, everything outside the fenced code
 * blocks; for bare answers, the text around the extracted code; all of it when no code was found.
 */
import type { RedFlagContext } from './red-flag-rule.js';

const FENCE = /^\s*(```|~~~)/;

/**
 * Returns the prose segments of `context.text`, in order.
 *
 * - With fences (```` ``` ```` or `~~~` lines): the lines outside fenced blocks (an unclosed fence runs to the end).
 * - Without fences: the text before and after `context.generatedCode` when the text contains it; the whole text
 *   when `generatedCode` is null; nothing otherwise (the text is taken to be code).
 */
export function proseSegments(context: Pick<RedFlagContext, 'text' | 'generatedCode'>): string[] {
  const { text, generatedCode } = context;
  const lines = text.split('\n');
  if (lines.some((line) => FENCE.test(line))) {
    const segments: string[] = [];
    let inCode = false;
    for (const line of lines) {
      if (FENCE.test(line)) inCode = !inCode;
      else if (!inCode) segments.push(line);
    }
    return [segments.join('\n')].filter((segment) => segment.trim() !== '');
  }
  if (generatedCode === null) return [text];
  const at = generatedCode === '' ? -1 : text.indexOf(generatedCode);
  if (at < 0) return [];
  return [text.slice(0, at), text.slice(at + generatedCode.length)].filter((segment) => segment.trim() !== '');
}
