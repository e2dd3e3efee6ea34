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
