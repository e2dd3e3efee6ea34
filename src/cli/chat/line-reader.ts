/**
 * @module cli/chat/line-reader
 * Prompted line input for `zerr chat` over Node's `readline` (line editing and history on a terminal, plain lines from
 * a pipe). Unlike `readline/promises`' `question`, lines that arrive before they are asked for are queued, so a chat
 * piped a script of messages reads every one; on a terminal, lines typed while {@link LineReader.discarding} (a run
 * works) are dropped instead (a stray `y` must not answer the next question). Ctrl-C is reported, never a signal:
 * the chat decides what it means.
 */
import { createInterface, type Interface } from 'node:readline';

/** What one prompt got. */
export type ReadResult =
  | { readonly kind: 'line'; readonly text: string }
  /** Ctrl-C (or {@link LineReader.cancel}) while asking; `typed` is what was on the line. */
  | { readonly kind: 'interrupt'; readonly typed: string }
  /** Ctrl-D on an empty line, or the input ended. */
  | { readonly kind: 'eof' };

/** Options of {@link LineReader}. */
export interface LineReaderOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Treat the streams as a terminal (raw mode, line editing, Ctrl-C as a key). Default: `input.isTTY`. */
  readonly terminal?: boolean;
  /** Called on Ctrl-C while nothing is being asked (a run is working). */
  readonly onInterrupt: () => void;
}

/** Reads prompted lines. Close it with {@link LineReader.close}. */
export class LineReader {
  readonly terminal: boolean;
  readonly #rl: Interface;
  readonly #queue: string[] = [];
  readonly #input: NodeJS.ReadableStream;
  readonly #output: NodeJS.WritableStream;
  #waiting: ((result: ReadResult) => void) | undefined;
  #closed = false;
  /** On a terminal, drop lines that come while nothing is asked (set while work is in progress). */
  discarding = false;

  constructor(options: LineReaderOptions) {
    this.#input = options.input;
    this.#output = options.output;
    this.terminal = options.terminal ?? (options.input as { isTTY?: boolean }).isTTY === true;
    this.#rl = createInterface({ input: options.input, output: options.output, terminal: this.terminal, historySize: 200 });
    this.#rl.on('line', (line) => {
      const waiting = this.#waiting;
      if (waiting !== undefined) {
        this.#waiting = undefined;
        if (!this.terminal) this.#output.write(`${line}\n`); // a pipe's line is not echoed by a terminal: echo it
        waiting({ kind: 'line', text: line });
      } else if (!(this.terminal && this.discarding)) {
        this.#queue.push(line);
      }
    });
    this.#rl.on('SIGINT', () => {
      const waiting = this.#waiting;
      if (waiting === undefined) {
        options.onInterrupt();
        return;
      }
      this.#waiting = undefined;
      const typed = this.#rl.line;
      this.#clearLine();
      waiting({ kind: 'interrupt', typed });
    });
    this.#rl.on('close', () => {
      this.#closed = true;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.({ kind: 'eof' });
    });
  }

  /** Whether a prompt is waiting for a line. */
  get asking(): boolean {
    return this.#waiting !== undefined;
  }

  /** Shows `prompt` and resolves with the next line (a queued one at once), Ctrl-C or the end of the input. */
  read(prompt: string): Promise<ReadResult> {
    const queued = this.#queue.shift();
    if (queued !== undefined) {
      this.#rl.setPrompt(prompt);
      this.#rl.prompt();
      this.#output.write(`${queued}\n`); // the answer that was typed ahead (or piped), after its prompt
      return Promise.resolve({ kind: 'line', text: queued });
    }
    if (this.#closed) return Promise.resolve({ kind: 'eof' });
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#rl.setPrompt(prompt);
      this.#rl.prompt();
    });
  }

  /** Ends a waiting prompt as if Ctrl-C had been pressed (a SIGINT that came as a signal). */
  cancel(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    this.#waiting = undefined;
    const typed = this.#rl.line;
    this.#clearLine();
    waiting({ kind: 'interrupt', typed });
  }

  /**
   * Runs `work` with the terminal handed over (readline paused, raw mode off), e.g. for an editor, and takes it back.
   */
  async released<T>(work: () => Promise<T>): Promise<T> {
    const tty = this.#input as { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
    this.#rl.pause();
    if (this.terminal && tty.isTTY === true) tty.setRawMode?.(false);
    try {
      return await work();
    } finally {
      if (this.terminal && tty.isTTY === true) tty.setRawMode?.(true);
      this.#rl.resume();
    }
  }

  /** Closes readline (a waiting prompt gets `eof`). Idempotent. */
  close(): void {
    if (!this.#closed) this.#rl.close();
  }

  #clearLine(): void {
    if (!this.terminal) return;
    this.#rl.write(null, { ctrl: true, name: 'e' });
    this.#rl.write(null, { ctrl: true, name: 'u' });
  }
}
