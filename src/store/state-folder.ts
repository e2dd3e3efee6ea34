/**
 * @module store/state-folder
 * Where zerr keeps its state (run store, API keys, the MCP server's builds) for the folder a command starts in:
 * the `.zerr/` folder of the project it belongs to - the nearest folder at or above it holding a `zerr.config.yaml`
 * or a `.git` (a repository's root) - and, outside any project, the user's data folder (`$XDG_DATA_HOME/zerr`,
 * default `~/.local/share/zerr`; XDG Base Directory Specification). Never the working folder itself for its own
 * sake: an editor that starts `zerr mcp` from `/` must not make it write `/.zerr/runs.sqlite`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The project configuration file whose folder is a project root. */
export const PROJECT_CONFIG_FILE = 'zerr.config.yaml';

/**
 * The project root `cwd` belongs to: the nearest folder at or above it holding {@link PROJECT_CONFIG_FILE} or a
 * `.git` (folder, or file of a worktree or submodule); undefined when none does.
 * @param cwd an absolute folder.
 */
export function findProjectRoot(cwd: string): string | undefined {
  for (let folder = path.resolve(cwd); ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, PROJECT_CONFIG_FILE)) || existsSync(path.join(folder, '.git'))) return folder;
    if (path.dirname(folder) === folder) return undefined;
  }
}

/**
 * The user's data folder for zerr: `$XDG_DATA_HOME/zerr` when that is an absolute path (the specification ignores a
 * relative one), else `<home>/.local/share/zerr`.
 */
export function userDataFolder(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const xdg = env['XDG_DATA_HOME'];
  return xdg !== undefined && path.isAbsolute(xdg) ? path.join(xdg, 'zerr') : path.join(home, '.local', 'share', 'zerr');
}

/**
 * zerr's state folder for a command started in `cwd`: `<project root>/.zerr`, or {@link userDataFolder} outside any
 * project (see the module comment).
 */
export function stateFolder(cwd: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const root = findProjectRoot(cwd);
  return root === undefined ? userDataFolder(env) : path.join(root, '.zerr');
}
