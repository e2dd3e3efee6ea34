/**
 * @module verify/security/typescript-deny-list
 * The security layer's own deny list for TypeScript: a walk of the candidate's syntax tree (TypeScript compiler API,
 * parse only - nothing is executed) that flags dynamic code, process/network/thread modules, `fs` writes, process
 * control, environment reads, global or prototype mutation, and the routes from an ordinary value to the Function
 * constructor or the host (`.constructor`, `Object.getPrototypeOf`, `__proto__`, `Reflect.construct`, computed
 * members of `globalThis`, `this` and functions, `process`, `require` as a value). Matching is on syntax, never on
 * text: a string `"child_process"` or `new Error("eval")` is not flagged. Keys and module names built only from
 * literals are folded first (`f['constr' + 'uctor']` is `f.constructor`; `typescript-static-string.ts`).
 *
 * No scope analysis: a local binding that shadows a denied global (`const fetch = ...; fetch(x)`) is flagged too.
 * Conservative by design - a pure function has no reason to reuse those names. The exceptions are `process`,
 * `module`, `global`, `window` and `self`, ordinary words for a local name: a reference to one is flagged only when
 * the file declares no binding of that name (what it is bound to is checked where it is bound).
 *
 * Not caught (the sealed context and the sandbox contain these): a computed key on an ordinary variable whose value
 * happens to be a function (`xs[k][j]`), since syntax alone cannot tell it from array indexing.
 */
import type TS from 'typescript';
import { ts } from '../../task-spec/typescript-api.js';
import type { Finding } from '../static/finding.js';
import {
  BUILTIN_OBJECTS,
  DENIED_GLOBALS,
  DENIED_KEYS,
  DENIED_MEMBERS,
  DENIED_MODULES,
  DENIED_PROCESS_MEMBERS,
  DENIED_REFLECTION,
  FS_WRITE_FUNCTIONS,
  GLOBAL_OBJECTS,
} from './deny-list.js';
import { collectConstInitializers, staticString, unwrapExpression as unwrap, type FoldContext } from './typescript-static-string.js';

/** `node:fs/promises` -> `fs`. */
function moduleName(specifier: string): string {
  return specifier.replace(/^node:/, '').split('/')[0] ?? specifier;
}

type Access = TS.PropertyAccessExpression | TS.ElementAccessExpression;

const isAccess = (node: TS.Node): node is Access => ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node);

const isIdentifierNamed = (node: TS.Expression, names: ReadonlySet<string> | ReadonlyMap<string, string>): boolean => {
  const inner = unwrap(node);
  return ts.isIdentifier(inner) && names.has(inner.text);
};

const isAssignment = (kind: TS.SyntaxKind): boolean =>
  kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;

/** Comparison operators, made on first use: TypeScript loads when a candidate is scanned, not on import. */
let comparisons: ReadonlySet<TS.SyntaxKind> | undefined;
const isComparison = (kind: TS.SyntaxKind): boolean =>
  (comparisons ??= new Set([
    ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.InstanceOfKeyword,
  ])).has(kind);

/** Names that are ordinary local names too: denied as globals only when the file does not declare them. */
const SHADOWABLE: ReadonlySet<string> = new Set(['process', 'module', 'global', 'window', 'self']);

/** Built-ins whose computed members are denied (`Object[k]`, `Reflect[k]`); `Math` and `JSON` hold only plain functions. */
const REFLECTIVE_BUILTINS: ReadonlySet<string> = new Set([...BUILTIN_OBJECTS].filter((name) => name !== 'Math' && name !== 'JSON'));

/** Whether an identifier is a value reference (not a declaration name, member name or type). */
function isValueReference(id: TS.Identifier): boolean {
  const parent = id.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if ('name' in parent && parent.name === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  if (ts.isQualifiedName(parent) || ts.isTypeQueryNode(parent)) return false;
  return !ts.isPartOfTypeNode(id);
}

/**
 * Names the file binds anywhere at run time (variables, parameters, functions, classes, imports), and which of them
 * are functions or classes. Ambient declarations (`declare const process: any`) bind nothing and are left out.
 */
function collectDeclarations(file: TS.SourceFile): { declared: Set<string>; functions: Set<string> } {
  const declared = new Set<string>();
  const functions = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (
      (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node) || ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) || ts.isImportClause(node) || ts.isImportSpecifier(node) || ts.isNamespaceImport(node) ||
        ts.isImportEqualsDeclaration(node) || ts.isEnumDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassExpression(node)) &&
      node.name !== undefined && ts.isIdentifier(node.name) && !isAmbient(node)
    ) {
      declared.add(node.name.text);
      const init = ts.isVariableDeclaration(node) && node.initializer !== undefined ? unwrap(node.initializer) : undefined;
      if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || (init !== undefined && isFunctionLike(init))) functions.add(node.name.text);
    }
    node.forEachChild(visit);
  };
  visit(file);
  return { declared, functions };
}

