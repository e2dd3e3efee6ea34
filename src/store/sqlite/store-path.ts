/**
 * @module store/sqlite/store-path
 * Where the embedded run store lives: `runs.sqlite` in zerr's state folder (`<project root>/.zerr/`, or the user's
 * data folder outside any project: `store/state-folder.ts`), unless `ZERR_STORE` or an explicit path says otherwise.
 */
import path from 'node:path';
import { stateFolder } from '../state-folder.js';

/** Environment variable that overrides the default store path. */
export const STORE_PATH_ENV = 'ZERR_STORE';

/**
 * The default store file for a command started in `cwd`: `<project root>/.zerr/runs.sqlite`, or
 * `$XDG_DATA_HOME/zerr/runs.sqlite` (default `~/.local/share/zerr/`) outside any project.
 */
export function runStoreDefaultPath(cwd: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.join(stateFolder(cwd, env), 'runs.sqlite');
}

/**
 * Resolves the store path, first match wins: `options.path`, then `env.ZERR_STORE` (when non-empty), then
 * `options.configured`, then {@link runStoreDefaultPath}. Relative paths are resolved against `cwd`; `:memory:` is
 * passed through.
 *
 * @param options.cwd the folder the command started in (absolute): explicit relative paths are resolved against it.
 * @param options.env environment to read; default `process.env`.
 * @param options.path an explicit path (e.g. a CLI `--store` flag).
 * @param options.configured the configuration file's `defaults.store` (already absolute), if it sets one.
 */
export function resolveStorePath(options: {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly path?: string | undefined;
  readonly configured?: string | undefined;
}): string {
  const chosen = options.path ?? nonEmpty((options.env ?? process.env)[STORE_PATH_ENV]) ?? options.configured;
  if (chosen === undefined) return runStoreDefaultPath(options.cwd, options.env ?? process.env);
  return chosen === ':memory:' ? chosen : path.resolve(options.cwd, chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
