/**
 * @module cli/chat/chat-session
 * The conversation of `zerr chat`, over any input and output streams (a terminal, a pipe, in-memory streams in
 * tests): a message in words becomes a proposed spec (the specifier's vote), shown for confirmation (`y`/Enter),
 * editing (`e`) or rejection (`n`); a confirmed spec is solved with live progress and the vote shown; a later message
 * refines the last spec; slash commands (`chat-message.ts`) do the rest. Ctrl-C stops the work in progress and
 * returns to the prompt; at an empty prompt, pressed twice, it leaves. Every message and outcome goes to the
 * project's chat history.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError } from '../exit-codes.js';
import type { ChatBackend, ProposedSpec } from './chat-backend.js';
import type { ChatHistory, ChatHistoryEntry } from './chat-history.js';
import { helpText, parseChatMessage, parseImplementTarget, type ChatMessage } from './chat-message.js';
import { lastSpecText, proposalText, solveText, specificationLine } from './chat-text.js';
import { LineReader } from './line-reader.js';
import { refinedDescription, refinementRequest } from './refine-request.js';
import type { SpecEditor } from './spec-editor.js';

/** The main prompt. */
export const CHAT_PROMPT = 'zerr> ';
/** The prompt after a proposed spec. */
export const CONFIRM_PROMPT = 'solve it? [Y/n/e] ';
/** How many messages `/history` lists. */
export const HISTORY_LISTED = 20;

/** Options of {@link ChatSession}. */
export interface ChatSessionOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Treat the streams as a terminal (line editing, Ctrl-C read as a key). Default `input.isTTY`. */
  readonly terminal?: boolean;
  readonly backend: ChatBackend;
  readonly history: ChatHistory;
  readonly editor: SpecEditor;
  /** Print the stack of an unexpected error. Default false. */
  readonly debug?: boolean;
}

/** What handling a line leads to: leave, stay at the prompt, or handle `message` next. */
type Next = 'leave' | 'stay' | { readonly message: string };

/** What is working while the prompt waits (null: nothing). */
export type ChatWork = 'specify' | 'solve' | 'build' | 'undo' | 'implement' | 'edit';

/** One chat. {@link ChatSession.run} until the user leaves; {@link ChatSession.interrupt} for a SIGINT from outside. */
export class ChatSession {
  readonly #options: ChatSessionOptions;
  readonly #reader: LineReader;
  readonly #backend: ChatBackend;
  /** The last spec proposed, confirmed or solved: what a follow-up refines. */
  #last: ProposedSpec | undefined;
  /** An edited copy of the last spec that did not load, to open again on the next `e`. */
  #draft: { readonly of: ProposedSpec; readonly file: string } | undefined;
  #work: { readonly kind: ChatWork; readonly controller: AbortController } | undefined;
  #historyBroken = false;
  #closing = false;

