/**
 * @module cli/chat/spec-editor
 * `e` at a proposed spec in `zerr chat`: the user's editor (`$VISUAL`, else `$EDITOR`, as git and crontab choose it)
 * opens the spec's YAML file; the chat then loads the file again. Without either variable there is no editor to
 * open, and the chat says so instead of guessing one.
 */
import { spawn } from 'node:child_process';

/** What an edit came to. */
export type EditOutcome =
  | { readonly status: 'edited' }
  | { readonly status: 'unavailable' | 'failed'; readonly reason: string };

/** Opens a file for the user to edit; resolves when they are done. */
export interface SpecEditor {
  edit(file: string, options: { readonly signal: AbortSignal }): Promise<EditOutcome>;
}

/**
 * The editor named by `VISUAL` or `EDITOR` in `env` (a command line: `code --wait`, `vim`), run through the shell with
 * the file's path appended, on the terminal (inherited standard streams). A non-zero exit is `failed`.
 */
export function editorFromEnvironment(env: NodeJS.ProcessEnv = process.env): SpecEditor {
  const command = [env['VISUAL'], env['EDITOR']].find((value) => value !== undefined && value.trim() !== '');
  return {
    edit(file, options) {
      if (command === undefined) {
        return Promise.resolve({
          status: 'unavailable',
          reason: `no editor: neither $VISUAL nor $EDITOR is set (e.g. EDITOR=nano zerr chat ...); or edit ${file} yourself and send its path as a message`,
        });
      }
      return new Promise((resolve) => {
        const child = spawn(`${command} ${shellQuote(file)}`, { shell: true, stdio: 'inherit', signal: options.signal });
        child.once('error', (error) => resolve({ status: 'failed', reason: `${command}: ${error.message}` }));
        child.once('exit', (code, signal) => {
          if (code === 0) resolve({ status: 'edited' });
          else resolve({ status: 'failed', reason: `${command} ${signal === null ? `exited with ${String(code)}` : `was ended by ${signal}`}; the spec is unchanged` });
        });
      });
    },
  };
}

/** `text` in single quotes for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
