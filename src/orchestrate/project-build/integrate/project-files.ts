/**
 * @module orchestrate/project-build/integrate/project-files
 * The files of an integrated TypeScript project, rendered from its verified pieces: deterministic (byte-identical
 * for identical input, whatever the order of the pieces).
 */
import { z } from 'zod';
import { parseOptions } from '../../../errors/index.js';
import { ServiceSchema, type Service } from '../../../decompose/decomposition-proposal.js';
import { renderPythonServer, renderPythonServiceTest, renderServiceReadme } from './python-service.js';
import { renderTypeScriptServer, renderTypeScriptServiceTest, SERVICE_DEPENDENCIES, TYPESCRIPT_SERVER_PATH, TYPESCRIPT_SERVICE_TEST_PATH } from './typescript-service.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { GITIGNORE, renderPackageJson, renderReadme, renderTsconfig } from './project-config.js';
import { compareCodeUnits, planModules, projectLanguage, pythonPackageName, type PlannedModule } from './project-layout.js';
import { PYTHON_GITIGNORE, renderPyproject, renderPythonInit, renderPythonModule, renderPythonTestFile } from './python-project.js';
import { renderModule } from './render-module.js';
import { renderTestFile } from './render-test-file.js';
import { ModuleNameClashError } from './module-name-clash-error.js';

/** Options of {@link projectFiles}. */
export interface ProjectFilesOptions {
  /** npm package name, e.g. `words` or `@me/words`. */
  readonly name: string;
  /** The user's requirements, quoted verbatim in the README. */
  readonly requirements: string;
  readonly pieces: readonly IntegratedPiece[];
  /**
   * The HTTP service the requirements' decomposition described: `server.py` and `tests/test_service.py` (Python,
   * `python-service.ts`) or `src/server.ts` on Fastify and `test/service.test.ts` (TypeScript,
   * `typescript-service.ts`) are written around its handler pieces.
   */
  readonly service?: Service | undefined;
}

const OptionsSchema = z
  .object({
    name: z
      .string()
      .max(214)
      .regex(/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/, 'an npm package name (lower case, e.g. "words")'),
    requirements: z.string().min(1, 'the requirements text'),
    pieces: z.array(z.unknown()).min(1, 'at least one piece'),
    service: ServiceSchema.optional(),
  })
  .strict();

/**
 * Renders the project: relative path -> content.
 *
 * A Python project (its pieces are Python): `src/<package>/<module>.py` per piece (package = the name with `_` for
 * `-`, module = snake_case of the entry point) with relative imports of its dependencies, `src/<package>/__init__.py`
 * re-exporting every entry point, `tests/test_<module>.py` per piece (pytest), `pyproject.toml`, `.gitignore`,
 * `README.md` (`python-project.ts`). A TypeScript project:
 * - `src/<module>.ts` per piece (module = kebab-case of the entry point): imports of its dependencies' entry points
 *   (`import { dep } from './dep-module.js';`), the piece's code, `export { entryPoint };`;
 * - `src/index.ts` re-exporting every entry point;
 * - `test/<module>.test.ts` per piece from its spec's test cases (`node:test`, `node:assert/strict`);
 * - `package.json` (ESM; `build`: `tsc`; `test`: `tsc && node --test dist/test/`), `tsconfig.json` (strict,
 *   NodeNext, `outDir` dist, `rootDir` .), `.gitignore`, `README.md`;
 * - with a service: `src/server.ts` (Fastify), `test/service.test.ts`, Fastify in `dependencies` and an `npm start`
 *   (`typescript-service.ts`); a Python service adds `src/<package>/server.py` and `tests/test_service.py`.
 *
 * @throws InvalidArgumentError (`invalid_argument`) for a bad name (or, for Python, one no package can be named
 *   after), empty requirements or pieces, a malformed piece, pieces of two languages, a repeated node id or an
 *   unknown dependency.
 * @throws ModuleNameClashError (`module_name_clash`) when two entry points map to the same module file.
 */
