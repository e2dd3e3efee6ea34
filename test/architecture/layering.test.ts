/**
 * Pins the dependency arrows of ../shared/CONVENTIONS.md:
 * task-spec, errors <- llm <- redflag, vote, sandbox, store, queue <- config, verify <- preflight <- orchestrate <- engine <- edges (server, mcp) <- cli
 * (the CLI launches the other edges: `zerr serve`, `zerr mcp`).
 * A value import may only point to a lower layer or within its own module; a type-only import may also point to a
 * sibling of the same layer. Edges import only public entries: src/index.ts, and (the CLI, to start fast: `zerr runs`
 * or `keys` need the store, not the whole engine) a lower module's own entry, `src/<module>/index.ts`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const RANK: Record<string, number> = {
  errors: 0, 'task-spec': 1, llm: 2, redflag: 3, vote: 3, sandbox: 3, store: 3, queue: 3, config: 3.5, memory: 3.6, verify: 4, decompose: 4, preflight: 4.5, orchestrate: 5, engine: 6, telemetry: 6, service: 6.5, index: 7, server: 8, mcp: 8, cli: 9,
};
const EDGES = new Set(['cli', 'server', 'mcp']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function moduleOf(path: string): string {
  const first = relative(SRC, path).split(sep)[0] ?? '';
  return first.replace(/\.ts$/, '');
}

interface ImportEdge { readonly from: string; readonly to: string; readonly typeOnly: boolean }

function importsOf(path: string): ImportEdge[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const visit = (node: ts.Node) => {
    let specifier: string | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      specifier = node.moduleSpecifier.text;
      const clause = node.importClause;
      typeOnly = clause?.isTypeOnly === true ||
        (clause !== undefined && clause.name === undefined && clause.namedBindings !== undefined &&
          ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((element) => element.isTypeOnly));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      specifier = node.moduleSpecifier.text;
      typeOnly = node.isTypeOnly;
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) {
      // Dynamic import(): a value import like any other (the CLI loads the HTTP and MCP servers lazily).
      specifier = node.arguments[0].text;
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifier = node.argument.literal.text;
      typeOnly = true;
    }
    if (specifier?.startsWith('.')) edges.push({ from: path, to: resolve(dirname(path), specifier.replace(/\.js$/, '.ts')), typeOnly });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const all = files(SRC).flatMap(importsOf);

describe('architecture: dependency arrows', () => {
  it('finds the source files and their imports', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('every module is assigned a layer', () => {
    const unknown = [...new Set(files(SRC).map(moduleOf))].filter((name) => RANK[name] === undefined);
    expect(unknown).toEqual([]);
  });

  it('imports point only down the layers (type-only imports may reach a sibling)', () => {
    const violations = all
      .filter((edge) => moduleOf(edge.from) !== moduleOf(edge.to))
      .filter((edge) => {
        const from = RANK[moduleOf(edge.from)] ?? -1;
        const to = RANK[moduleOf(edge.to)] ?? 99;
        return edge.typeOnly ? to > from : to >= from;
      })
      .map((edge) => `${relative(SRC, edge.from)} -> ${relative(SRC, edge.to)}${edge.typeOnly ? ' (type)' : ''}`);
    expect(violations).toEqual([]);
  });

  it('edges import only public entries (the CLI may also load a module, e.g. the store or the server, through its entry)', () => {
    const entries = new Set([join(SRC, 'index.ts'), ...Object.keys(RANK).map((module) => join(SRC, module, 'index.ts'))]);
    const violations = all
      .filter((edge) => EDGES.has(moduleOf(edge.from)) && moduleOf(edge.from) !== moduleOf(edge.to))
      .filter((edge) => !(edge.to === join(SRC, 'index.ts') || (moduleOf(edge.from) === 'cli' && entries.has(edge.to))))
      .map((edge) => `${relative(SRC, edge.from)} -> ${relative(SRC, edge.to)}`);
    expect(violations).toEqual([]);
  });
});
