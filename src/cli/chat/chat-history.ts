/**
 * @module cli/chat/chat-history
 * The chat history of a project: every message typed into `zerr chat` and every outcome, one JSON object a line,
 * appended to `<project root>/.zerr/chat-history.jsonl` (the project's state folder, `store/state-folder.ts`; the
 * user's data folder outside any project). Lines that do not parse (a crash mid-write, a hand edit) are skipped, never
 * fatal.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The history file's name in the state folder. */
export const CHAT_HISTORY_FILE = 'chat-history.jsonl';

/** One line of the history. */
export interface ChatHistoryEntry {
  /** When, as an ISO 8601 date and time (UTC). */
  readonly at: string;
  /** `user`: a line the user typed; `zerr`: what came of it. */
  readonly role: 'user' | 'zerr';
  readonly text: string;
  /** What the outcome is about: `spec`, `solve`, `build`, `undo`, `error`, ... (outcomes only). */
  readonly kind?: string;
  /** The run the outcome recorded, when there is one. */
  readonly runId?: string;
  /** A run's outcome (`consensus`, `best-partial`, `paused`, ...). */
  readonly outcome?: string;
}

/** A message and what came of it, as `/history` lists them. */
export interface ChatExchange {
  readonly message: ChatHistoryEntry;
  readonly outcomes: readonly ChatHistoryEntry[];
}

/** Options of {@link ChatHistory}. */
export interface ChatHistoryOptions {
  /** The JSONL file. Its folder is made on the first append. */
  readonly path: string;
  /** The clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** Appends to and reads a project's chat history file. */
export class ChatHistory {
  readonly path: string;
  readonly #now: () => number;

  constructor(options: ChatHistoryOptions) {
    this.path = options.path;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Appends one entry (`at` is now). Creates the folder and the file when missing.
   * @throws the file system's error (e.g. EACCES, ENOSPC) naming the path.
   */
  async append(entry: Omit<ChatHistoryEntry, 'at'>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify({ at: new Date(this.#now()).toISOString(), ...entry })}\n`);
  }

  /** Every entry that parses, oldest first; none when the file does not exist. */
  async entries(): Promise<ChatHistoryEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: ChatHistoryEntry[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const value = JSON.parse(line) as unknown;
        if (isEntry(value)) entries.push(value);
      } catch {
        // a torn or hand-edited line: skipped
      }
    }
    return entries;
  }

  /** How many messages (user entries) the history holds. */
  async messageCount(): Promise<number> {
    return (await this.entries()).filter((entry) => entry.role === 'user').length;
  }

  /** The last `count` messages, each with the outcomes recorded after it, oldest first. */
  async lastExchanges(count: number): Promise<ChatExchange[]> {
    const exchanges: { message: ChatHistoryEntry; outcomes: ChatHistoryEntry[] }[] = [];
    for (const entry of await this.entries()) {
      if (entry.role === 'user') exchanges.push({ message: entry, outcomes: [] });
      else exchanges.at(-1)?.outcomes.push(entry);
    }
    return exchanges.slice(-count);
  }
}

function isEntry(value: unknown): value is ChatHistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry['at'] === 'string' && (entry['role'] === 'user' || entry['role'] === 'zerr') && typeof entry['text'] === 'string';
}