/** Inside a `declare` declaration (`declare const x`, `declare global { ... }`): binds nothing at run time. */
function isAmbient(node: TS.Node): boolean {
  for (let current: TS.Node | undefined = node; current !== undefined; current = current.parent) {
    if (ts.canHaveModifiers(current) && ts.getModifiers(current)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return true;
  }
  return false;
}

const isFunctionLike = (node: TS.Expression): boolean =>
  ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isClassExpression(node);

/** Finds deny-list uses in `code`. Every finding is `error` with rule `deny/<what>` and a 1-based line. */
export function findDeniedTypeScript(code: string): Finding[] {
  const file = ts.createSourceFile('/zerr/candidate.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const fsBindings = new Set<string>();
  const fold: FoldContext = { consts: collectConstInitializers(file) };
  const { declared, functions } = collectDeclarations(file);
  const add = (node: TS.Node, rule: string, message: string): void => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    findings.push({ line, rule: `deny/${rule}`, message, severity: 'error' });
  };
  /** The member name of `a.b` or `a[<literal or folded key>]`, or undefined for a computed member. */
  const memberName = (node: TS.Expression): string | undefined => {
    if (ts.isPropertyAccessExpression(node)) return node.name.text;
    if (ts.isElementAccessExpression(node)) return staticString(node.argumentExpression, fold);
    return undefined;
  };
  /** `globalThis` always; `global`, `window`, `self` when the file does not bind them. */
  const isGlobalObject = (node: TS.Expression): boolean => {
    const inner = unwrap(node);
    return ts.isIdentifier(inner) && GLOBAL_OBJECTS.has(inner.text) && (inner.text === 'globalThis' || !declared.has(inner.text));
  };
  /** Receivers whose computed members reach the global scope, a function's internals or a built-in's statics. */
  const isSensitiveReceiver = (node: TS.Expression): boolean => {
    const inner = unwrap(node);
    if (inner.kind === ts.SyntaxKind.ThisKeyword || isFunctionLike(inner) || isGlobalObject(inner)) return true;
    return ts.isIdentifier(inner) && (functions.has(inner.text) || (REFLECTIVE_BUILTINS.has(inner.text) && !declared.has(inner.text)));
  };
  /** True when `target` (an assignment's or a mutator's target) writes into a built-in, a prototype or the global object. */
  const isPollutionTarget = (target: TS.Expression): boolean => {
    let node = unwrap(target);
    if (!isAccess(node)) return false;
    while (isAccess(node)) {
      const receiver = unwrap(node.expression);
      const member = memberName(node);
      if (member === 'prototype' && isIdentifierNamed(receiver, BUILTIN_OBJECTS)) return true;
      if (member === '__proto__' || isGlobalObject(receiver)) return true;
      if (isIdentifierNamed(receiver, BUILTIN_OBJECTS) && !declared.has((unwrap(receiver) as TS.Identifier).text)) return true;
      node = receiver;
    }
    return false;
  };
  /** What a mutator (`Object.defineProperty(target, ...)`) must not change: built-ins, any prototype, the global object. */
  const isProtectedTarget = (target: TS.Expression): boolean => {
    const node = unwrap(target);
    if (isGlobalObject(node) || isPollutionTarget(node)) return true;
    if (ts.isIdentifier(node) && BUILTIN_OBJECTS.has(node.text) && !declared.has(node.text)) return true;
    return isAccess(node) && (memberName(node) === 'prototype' || memberName(node) === '__proto__');
  };

  const checkModule = (node: TS.Node, specifier: string, bindings: TS.Node | undefined): void => {
    const name = moduleName(specifier);
    const why = DENIED_MODULES.get(name);
    if (why !== undefined) add(node, name.replace(/_/g, '-'), `${name} import is not allowed (${why})`);
    if (name !== 'fs' || bindings === undefined) return;
    const bind = (n: TS.Node): void => {
      if (ts.isIdentifier(n)) fsBindings.add(n.text);
      else if ((ts.isImportSpecifier(n) || ts.isBindingElement(n)) && ts.isIdentifier(n.name)) {
        const imported = (n.propertyName !== undefined && ts.isIdentifier(n.propertyName) ? n.propertyName : n.name).text;
        if (FS_WRITE_FUNCTIONS.has(imported)) add(n, 'fs-write', `fs.${imported} is not allowed (writes files)`);
        else if (imported === 'promises') fsBindings.add(n.name.text);
      } else n.forEachChild(bind);
    };
    bind(bindings);
  };

  const checkCall = (node: TS.CallExpression | TS.NewExpression): void => {
    const callee = unwrap(node.expression);
    const first = node.arguments?.[0];
    if (ts.isCallExpression(node) && (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'))) {
      const kind = callee.kind === ts.SyntaxKind.ImportKeyword ? 'import()' : 'require';
      const specifier = first === undefined ? undefined : staticString(first, fold);
      if (specifier !== undefined) {
        const target = ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined;
        checkModule(node, specifier, target);
      } else add(node, 'dynamic-import', `${kind} of a computed module is not allowed (loads unknown code)`);
      return;
    }
    if (ts.isIdentifier(callee) && ['setTimeout', 'setInterval', 'setImmediate'].includes(callee.text) && first !== undefined && staticString(first, fold) !== undefined) {
      add(node, 'timer-string', `${callee.text} with a code string is not allowed (evaluates code)`);
    }
    const member = memberName(callee);
    if (member === undefined || !isAccess(callee)) return;
    const receiver = unwrap(callee.expression);
    const fsReceiver = isIdentifierNamed(receiver, fsBindings) || (isAccess(receiver) && memberName(receiver) === 'promises' && isIdentifierNamed(receiver.expression, fsBindings));
    if (fsReceiver && FS_WRITE_FUNCTIONS.has(member)) add(node, 'fs-write', `fs.${member} is not allowed (writes files)`);
    if (!ts.isIdentifier(receiver) || (receiver.text !== 'Object' && receiver.text !== 'Reflect') || declared.has(receiver.text)) return;
    const qualified = `${receiver.text}.${member}`;
    const mutators = ['defineProperty', 'defineProperties', 'setPrototypeOf', 'assign', 'set', 'deleteProperty'];
    if (mutators.includes(member) && first !== undefined && isProtectedTarget(first)) {
      add(node, 'pollution', `${qualified} on a built-in, a prototype or the global object is not allowed (prototype pollution)`);
    }
    const keyed = ['get', 'set', 'has', 'getOwnPropertyDescriptor', 'defineProperty', 'deleteProperty'];
    const keyArgument = node.arguments?.[1];
    if (keyed.includes(member) && keyArgument !== undefined) {
      const key = staticString(keyArgument, fold);
      if (key !== undefined && DENIED_KEYS.has(key)) add(node, 'reflect-key', `${qualified} of '${key}' is not allowed (reaches the Function constructor or a prototype)`);
      else if (key === undefined && first !== undefined && isSensitiveReceiver(first)) {
        add(node, 'computed-member', `${qualified} with a computed key on ${describeReceiver(first)} is not allowed (hides which member is reached)`);
      }
    }
  };

  const isHarmlessConstructorRead = (node: Access): boolean => {
    let outer: TS.Node = node;
    while (ts.isParenthesizedExpression(outer.parent) || ts.isAsExpression(outer.parent) || ts.isNonNullExpression(outer.parent)) outer = outer.parent;
    const parent = outer.parent;
    if (ts.isBinaryExpression(parent) && isComparison(parent.operatorToken.kind)) return true;
    if (ts.isTypeOfExpression(parent)) return true;
    return ts.isPropertyAccessExpression(parent) && parent.expression === outer && parent.name.text === 'name';
  };

  const checkAccess = (node: Access): void => {
    const receiver = unwrap(node.expression);
    const member = memberName(node);
    if (member === undefined) {
      if (isSensitiveReceiver(receiver)) {
        add(node, 'computed-member', `a computed member of ${describeReceiver(receiver)} is not allowed (hides which member is reached)`);
      }
      return;
    }
    const isProcess =
      (ts.isIdentifier(receiver) && receiver.text === 'process') ||
      (isAccess(receiver) && memberName(receiver) === 'process' && isGlobalObject(receiver.expression));
    const processWhy = DENIED_PROCESS_MEMBERS.get(member);
    if (isProcess && processWhy !== undefined) add(node, `process-${member.toLowerCase()}`, `process.${member} is not allowed (${processWhy})`);
    const denied = DENIED_MEMBERS.get(member);
    if (denied !== undefined) add(node, denied[0], `${member} access is not allowed (${denied[1]})`);
    if (member === 'constructor' && !isHarmlessConstructorRead(node)) {
      add(node, 'constructor', '.constructor is not allowed (reaches the Function constructor; comparing it or reading its name is allowed)');
    }
    if (ts.isIdentifier(receiver) && !declared.has(receiver.text)) {
      const reflection = DENIED_REFLECTION.get(`${receiver.text}.${member}`);
      if (reflection !== undefined) add(node, reflection[0], `${receiver.text}.${member} is not allowed (${reflection[1]})`);
    }
    if (isGlobalObject(receiver)) {
      const globalWhy = DENIED_GLOBALS.get(member);
      if (globalWhy !== undefined) add(node, member.toLowerCase(), `${member} is not allowed (${globalWhy})`);
      else if (member === 'process' || member === 'module') add(node, member, `${member} is not allowed (reaches the host process)`);
    }
  };

  const checkIdentifier = (node: TS.Identifier): void => {
    if (!isValueReference(node)) return;
    const name = node.text;
    const parent = node.parent;
    if (DENIED_GLOBALS.has(name) && name !== 'require') {
      add(node, name.toLowerCase(), `${name} is not allowed (${DENIED_GLOBALS.get(name) ?? ''})`);
    } else if (name === 'require' && !(ts.isCallExpression(parent) && parent.expression === node)) {
      add(node, 'require', 'require used as a value is not allowed (loads modules unseen)');
    } else if ((name === 'process' || name === 'module') && !declared.has(name)) {
      add(node, name, `${name} is not allowed (reaches the host process)`);
    } else if (GLOBAL_OBJECTS.has(name) && (name === 'globalThis' || !(SHADOWABLE.has(name) && declared.has(name)))) {
      const literalMember = ts.isPropertyAccessExpression(parent) && parent.expression === node;
      const indexed = ts.isElementAccessExpression(parent) && parent.expression === node;
      if (!literalMember && !indexed) add(node, 'global-object', `${name} used as a value is not allowed (hides which global is reached)`);
    }
  };

  const checkBinding = (node: TS.BindingElement): void => {
    if (!ts.isObjectBindingPattern(node.parent)) return;
    const keyNode = node.propertyName ?? node.name;
    const key = ts.isIdentifier(keyNode) || ts.isStringLiteralLike(keyNode)
      ? keyNode.text
      : ts.isComputedPropertyName(keyNode) ? staticString(keyNode.expression, fold) : undefined;
    if (key === 'constructor') add(node, 'constructor', 'destructuring .constructor is not allowed (reaches the Function constructor)');
    else if (key !== undefined && DENIED_MEMBERS.has(key)) {
      const [rule, why] = DENIED_MEMBERS.get(key) ?? ['proto', ''];
      add(node, rule, `destructuring ${key} is not allowed (${why})`);
    }
  };

  const visit = (node: TS.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      checkModule(node, node.moduleSpecifier.text, node.importClause);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      checkModule(node, node.moduleSpecifier.text, undefined);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const spec = node.moduleReference.expression;
      if (ts.isStringLiteral(spec)) checkModule(node, spec.text, node.name);
    } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      checkCall(node);
    } else if (ts.isIdentifier(node)) {
      checkIdentifier(node);
    } else if (isAccess(node)) {
      checkAccess(node);
    } else if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind) && isPollutionTarget(node.left)) {
      add(node, 'pollution', 'assignment to a built-in, its prototype or the global object is not allowed (prototype pollution)');
    } else if (ts.isDeleteExpression(node) && isPollutionTarget(node.expression)) {
      add(node, 'pollution', 'deleting from a built-in, its prototype or the global object is not allowed (prototype pollution)');
    } else if (ts.isWithStatement(node)) {
      add(node, 'with', 'a with statement is not allowed (hides which scope a name resolves in)');
    } else if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && node.name.text === '__proto__') {
      add(node, 'proto', '__proto__ in an object literal is not allowed (sets a prototype)');
    } else if (ts.isBindingElement(node)) {
      checkBinding(node);
    }
    node.forEachChild(visit);
  };
  visit(file);
  return findings;
}

/** `globalThis`, `this`, `a function`, `Object` - for messages. */
function describeReceiver(node: TS.Expression): string {
  const inner = unwrap(node);
  if (inner.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isIdentifier(inner)) return inner.text;
  return 'a function';
}