export function projectFiles(options: ProjectFilesOptions): Record<string, string> {
  parseOptions(OptionsSchema, options);
  const modules = planModules(options.pieces, { name: options.name });
  const byNode = new Map(modules.map((m) => [m.piece.nodeId, m] as const));
  if (projectLanguage(options.pieces) === 'python') return sorted(pythonProjectFiles(options, modules, byNode));
  const { service } = options;
  const files: Record<string, string> = {
    '.gitignore': GITIGNORE,
    'README.md': renderReadme(options.name, options.requirements, modules),
    'package.json': renderPackageJson(options.name, service === undefined ? {} : { dependencies: SERVICE_DEPENDENCIES, start: 'node dist/src/server.js' }),
    'tsconfig.json': renderTsconfig(),
    'src/index.ts': renderIndex(options.name, modules),
  };
  for (const module of modules) {
    files[module.sourcePath] = renderModule(module, byNode);
    files[module.testPath] = renderTestFile(module);
  }
  if (service !== undefined) {
    assertNoServiceClash(modules, 'src/server.ts or test/service.test.ts');
    files[TYPESCRIPT_SERVER_PATH] = renderTypeScriptServer(options.name, service, byNode);
    files[TYPESCRIPT_SERVICE_TEST_PATH] = renderTypeScriptServiceTest(service);
    files['README.md'] = `${files['README.md'] ?? ''}\n${renderServiceReadme(service, byNode, { command: 'npm install && npm run build && npm start -- --port 8000', testFile: TYPESCRIPT_SERVICE_TEST_PATH })}`;
  }
  return sorted(files);
}

function sorted(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => compareCodeUnits(a, b)));
}

function pythonProjectFiles(options: ProjectFilesOptions, modules: readonly PlannedModule[], byNode: ReadonlyMap<string, PlannedModule>): Record<string, string> {
  const packageName = pythonPackageName(options.name);
  const files: Record<string, string> = {
    '.gitignore': PYTHON_GITIGNORE,
    'README.md': renderReadme(options.name, options.requirements, modules, 'python'),
    'pyproject.toml': renderPyproject(options.name, packageName),
    [`src/${packageName}/__init__.py`]: renderPythonInit(options.name, modules),
  };
  for (const module of modules) {
    files[module.sourcePath] = renderPythonModule(module, byNode);
    files[module.testPath] = renderPythonTestFile(module, packageName);
  }
  if (options.service !== undefined) {
    assertNoServiceClash(modules, 'server.py or tests/test_service.py');
    files[`src/${packageName}/server.py`] = renderPythonServer(options.name, packageName, options.service, byNode);
    files['tests/test_service.py'] = renderPythonServiceTest(packageName, options.service);
    files['README.md'] = `${files['README.md'] ?? ''}\n${renderServiceReadme(options.service, byNode, { command: `cd src && python3 -m ${packageName}.server --port 8000`, testFile: 'tests/test_service.py' })}`;
  }
  return files;
}

/** @throws ModuleNameClashError when a piece's module is named `server` or `service`, the service's own files. */
function assertNoServiceClash(modules: readonly PlannedModule[], files: string): void {
  const clash = modules.find((m) => m.moduleName === 'server' || m.moduleName === 'service');
  if (clash !== undefined) {
    throw new ModuleNameClashError({ moduleName: clash.moduleName, nodeIds: [clash.piece.nodeId], reason: `the module "${clash.moduleName}" would overwrite the service's ${files}; rename the entry point.` });
  }
}

function renderIndex(name: string, modules: readonly PlannedModule[]): string {
  const lines = [...modules]
    .sort((a, b) => compareCodeUnits(a.moduleName, b.moduleName))
    .map((m) => `export { ${m.piece.spec.signature.entryPoint} } from './${m.moduleName}.js';`);
  return `// Public entry of ${name}: every verified function.\n${lines.join('\n')}\n`;
}
