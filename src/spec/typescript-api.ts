/**
 * @module spec/typescript-api
 * The TypeScript compiler API, loaded with `require` rather than `import`. `typescript` is one 9 MB CommonJS file:
 * an ESM `import` of it first runs Node's CommonJS export scanner over the whole file (about 0.3-0.5 s on a 2-core
 * machine, as much again as compiling it), which `require` skips. Every module that needs the compiler at run time
 * imports `ts` from here (types: `import type ts from 'typescript'` as usual).
 */
import { createRequire } from 'node:module';
import type TypeScript from 'typescript';

/** The `typescript` module. */
export const ts: typeof TypeScript = createRequire(import.meta.url)('typescript') as typeof TypeScript;
