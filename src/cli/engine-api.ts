/**
 * @module cli/engine-api
 * The engine's public entry (`src/index.ts`), loaded on first use. Loading it pulls in the TypeScript compiler,
 * the linters, the model SDKs and the store (seconds of start-up on a busy 2-core machine), so the commands import
 * only its types statically and `zerr --help`, `--version` and option errors never load it.
 */
import type * as Api from '../index.js';

/** The engine's public API, as `import('../index.js')` gives it. */
export type EngineApi = typeof Api;

let loading: Promise<EngineApi> | undefined;

/** Loads (once) and returns the engine's public API. */
export function loadEngineApi(): Promise<EngineApi> {
  loading ??= import('../index.js');
  return loading;
}
