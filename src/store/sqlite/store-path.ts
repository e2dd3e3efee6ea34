/**
 * @module store/sqlite/store-path
 * Where the embedded run store lives: `<cwd>/.zerr/runs.sqlite`, unless `ZERR_STORE` or an explicit path says
 * otherwise.
 */
import path from 'node:path';

/** Environment variable that overrides the default store path. */
export const STORE_PATH_ENV = 'ZERR_STORE';

/** The default store file of a project: `<cwd>/.zerr/runs.sqlite`. */
export function runStoreDefaultPath(cwd: string): string {
  return path.join(cwd, '.zerr', 'runs.sqlite');
}

/**
 * Resolves the store path, first match wins: `options.path`, then `env.ZERR_STORE` (when non-empty), then
 * {@link runStoreDefaultPath}. Relative paths are resolved against `cwd`; `:memory:` is passed through.
 *
 * @param options.cwd the project folder (absolute).
 * @param options.env environment to read; default `process.env`.
 * @param options.path an explicit path (e.g. a CLI `--store` flag).
 */
export function resolveStorePath(options: {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly path?: string;
}): string {
  const chosen = options.path ?? nonEmpty((options.env ?? process.env)[STORE_PATH_ENV]);
  if (chosen === undefined) return runStoreDefaultPath(options.cwd);
  return chosen === ':memory:' ? chosen : path.resolve(options.cwd, chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
