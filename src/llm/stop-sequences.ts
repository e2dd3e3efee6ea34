/**
 * @module llm/stop-sequences
 * Cuts generated text at the earliest stop sequence, the way OpenAI-style APIs apply `stop`.
 */

/** Result of {@link applyStopSequences}. */
export interface StopResult {
  /** Text before the earliest stop sequence (the sequence itself excluded), or the whole text. */
  readonly text: string;
  /** Whether a stop sequence occurred in the text. */
  readonly stopped: boolean;
}

/**
 * Cuts `text` before the earliest occurrence of any of `stop` (empty strings are ignored).
 *
 * @example applyStopSequences('a\ndef b', ['\ndef']) // { text: 'a', stopped: true }
 */
export function applyStopSequences(text: string, stop: readonly string[] | undefined): StopResult {
  let cut = -1;
  for (const sequence of stop ?? []) {
    if (sequence.length === 0) continue;
    const index = text.indexOf(sequence);
    if (index !== -1 && (cut === -1 || index < cut)) cut = index;
  }
  return cut === -1 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}