  constructor(options: ChatSessionOptions) {
    this.#options = options;
    this.#backend = options.backend;
    this.#reader = new LineReader({
      input: options.input, output: options.output, onInterrupt: () => this.interrupt(),
      ...(options.terminal === undefined ? {} : { terminal: options.terminal }),
    });
  }

  /** The work in progress, if any (the command leaves a SIGINT during `/build` to the build's own handler). */
  get working(): ChatWork | null {
    return this.#work?.kind ?? null;
  }

  /**
   * Ctrl-C: stops the work in progress (its AbortSignal aborts with `Error('interrupted (SIGINT)')`; a solve run is
   * then recorded `paused`), else ends the waiting prompt as Ctrl-C at the keyboard does.
   */
  interrupt(): void {
    const work = this.#work;
    if (work === undefined) {
      this.#reader.cancel();
      return;
    }
    if (work.controller.signal.aborted) {
      this.#write('\n(still stopping: waiting for the calls in flight)\n');
      return;
    }
    this.#write(`\nstopping the ${work.kind}...\n`);
    work.controller.abort(new Error('interrupted (SIGINT)'));
  }

  /** Ends the chat (SIGTERM): stops the work in progress as Ctrl-C does, and leaves once it has stopped. */
  close(): void {
    this.#closing = true;
    this.#work?.controller.abort(new Error('interrupted (SIGTERM)'));
    this.#reader.close();
  }

  /** Converses until `/exit`, Ctrl-D, the end of the input, or Ctrl-C twice at an empty prompt. */
  async run(): Promise<void> {
    this.#write(`zerr chat (model ${this.#backend.model}): type a task in words, or the path of a spec file; /help lists the commands, /exit leaves.\n`);
    try {
      const count = await this.#options.history.messageCount();
      this.#write(`history: ${count} earlier message${count === 1 ? '' : 's'} in ${this.#options.history.path}${count > 0 ? ` (/history lists the last ${HISTORY_LISTED})` : ''}\n`);
    } catch (error) {
      this.#write(`history: cannot be read (${describeError(error)}); this chat goes on without it\n`);
    }
    let warned = false;
    try {
      for (;;) {
        const read = await this.#reader.read(CHAT_PROMPT);
        if (read.kind === 'eof') break;
        if (read.kind === 'interrupt') {
          if (read.typed.trim() !== '') {
            warned = false;
            this.#write('\n');
            continue;
          }
          if (warned) break;
          this.#write('\n(press Ctrl-C again or type /exit to leave)\n');
          warned = true;
          continue;
        }
        warned = false;
        let next = await this.#handle(read.text);
        // A line typed at a confirmation that was not an answer (a command, a follow-up) is handled as a message.
        while (typeof next === 'object') next = await this.#handle(next.message);
        if (next === 'leave' || this.#closing) break;
      }
    } finally {
      this.#reader.close();
      this.#write('\nbye\n');
    }
  }

  /** Handles one line; `leave` when the chat should end, a message to handle next when a confirmation got one. */
  async #handle(line: string): Promise<Next> {
    const message = parseChatMessage(line);
    if (message.kind === 'empty') return 'stay';
    await this.#record({ role: 'user', text: line.trim() });
    try {
      return await this.#dispatch(message);
    } catch (error) {
      // Work that Ctrl-C aborted ends with the signal's reason, `Error('interrupted (SIGINT)')`.
      const stopped = /^interrupted/.test(error instanceof Error ? error.message : '');
      const text = stopped ? `stopped: ${describeError(error)}` : `error: ${describeError(error)}`;
      this.#write(`${text}\n`);
      if (this.#options.debug === true && error instanceof Error && error.stack !== undefined) this.#write(`${error.stack}\n`);
      await this.#record({ role: 'zerr', kind: 'error', text });
      return 'stay';
    }
  }

  async #dispatch(message: Exclude<ChatMessage, { kind: 'empty' }>): Promise<Next> {
    switch (message.kind) {
      case 'unknown-command':
        this.#write(`unknown command /${message.name}; /help lists the commands\n`);
        return 'stay';
      case 'spec-file':
        return this.#confirm(await this.#backend.loadSpec(message.path, 'file'));
      case 'words':
        return this.#specify(message.text);
      case 'command':
        return this.#command(message.name, message.argument);
    }
  }

  async #command(name: Extract<ChatMessage, { kind: 'command' }>['name'], argument: string): Promise<'leave' | 'stay'> {
    switch (name) {
      case 'exit':
        return 'leave';
      case 'help':
        this.#write(`${helpText()}\n`);
        return 'stay';
      case 'spec':
        this.#write(this.#last === undefined ? 'no spec yet: type a task in words, or the path of a spec file\n' : lastSpecText(this.#last));
        return 'stay';
      case 'new':
        this.#last = undefined;
        this.#draft = undefined;
        this.#write('starting over: the next message is a new task\n');
        await this.#record({ role: 'zerr', kind: 'new', text: 'started over' });
        return 'stay';
      case 'history':
        await this.#listHistory();
        return 'stay';
      case 'undo':
        await this.#undo();
        return 'stay';
      case 'build':
        await this.#build(argument);
        return 'stay';
      case 'implement':
        await this.#implement(argument);
        return 'stay';
    }
  }

  /** Asks the specifier: for the words alone, or, after a spec, for that spec changed as the words ask. */
  async #specify(text: string): Promise<Next> {
    const last = this.#last;
    if (last === undefined) this.#write('asking the specifier for a spec (Ctrl-C stops)...\n');
    else this.#write(`refining the last spec (${last.spec.id}) with your message (/new starts over; Ctrl-C stops)...\n`);
    const outcome = await this.#during('specify', (signal) => this.#backend.specify(last === undefined
      ? { requirements: text, signal }
      : { requirements: refinementRequest({ previousSpecYaml: last.bareYaml, message: text }), description: refinedDescription(last.spec.description, text), signal }));
    if (outcome.status === 'interrupted') {
      this.#write('specification stopped; nothing was changed\n');
      await this.#record({ role: 'zerr', kind: 'spec', outcome: 'interrupted', text: 'specification stopped' });
      return 'stay';
    }
    if (outcome.status === 'no-spec') {
      const { specification } = outcome;
      this.#write(`${specificationLine(specification)}\nno spec was chosen: every answer was discarded (zerr runs show ${specification.runId} --samples says why); say it in other words${last === undefined ? '' : ', or /new to start over'}\n`);
      await this.#record({ role: 'zerr', kind: 'spec', runId: specification.runId, outcome: specification.outcome, text: 'no spec was chosen' });
      return 'stay';
    }
    return this.#confirm(outcome.proposal);
  }

  /**
   * Shows a proposed spec and asks: solve it (y, Enter), edit it (e), or not (n). A slash command or a message of
   * several words instead leaves the spec unsolved (kept: a message refines it) and is handled next.
   */
  async #confirm(first: ProposedSpec): Promise<Next> {
    let proposal = first;
    this.#last = proposal;
    this.#write(proposalText(proposal));
    await this.#record({
      role: 'zerr', kind: 'spec', text: `${proposal.origin === 'specifier' ? 'proposed' : proposal.origin} spec ${proposal.spec.id}${proposal.file === null ? '' : ` (${proposal.file})`}`,
      ...(proposal.specification === undefined ? {} : { runId: proposal.specification.runId, outcome: proposal.specification.outcome }),
    });
    for (;;) {
      const read = await this.#reader.read(CONFIRM_PROMPT);
      if (read.kind === 'eof') return 'leave';
      if (read.kind === 'interrupt') {
        this.#write('\nnot solved; the spec is kept (/spec shows it, a message changes it)\n');
        return 'stay';
      }
      const answer = read.text.trim().toLowerCase();
      if (answer === '' || answer === 'y' || answer === 'yes') {
        await this.#record({ role: 'user', text: read.text.trim() || 'y' });
        await this.#solve(proposal);
        return 'stay';
      }
      if (answer === 'n' || answer === 'no') {
        await this.#record({ role: 'user', text: read.text.trim() });
        this.#write('not solved. Say what to change, or /new to start over.\n');
        await this.#record({ role: 'zerr', kind: 'spec', outcome: 'rejected', text: `spec ${proposal.spec.id} rejected` });
        return 'stay';
      }
      if (answer === 'e' || answer === 'edit') {
        await this.#record({ role: 'user', text: read.text.trim() });
        const edited = await this.#edit(proposal);
        if (edited !== undefined) {
          proposal = edited;
          this.#last = edited;
          this.#write(proposalText(edited));
          await this.#record({ role: 'zerr', kind: 'spec', outcome: 'edited', text: `edited spec ${edited.spec.id}${edited.file === null ? '' : ` (${edited.file})`}` });
        }
        continue;
      }
      if (answer.startsWith('/') || /\s/.test(answer)) {
        this.#write('(not solved; the spec is kept)\n');
        return { message: read.text };
      }
      this.#write('answer y (or Enter) to solve it, n not to, e to edit it; or say what to change\n');
    }
  }

  /** Opens the spec in the user's editor; the edited spec, or undefined when there is none (said why). */
  async #edit(proposal: ProposedSpec): Promise<ProposedSpec | undefined> {
    const draft = this.#draft?.of === proposal ? this.#draft.file : undefined;
    const file = draft ?? join(await mkdtemp(join(tmpdir(), 'zerr-chat-')), 'spec.yaml');
    if (draft === undefined) await writeFile(file, proposal.yaml);
    const controller = new AbortController();
    const edit = await this.#reader.released(() => this.#options.editor.edit(file, { signal: controller.signal }));
    if (edit.status !== 'edited') {
      this.#write(`${edit.reason}\n`);
      return undefined;
    }
    if ((await readFile(file, 'utf8')) === proposal.yaml) {
      this.#write('the spec is unchanged\n');
      return undefined;
    }
    try {
      const edited = await this.#backend.loadSpec(file, 'edited');
      this.#draft = undefined;
      return edited;
    } catch (error) {
      this.#draft = { of: proposal, file };
      this.#write(`the edited spec is not valid: ${describeError(error)}\nthe spec is unchanged; e opens your edit again (${file})\n`);
      return undefined;
    }
  }

  async #solve(proposal: ProposedSpec): Promise<void> {
    this.#write(`solving ${proposal.spec.id} (k=${this.#backend.k}, at most ${this.#backend.maxSamples} samples; Ctrl-C stops the run)...\n`);
    const outcome = await this.#during('solve', (signal) => this.#backend.solve(proposal.spec, { signal }));
    this.#write(solveText(outcome));
    if (outcome.status === 'paused') {
      await this.#record({ role: 'zerr', kind: 'solve', runId: outcome.runId, outcome: 'paused', text: `run ${outcome.runId} paused (zerr resume ${outcome.runId})` });
      return;
    }
    const { result } = outcome;
    await this.#record({
      role: 'zerr', kind: 'solve', runId: outcome.runId, outcome: result.outcome,
      text: `${result.outcome}: ${result.votes} votes vs ${result.runnerUpVotes} after ${result.samples} samples${outcome.files.code === null ? '' : `; code ${outcome.files.code}`}`,
    });
  }

  async #undo(): Promise<void> {
    const outcome = await this.#during('undo', (signal) => this.#backend.undo({ signal }));
    if (outcome.status === 'refused') {
      this.#write(`/undo refused: ${outcome.reason}\n`);
      await this.#record({ role: 'zerr', kind: 'undo', outcome: 'refused', text: outcome.reason });
      return;
    }
    const text = `reverted ${outcome.sha.slice(0, 10)} "${outcome.subject}" with commit ${outcome.revertSha.slice(0, 10)} "${outcome.revertSubject}"`;
    this.#write(`${text}\n`);
    await this.#record({ role: 'zerr', kind: 'undo', outcome: 'reverted', text });
  }

  async #build(requirements: string): Promise<void> {
    if (requirements === '') {
      this.#write('usage: /build <requirements>, e.g. /build a library with a function that ...\n');
      return;
    }
    const outcome = await this.#during('build', (signal) => this.#backend.build(requirements, { signal }));
    const text = `build ${outcome.status} in ${outcome.outDir} (exit ${outcome.exitCode})`;
    this.#write(`${text}\n`);
    await this.#record({ role: 'zerr', kind: 'build', outcome: outcome.status, text });
  }

  async #implement(argument: string): Promise<void> {
    const target = parseImplementTarget(argument);
    if (target === null) {
      this.#write('usage: /implement <file>#<symbol>, e.g. /implement src/math.ts#clamp\n');
      return;
    }
    const outcome = await this.#during('implement', (signal) => this.#backend.implement({
      file: target.file, symbol: target.symbol, model: this.#backend.model, k: this.#backend.k, maxSamples: this.#backend.maxSamples,
      signal, write: (text) => this.#write(text),
    }));
    this.#write(`${outcome.message}\n`);
    await this.#record({ role: 'zerr', kind: 'implement', outcome: outcome.status, text: outcome.message, ...(outcome.runId === undefined ? {} : { runId: outcome.runId }) });
  }

  async #listHistory(): Promise<void> {
    const exchanges = await this.#options.history.lastExchanges(HISTORY_LISTED + 1);
    // The newest message is this /history itself.
    const listed = exchanges.slice(0, -1).slice(-HISTORY_LISTED);
    if (listed.length === 0) {
      this.#write('no earlier messages\n');
      return;
    }
    const lines = listed.flatMap(({ message, outcomes }) => [
      `${message.at.replace('T', ' ').slice(0, 19)}  ${oneLine(message.text)}`,
      ...outcomes.map((outcome) => `    -> ${oneLine(outcome.text)}`),
    ]);
    this.#write(`${lines.join('\n')}\n`);
  }

  /** Runs `work` as the work in progress, which Ctrl-C aborts. */
  async #during<T>(kind: ChatWork, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#work = { kind, controller };
    this.#reader.discarding = true;
    try {
      return await work(controller.signal);
    } finally {
      this.#work = undefined;
      this.#reader.discarding = false;
    }
  }

  async #record(entry: Omit<ChatHistoryEntry, 'at'>): Promise<void> {
    try {
      await this.#options.history.append(entry);
    } catch (error) {
      if (this.#historyBroken) return;
      this.#historyBroken = true;
      this.#write(`warning: the chat history cannot be written (${describeError(error)}); the chat goes on without it\n`);
    }
  }

  #write(text: string): void {
    this.#options.output.write(text);
  }
}

/** A history text on one line, at most 160 characters. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
