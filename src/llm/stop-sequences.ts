/**
 * @module llm/stop-sequences
 * Cuts generated text at the earliest stop sequence, the way OpenAI-style APIs apply `stop`: on a whole text
 * ({@link applyStopSequences}) or on text arriving in pieces ({@link StopSequenceScanner}, for streaming).
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

/**
 * Applies stop sequences to text that arrives in pieces (a stream of decoded tokens): {@link StopSequenceScanner.push}
 * releases only text that can no longer be part of a stop sequence and holds back the longest tail that is the
 * start of one. What it releases, followed by {@link StopSequenceScanner.flush}, is exactly
 * `applyStopSequences(whole text, stop).text`, however the text was split.
 */
export class StopSequenceScanner {
  private readonly stop: readonly string[];
  private held = '';
  private seen = false;

  /** `stop`: the stop sequences (empty strings are ignored). */
  constructor(stop: readonly string[]) {
    this.stop = stop.filter((sequence) => sequence.length > 0);
  }

  /** Whether a stop sequence has occurred; from then on nothing more is released. */
  get stopped(): boolean {
    return this.seen;
  }

  /** Takes the next piece of text and returns the text now safe to release (possibly empty). */
  push(text: string): string {
    if (this.seen) return '';
    const buffer = this.held + text;
    const cut = applyStopSequences(buffer, this.stop);
    if (cut.stopped) {
      this.seen = true;
      this.held = '';
      return cut.text;
    }
    const keep = this.heldTailLength(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return buffer.slice(0, buffer.length - keep);
  }

  /** Releases the text held back (the text ended without completing a stop sequence). */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  /** Length of the longest tail of `buffer` that is a proper start of some stop sequence. */
  private heldTailLength(buffer: string): number {
    const longest = Math.max(0, ...this.stop.map((sequence) => sequence.length - 1));
    for (let length = Math.min(longest, buffer.length); length > 0; length -= 1) {
      const tail = buffer.slice(buffer.length - length);
      if (this.stop.some((sequence) => sequence.startsWith(tail))) return length;
    }
    return 0;
  }
}
