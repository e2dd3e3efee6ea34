/**
 * @module task-spec/typescript-api
 * The TypeScript compiler API, loaded with `require` rather than `import`, and only when first used. `typescript` is
 * one 9 MB CommonJS file: an ESM `import` of it first runs Node's CommonJS export scanner over the whole file (about
 * 0.3-0.5 s on a 2-core machine, as much again as compiling it), which `require` skips; and a command that never
 * touches TypeScript (`zerr spec check` of a Python spec, `zerr runs`) never loads it at all. Every module that needs
 * the compiler at run time imports `ts` from here (types: `import type TS from 'typescript'`). The file is compiled
 * with a V8 code cache kept in the user's cache folder (`v8-code-cache.ts`): about 0.12 s instead of 0.35 s.
 */
import type TypeScript from 'typescript';
import { requireWithCodeCache } from './v8-code-cache.js';

let loaded: typeof TypeScript | undefined;

/** The `typescript` module, loaded on the first call. */
export function typescript(): typeof TypeScript {
  loaded ??= requireWithCodeCache('typescript', import.meta.url) as typeof TypeScript;
  return loaded;
}

/**
 * The `typescript` module as a value that loads it on first property access (`ts.createSourceFile(...)`,
 * `ts.SyntaxKind.Identifier`). Only property reads are forwarded: pass {@link typescript}() where a library needs the
 * module object itself.
 */
export const ts: typeof TypeScript = new Proxy({} as typeof TypeScript, {
  get: (_target, key) => (typescript() as unknown as Record<PropertyKey, unknown>)[key],
});
