/**
 * @module verify/security/typescript-deny-list
 * The security layer's own deny list for TypeScript: a walk of the candidate's syntax tree (TypeScript compiler API,
 * parse only - nothing is executed) that flags dynamic code, process/network/thread modules, `fs` writes, process
 * control, environment reads and global or prototype mutation. Matching is on syntax, never on text: a string
 * `"child_process"` or `new Error("eval")` is not flagged.
 *
 * No scope analysis: a local binding that shadows a denied global (`const fetch = ...; fetch(x)`) is flagged too.
 * Conservative by design - a pure function has no reason to reuse those names.
 */
import ts from 'typescript';
import type { Finding } from '../static/finding.js';
import {
  BUILTIN_OBJECTS,
  DENIED_GLOBALS,
  DENIED_MODULES,
  DENIED_PROCESS_MEMBERS,
  FS_WRITE_FUNCTIONS,
  GLOBAL_OBJECTS,
} from './deny-list.js';

/** `node:fs/promises` -> `fs`. */
function moduleName(specifier: string): string {
  return specifier.replace(/^node:/, '').split('/')[0] ?? specifier;
}

/** The member name of `a.b` or `a['b']`, or undefined for a computed non-literal member. */
function memberName(node: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
  return undefined;
}

const isAccess = (node: ts.Node): node is ts.PropertyAccessExpression | ts.ElementAccessExpression =>
  ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node);

const unwrap = (node: ts.Expression): ts.Expression => (ts.isParenthesizedExpression(node) ? unwrap(node.expression) : node);

const isIdentifierNamed = (node: ts.Expression, names: ReadonlySet<string> | ReadonlyMap<string, string>): boolean =>
  ts.isIdentifier(unwrap(node)) && names.has((unwrap(node) as ts.Identifier).text);

const isAssignment = (kind: ts.SyntaxKind): boolean =>
  kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;

/** Whether an identifier is a value reference (not a declaration name, member name or type). */
function isValueReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if ('name' in parent && parent.name === id) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  return !ts.isPartOfTypeNode(id);
}

/** True when `target` (an assignment's left side) writes into a built-in prototype or the global object. */
function isPollutionTarget(target: ts.Expression): boolean {
  let node = unwrap(target);
  if (!isAccess(node)) return false;
  while (isAccess(node)) {
    const receiver = unwrap(node.expression);
    if (memberName(node) === 'prototype' && isIdentifierNamed(receiver, BUILTIN_OBJECTS)) return true;
    if (memberName(node) === '__proto__') return true;
    if (isIdentifierNamed(receiver, GLOBAL_OBJECTS)) return true;
    node = receiver;
  }
  return false;
}

