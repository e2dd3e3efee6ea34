/**
 * @module verify/security/deny-list
 * The names the security layer denies in TypeScript candidates, with the reason each finding gives. Candidates are
 * pure functions: they need no processes, network, file writes, environment, dynamic code or global mutation.
 */

/** Node modules whose import or `require` is denied (`node:` prefix and subpaths like `fs/promises` normalised). */
export const DENIED_MODULES: ReadonlyMap<string, string> = new Map([
  ['child_process', 'spawns processes'],
  ['worker_threads', 'starts threads'],
  ['cluster', 'forks processes'],
  ['net', 'opens network sockets'],
  ['http', 'makes network requests'],
  ['https', 'makes network requests'],
  ['http2', 'makes network requests'],
  ['dgram', 'opens network sockets'],
  ['dns', 'makes network requests'],
  ['tls', 'opens network sockets'],
  ['vm', 'evaluates code'],
  ['inspector', 'controls the runtime'],
  ['v8', 'controls the runtime'],
  ['module', 'loads modules dynamically'],
]);

/**
 * `fs` functions that write, delete or change files (plain, `Sync` and `fs.promises` forms). Any call is denied, in
 * or outside a workspace: statically we cannot tell where a path points, and a pure function writes nothing.
 */
export const FS_WRITE_FUNCTIONS: ReadonlySet<string> = new Set(
  [
    'writeFile', 'appendFile', 'createWriteStream', 'rm', 'rmdir', 'unlink', 'rename', 'mkdir', 'mkdtemp',
    'copyFile', 'cp', 'truncate', 'ftruncate', 'chmod', 'chown', 'lchown', 'fchmod', 'fchown', 'symlink', 'link',
    'utimes', 'write', 'writev', 'open', 'opendir',
  ].flatMap((name) => [name, `${name}Sync`]),
);

/** Global functions and constructors whose use is denied, by identifier. */
export const DENIED_GLOBALS: ReadonlyMap<string, string> = new Map([
  ['eval', 'evaluates code'],
  ['Function', 'evaluates code (Function constructor)'],
  ['fetch', 'makes network requests'],
  ['WebSocket', 'opens network sockets'],
  ['XMLHttpRequest', 'makes network requests'],
  ['EventSource', 'makes network requests'],
  ['importScripts', 'loads code'],
  ['require', 'loads modules'],
  ['WebAssembly', 'compiles native code'],
]);

/** `process.<name>` members that are denied. */
export const DENIED_PROCESS_MEMBERS: ReadonlyMap<string, string> = new Map([
  ['env', 'reads the environment'],
  ['exit', 'ends the process'],
  ['reallyExit', 'ends the process'],
  ['abort', 'ends the process'],
  ['kill', 'signals processes'],
  ['binding', 'reaches native bindings'],
  ['_linkedBinding', 'reaches native bindings'],
  ['dlopen', 'loads native code'],
  ['chdir', 'changes the working directory'],
  ['setuid', 'changes the user'],
  ['setgid', 'changes the group'],
  ['mainModule', 'reaches the module loader'],
]);

/** Built-ins whose `prototype` must not be modified (prototype pollution). */
export const BUILTIN_OBJECTS: ReadonlySet<string> = new Set([
  'Object', 'Array', 'Function', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Map', 'Set', 'WeakMap',
  'WeakSet', 'Promise', 'RegExp', 'Date', 'Error', 'JSON', 'Math', 'Reflect',
]);

/** Names of the global object. */
export const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'global', 'window', 'self']);

/**
 * Member names denied on any receiver, because they lead from an ordinary value to the Function constructor, a
 * prototype, the calling frame or the stack-trace hook (the classic `vm` escapes). `constructor` has its own rule:
 * comparing it (`x.constructor === Object`) and reading its `name` stay allowed.
 */
export const DENIED_MEMBERS: ReadonlyMap<string, readonly [rule: string, why: string]> = new Map([
  ['__proto__', ['proto', 'prototype pollution']],
  ['__defineGetter__', ['proto', 'prototype pollution']],
  ['__defineSetter__', ['proto', 'prototype pollution']],
  ['__lookupGetter__', ['proto', 'reaches a prototype\'s accessors']],
  ['__lookupSetter__', ['proto', 'reaches a prototype\'s accessors']],
  ['caller', ['caller', 'reaches the calling function']],
  ['callee', ['caller', 'reaches the calling function']],
  ['prepareStackTrace', ['stack-trace', 'reaches host stack frames']],
]);

/** `Object.<name>` / `Reflect.<name>` members denied whatever their arguments. */
export const DENIED_REFLECTION: ReadonlyMap<string, readonly [rule: string, why: string]> = new Map([
  ['Object.getPrototypeOf', ['get-prototype-of', 'reaches built-in prototypes and their constructors']],
  ['Reflect.getPrototypeOf', ['get-prototype-of', 'reaches built-in prototypes and their constructors']],
  ['Object.setPrototypeOf', ['set-prototype-of', 'changes a prototype']],
  ['Reflect.setPrototypeOf', ['set-prototype-of', 'changes a prototype']],
  ['Reflect.construct', ['reflect-construct', 'constructs through a computed target (Function constructor route)']],
]);

/** Property keys that, named as an argument of a reflective call (`Reflect.get(f, 'constructor')`), are denied. */
export const DENIED_KEYS: ReadonlySet<string> = new Set(['constructor', '__proto__', 'caller', 'callee', 'prepareStackTrace']);
