/**
 * @module llm/providers/replay/replay-data-error
 * Raised when recorded model outputs cannot be loaded.
 */
import { ZeroErrorError } from '../../../errors/zero-error-error.js';

/**
 * A replay data file is missing, unreadable or malformed. Names the file and, for a bad record, the 1-based line.
 * Code: `replay_data_invalid`.
 */
export class ReplayDataError extends ZeroErrorError {
  readonly file: string;
  /** 1-based line number of the bad record; undefined when the whole file is at fault. */
  readonly line: number | undefined;
  constructor(options: { file: string; line?: number; message: string; cause?: unknown }) {
    const where = options.line === undefined ? options.file : `${options.file}:${options.line}`;
    super('replay_data_invalid', `replay: ${where}: ${options.message}`, { cause: options.cause });
    this.file = options.file;
    this.line = options.line;
  }
}