/** Finds deny-list uses in `code`. Every finding is `error` with rule `deny/<what>` and a 1-based line. */
export function findDeniedTypeScript(code: string): Finding[] {
  const file = ts.createSourceFile('/zerr/candidate.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const fsBindings = new Set<string>();
  const add = (node: ts.Node, rule: string, message: string): void => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    findings.push({ line, rule: `deny/${rule}`, message, severity: 'error' });
  };
  const checkModule = (node: ts.Node, specifier: string, bindings: ts.Node | undefined): void => {
    const name = moduleName(specifier);
    const why = DENIED_MODULES.get(name);
    if (why !== undefined) add(node, name.replace(/_/g, '-'), `${name} import is not allowed (${why})`);
    if (name !== 'fs' || bindings === undefined) return;
    const bind = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) fsBindings.add(n.text);
      else if ((ts.isImportSpecifier(n) || ts.isBindingElement(n)) && ts.isIdentifier(n.name)) {
        const imported = (n.propertyName !== undefined && ts.isIdentifier(n.propertyName) ? n.propertyName : n.name).text;
        if (FS_WRITE_FUNCTIONS.has(imported)) add(n, 'fs-write', `fs.${imported} is not allowed (writes files)`);
        else if (imported === 'promises') fsBindings.add(n.name.text);
      } else n.forEachChild(bind);
    };
    bind(bindings);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      checkModule(node, node.moduleSpecifier.text, node.importClause);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      checkModule(node, node.moduleSpecifier.text, undefined);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const spec = node.moduleReference.expression;
      if (ts.isStringLiteral(spec)) checkModule(node, spec.text, node.name);
    } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      checkCall(node);
    } else if (ts.isIdentifier(node) && DENIED_GLOBALS.has(node.text) && node.text !== 'require' && isValueReference(node)) {
      add(node, node.text.toLowerCase(), `${node.text} is not allowed (${DENIED_GLOBALS.get(node.text) ?? ''})`);
    } else if (isAccess(node)) {
      checkAccess(node);
    } else if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind) && isPollutionTarget(node.left)) {
      add(node, 'pollution', 'assignment to a built-in prototype or the global object is not allowed (prototype pollution)');
    } else if (ts.isDeleteExpression(node) && isPollutionTarget(node.expression)) {
      add(node, 'pollution', 'deleting from a built-in prototype or the global object is not allowed (prototype pollution)');
    }
    node.forEachChild(visit);
  };
  const checkCall = (node: ts.CallExpression | ts.NewExpression): void => {
    const callee = unwrap(node.expression);
    const first = node.arguments?.[0];
    if (ts.isCallExpression(node) && (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'))) {
      const kind = callee.kind === ts.SyntaxKind.ImportKeyword ? 'import()' : 'require';
      if (first !== undefined && ts.isStringLiteralLike(first)) {
        const target = ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined;
        checkModule(node, first.text, target);
      } else add(node, 'dynamic-import', `${kind} of a computed module is not allowed (loads unknown code)`);
      return;
    }
    const member = memberName(callee);
    if (member === undefined || !isAccess(callee)) return;
    const receiver = unwrap(callee.expression);
    if (member === 'constructor') add(node, 'function', 'calling a .constructor is not allowed (Function constructor evaluates code)');
    const fsReceiver = isIdentifierNamed(receiver, fsBindings) || (isAccess(receiver) && memberName(receiver) === 'promises' && isIdentifierNamed(receiver.expression, fsBindings));
    if (fsReceiver && FS_WRITE_FUNCTIONS.has(member)) add(node, 'fs-write', `fs.${member} is not allowed (writes files)`);
    const mutators = ['defineProperty', 'defineProperties', 'setPrototypeOf', 'assign', 'set', 'deleteProperty'];
    if (isIdentifierNamed(receiver, new Set(['Object', 'Reflect'])) && mutators.includes(member) && first !== undefined) {
      const target = unwrap(first);
      if (isIdentifierNamed(target, GLOBAL_OBJECTS) || (isAccess(target) && isPollutionTarget(target))) {
        add(node, 'pollution', `${(receiver as ts.Identifier).text}.${member} on a built-in prototype or the global object is not allowed (prototype pollution)`);
      }
    }
  };
  const checkAccess = (node: ts.PropertyAccessExpression | ts.ElementAccessExpression): void => {
    const member = memberName(node);
    if (member === undefined) return;
    const receiver = unwrap(node.expression);
    const isProcess =
      (ts.isIdentifier(receiver) && receiver.text === 'process') ||
      (isAccess(receiver) && memberName(receiver) === 'process' && isIdentifierNamed(receiver.expression, GLOBAL_OBJECTS));
    const processWhy = DENIED_PROCESS_MEMBERS.get(member);
    if (isProcess && processWhy !== undefined) add(node, `process-${member.toLowerCase()}`, `process.${member} is not allowed (${processWhy})`);
    if (member === '__proto__') add(node, 'proto', '__proto__ access is not allowed (prototype pollution)');
    const globalWhy = DENIED_GLOBALS.get(member);
    if (globalWhy !== undefined && isIdentifierNamed(receiver, GLOBAL_OBJECTS)) add(node, member.toLowerCase(), `${member} is not allowed (${globalWhy})`);
  };
  visit(file);
  return findings;
}
