/**
 * @module cli/chat/chat-message
 * What one line typed into `zerr chat` is: a slash command (`/help`, `/spec`, `/new`, `/history`, `/undo`,
 * `/build <requirements>`, `/implement <file>#<symbol>`, `/exit`), a path to a spec file (YAML/JSON, as
 * `zerr solve <spec>` takes it), or a message in words for the specifier. Pure: no file is read here.
 */

/** The slash commands, in the order `/help` lists them. */
export const CHAT_COMMANDS = [
  { name: 'help', usage: '/help', summary: 'this list' },
  { name: 'spec', usage: '/spec', summary: 'show the last spec' },
  { name: 'new', usage: '/new', summary: 'start over: the next message is a new task, not a change to the last spec' },
  { name: 'history', usage: '/history', summary: "the last 20 messages of this project's chat history and what came of them" },
  { name: 'undo', usage: '/undo', summary: "revert the last commit zerr made in this project's git repository (git revert)" },
  { name: 'build', usage: '/build <requirements>', summary: 'build a project from requirements, as zerr build does, into the output folder' },
  { name: 'implement', usage: '/implement <file>#<symbol>', summary: 'implement a symbol of this repository in place, as zerr implement does' },
  { name: 'exit', usage: '/exit', summary: 'leave the chat (also Ctrl-D)' },
] as const;

/** A slash command's name. */
export type ChatCommandName = (typeof CHAT_COMMANDS)[number]['name'];

/** Other names a command answers to. */
const ALIASES: Readonly<Record<string, ChatCommandName>> = { quit: 'exit', '?': 'help' };

/** One parsed line. */
export type ChatMessage =
  | { readonly kind: 'empty' }
  | { readonly kind: 'command'; readonly name: ChatCommandName; readonly argument: string }
  | { readonly kind: 'unknown-command'; readonly name: string }
  | { readonly kind: 'spec-file'; readonly path: string }
  | { readonly kind: 'words'; readonly text: string };

/** A spec file's extensions, as `loadTaskSpec` takes them. */
const SPEC_FILE = /\.(ya?ml|json)$/i;

/**
 * Parses one line. A line starting with `/` and a known command name (or alias) is that command, the rest of the
 * line its argument; a single token ending in `.yaml`, `.yml` or `.json`, or such a path in quotes (as a terminal
 * writes a dragged file; it may hold spaces then), is a spec file, even when it starts with `/`; another `/word` is
 * an unknown command; anything else is a message in words.
 */
export function parseChatMessage(line: string): ChatMessage {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  const command = /^\/([a-z?]+)(?:\s+([\s\S]*))?$/i.exec(text);
  if (command !== null) {
    const typed = (command[1] ?? '').toLowerCase();
    const name = CHAT_COMMANDS.find((known) => known.name === typed)?.name ?? ALIASES[typed];
    if (name !== undefined) return { kind: 'command', name, argument: (command[2] ?? '').trim() };
  }
  // A quoted path may hold spaces; an unquoted one is one token.
  const quoted = /^(['"])(.+)\1$/.exec(text);
  const path = quoted?.[2] ?? text;
  if ((quoted !== null || !/\s/.test(text)) && SPEC_FILE.test(path)) return { kind: 'spec-file', path };
  if (command !== null) return { kind: 'unknown-command', name: command[1] ?? '' };
  return { kind: 'words', text };
}

/** `/implement`'s argument, `<file>` or `<file>#<symbol>`; null when it names no file. */
export function parseImplementTarget(argument: string): { readonly file: string; readonly symbol: string | null } | null {
  const match = /^([^#\s][^#]*?)(?:#([A-Za-z_$][\w$.]*))?$/.exec(argument.trim());
  if (match === null) return null;
  return { file: match[1] ?? '', symbol: match[2] ?? null };
}

/** The text `/help` prints. */
export function helpText(): string {
  const width = Math.max(...CHAT_COMMANDS.map((command) => command.usage.length));
  return [
    'Type a task in words ("a function that ...") to get a proposed spec, or the path of a spec file (YAML/JSON).',
    'A proposed spec is solved when you confirm it (y or Enter), edited (e, in $EDITOR) or rejected (n).',
    'A message after a spec changes that spec: the specifier gets the last spec and your message.',
    'Ctrl-C stops a run (it stays resumable with zerr resume <run-id>); at an empty prompt, twice, it leaves.',
    ...CHAT_COMMANDS.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
  ].join('\n');
}
