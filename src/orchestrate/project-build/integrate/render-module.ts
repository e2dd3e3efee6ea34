/**
 * @module orchestrate/project-build/integrate/render-module
 * The source module of one piece: imports of the entry points it depends on, the piece's own code unchanged, and
 * one export of its entry point. Helpers the code declares stay module-private.
 */
import { ts } from '../../../task-spec/typescript-api.js';
import type { PlannedModule } from './project-layout.js';
import { compareCodeUnits } from './project-layout.js';

/**
 * `src/<module>.ts` of one piece.
 *
 * A dependency whose entry point the code itself declares at top level (a piece verified with its own copy of a
 * helper) is not imported: the import would clash with the declaration, and the code was verified with its copy.
 *
 * @param modules Every module of the project, by node id (to find each dependency's entry point and module).
 */
export function renderModule(module: PlannedModule, modules: ReadonlyMap<string, PlannedModule>): string {
  const { piece } = module;
  const declared = topLevelNames(piece.code);
  const imports = piece.dependencies
    .map((id) => modules.get(id))
    .filter((dependency): dependency is PlannedModule => dependency !== undefined)
    .filter((dependency) => !declared.has(dependency.piece.spec.signature.entryPoint))
    .sort((a, b) => compareCodeUnits(a.moduleName, b.moduleName))
    .map((dependency) => `import { ${dependency.piece.spec.signature.entryPoint} } from './${dependency.moduleName}.js';\n`);
  const header = `// ${oneLine(piece.spec.name)} (zerr node ${piece.nodeId}, ${piece.source}).\n`;
  return `${header}${[...new Set(imports)].join('')}${imports.length > 0 ? '\n' : ''}${piece.code.trim()}\n\nexport { ${piece.spec.signature.entryPoint} };\n`;
}

/** Names the code declares at top level (functions, classes, variables, enums, types). */
export function topLevelNames(code: string): ReadonlySet<string> {
  const source = ts.createSourceFile('piece.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
      }
    }
  }
  return names;
}

/** Collapses whitespace runs (newlines included) to one space, for text placed in a line comment or a table cell. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
