/**
 * @module orchestrate/project-build/integrate/project-layout
 * Where each piece goes in the integrated project: `src/<module>.ts` and `test/<module>.test.ts`, the module name
 * being the kebab-case form of the entry point. The one validation of a piece list, shared by `projectFiles` and
 * `verifyProject`, so both agree on every path.
 */
import { z } from 'zod';
import { InvalidArgumentError, parseOptions } from '../../../errors/index.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { ModuleNameClashError } from './module-name-clash-error.js';

/** A piece with its place in the project. */
export interface PlannedModule {
  readonly piece: IntegratedPiece;
  /** Kebab-case module name, e.g. `count-words`. */
  readonly moduleName: string;
  /** `src/<module>.ts` */
  readonly sourcePath: string;
  /** `test/<module>.test.ts` */
  readonly testPath: string;
}

/** Module names a piece may not take: `index` is the project's public entry. */
const RESERVED_MODULE_NAMES = new Set(['index']);

const PiecesSchema = z.array(
  z.object({
    nodeId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'a node id: letters, digits and _ . : / -'),
    spec: z.object({ language: z.string(), signature: z.object({ entryPoint: z.string() }).loose() }).loose(),
    code: z.string(),
    dependencies: z.array(z.string()),
    source: z.enum(['consensus', 'best-partial', 'person']),
  }),
);

/**
 * Kebab-case of an identifier: camel humps, digits runs' ends, `_` and `$` become `-`; lower case.
 * `splitWords` -> `split-words`, `parseHTTPHeader` -> `parse-http-header`, `to_snake_case` -> `to-snake-case`,
 * `sha256` -> `sha256`. Empty (e.g. for `$`) when the identifier has no letter or digit.
 */
export function kebabCase(identifier: string): string {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .replace(/[_$]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** Code-unit order (never locale order, which varies between machines). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Validates the pieces and places them, sorted by node id.
 *
 * @throws InvalidArgumentError (`invalid_argument`) for a malformed piece, a language other than `typescript`
 *   (integration supports TypeScript only), a repeated node id, or a dependency that is not another piece.
 * @throws ModuleNameClashError (`module_name_clash`) when two entry points share a module name, or one's is reserved.
 */
export function planModules(pieces: readonly IntegratedPiece[], parameter = 'options.pieces'): readonly PlannedModule[] {
  parseOptions(PiecesSchema, pieces, parameter);
  const sorted = [...pieces].sort((a, b) => compareCodeUnits(a.nodeId, b.nodeId));
  const ids = new Set<string>();
  sorted.forEach((piece) => {
    const index = pieces.indexOf(piece);
    if (piece.spec.language !== 'typescript') {
      throw new InvalidArgumentError({
        parameter: `${parameter}.${index}.spec.language`,
        value: piece.spec.language,
        expected: '"typescript" (integration supports TypeScript projects only)',
      });
    }
    if (ids.has(piece.nodeId)) {
      throw new InvalidArgumentError({ parameter: `${parameter}.${index}.nodeId`, value: piece.nodeId, expected: 'a node id no other piece has' });
    }
    ids.add(piece.nodeId);
  });
  for (const piece of sorted) {
    for (const dependency of piece.dependencies) {
      if (!ids.has(dependency) || dependency === piece.nodeId) {
        throw new InvalidArgumentError({
          parameter: `${parameter}.${pieces.indexOf(piece)}.dependencies`,
          value: dependency,
          expected: `the node id of another piece (known: ${[...ids].join(', ')})`,
        });
      }
    }
  }
  const byModule = new Map<string, IntegratedPiece>();
  return sorted.map((piece) => {
    const moduleName = kebabCase(piece.spec.signature.entryPoint);
    if (moduleName === '' || RESERVED_MODULE_NAMES.has(moduleName)) {
      throw new ModuleNameClashError({
        moduleName,
        nodeIds: [piece.nodeId],
        reason: `entry point "${piece.spec.signature.entryPoint}" ${moduleName === '' ? 'has no letter or digit to name a file after' : 'would overwrite the project\'s public entry src/index.ts'}.`,
      });
    }
    const other = byModule.get(moduleName);
    if (other !== undefined) {
      throw new ModuleNameClashError({
        moduleName,
        nodeIds: [other.nodeId, piece.nodeId],
        reason: `entry points "${other.spec.signature.entryPoint}" and "${piece.spec.signature.entryPoint}" have the same kebab-case form; rename one.`,
      });
    }
    byModule.set(moduleName, piece);
    return { piece, moduleName, sourcePath: `src/${moduleName}.ts`, testPath: `test/${moduleName}.test.ts` };
  });
}
