/**
 * @module orchestrate/project-build/integrate/project-layout
 * Where each piece goes in the integrated project. TypeScript: `src/<module>.ts` and `test/<module>.test.ts`, the
 * module name being the kebab-case form of the entry point. Python: a package named after the project
 * (`text-stats` -> `text_stats`) under `src/`, `src/<package>/<module>.py` and `tests/test_<module>.py`, the module
 * name being the snake_case form of the entry point. The one validation of a piece list, shared by `projectFiles`
 * and `verifyProject`, so both agree on every path.
 */
import { z } from 'zod';
import { InvalidArgumentError, parseOptions } from '../../../errors/index.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { ModuleNameClashError } from './module-name-clash-error.js';

/** A piece with its place in the project. */
export interface PlannedModule {
  readonly piece: IntegratedPiece;
  /** Module name: kebab-case in TypeScript (`count-words`), snake_case in Python (`count_words`). */
  readonly moduleName: string;
  /** `src/<module>.ts`, or `src/<package>/<module>.py` */
  readonly sourcePath: string;
  /** `test/<module>.test.ts`, or `tests/test_<module>.py` */
  readonly testPath: string;
}

/** Options of {@link planModules}. */
export interface PlanModulesOptions {
  /** Name of the pieces' parameter in error messages. Default `options.pieces`. */
  readonly parameter?: string;
  /**
   * The project's name (package.json `name`, pyproject `name`): a Python project's package is its snake_case form.
   * Needed for Python pieces; default `zerr-project`.
   */
  readonly name?: string;
}

/** Python keywords, which cannot name a module (`from pkg.class import ...` does not parse). */
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass',
  'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** TypeScript module names a piece may not take: `index` is the project's public entry. */
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

/** snake_case of an identifier (the Python module name): `splitWords` and `split_words` -> `split_words`. */
export function snakeCase(identifier: string): string {
  return kebabCase(identifier).replace(/-/g, '_');
}

/**
 * The Python package of a project: `text-stats` -> `text_stats`.
 * @throws InvalidArgumentError (`invalid_argument`) for a name that does not make a Python identifier.
 */
export function pythonPackageName(name: string, parameter = 'options.name'): string {
  const packageName = name.replace(/-/g, '_');
  if (!/^[a-z][a-z0-9_]*$/.test(packageName) || PYTHON_KEYWORDS.has(packageName)) {
    throw new InvalidArgumentError({ parameter, value: name, expected: 'a project name a Python package can be named after (lower case letters, digits, - and _, e.g. "text-stats")' });
  }
  return packageName;
}

/** Code-unit order (never locale order, which varies between machines). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The language of a project: its pieces' (all the same), `typescript` for none. */
export function projectLanguage(pieces: readonly IntegratedPiece[]): 'typescript' | 'python' {
  return pieces[0]?.spec.language === 'python' ? 'python' : 'typescript';
}

/**
 * Validates the pieces and places them, sorted by node id.
 *
 * @throws InvalidArgumentError (`invalid_argument`) for a malformed piece, pieces of more than one language or of
 *   one other than `typescript` and `python`, a repeated node id, a dependency that is not another piece, or (Python)
 *   a project name no package can be named after.
 * @throws ModuleNameClashError (`module_name_clash`) when two entry points share a module name, or one's is reserved.
 */
export function planModules(pieces: readonly IntegratedPiece[], options: PlanModulesOptions = {}): readonly PlannedModule[] {
  const parameter = options.parameter ?? 'options.pieces';
  parseOptions(PiecesSchema, pieces, parameter);
  const language = projectLanguage(pieces);
  const packageName = language === 'python' ? pythonPackageName(options.name ?? 'zerr-project') : '';
  const sorted = [...pieces].sort((a, b) => compareCodeUnits(a.nodeId, b.nodeId));
  const ids = new Set<string>();
  sorted.forEach((piece) => {
    const index = pieces.indexOf(piece);
    if (piece.spec.language !== language) {
      throw new InvalidArgumentError({
        parameter: `${parameter}.${index}.spec.language`,
        value: piece.spec.language,
        expected: `"${language}", as the project's other pieces (a project is written in one language)`,
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
    const moduleName = language === 'python' ? snakeCase(piece.spec.signature.entryPoint) : kebabCase(piece.spec.signature.entryPoint);
    const reserved = language === 'python' ? PYTHON_KEYWORDS.has(moduleName) : RESERVED_MODULE_NAMES.has(moduleName);
    if (moduleName === '' || reserved) {
      const why = moduleName === ''
        ? 'has no letter or digit to name a file after'
        : language === 'python'
          ? `would name a Python module "${moduleName}", a keyword no import can name`
          : 'would overwrite the project\'s public entry src/index.ts';
      throw new ModuleNameClashError({ moduleName, nodeIds: [piece.nodeId], reason: `entry point "${piece.spec.signature.entryPoint}" ${why}.` });
    }
    const other = byModule.get(moduleName);
    if (other !== undefined) {
      throw new ModuleNameClashError({
        moduleName,
        nodeIds: [other.nodeId, piece.nodeId],
        reason: `entry points "${other.spec.signature.entryPoint}" and "${piece.spec.signature.entryPoint}" have the same ${language === 'python' ? 'snake_case' : 'kebab-case'} form; rename one.`,
      });
    }
    byModule.set(moduleName, piece);
    return language === 'python'
      ? { piece, moduleName, sourcePath: `src/${packageName}/${moduleName}.py`, testPath: `tests/test_${moduleName}.py` }
      : { piece, moduleName, sourcePath: `src/${moduleName}.ts`, testPath: `test/${moduleName}.test.ts` };
  });
}
