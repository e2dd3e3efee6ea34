/**
 * @module orchestrate/project-build/integrate/test-harness-source
 * The JavaScript that runs an integrated project's tests inside the sandbox, in one node process.
 *
 * Why not node:test's own runner and reporter: the sandbox forbids child processes, so `node --test` (and
 * node:test's `run()`, which spawns one process per file) cannot run there, and `--test-reporter` only applies
 * with `--test`. Importing the test files directly does run their top-level `test()`s in-process, but the report
 * is whatever the default reporter prints: TAP on Node 20 when stdout is not a terminal, `spec` from Node 23 on,
 * interleaved with anything the code under test prints, and naming no file. Parsing that is fragile, so the
 * transpiled test files get their `node:test` import rewritten to {@link NODE_TEST_SHIM_SOURCE}, a small
 * `test`/`it`/`describe` that queues tests, and {@link TEST_RUNNER_SOURCE} imports each test file in turn, runs its
 * queued tests one at a time and writes one JSON line per event, prefixed with a nonce read from stdin before any
 * project code is loaded (code under test cannot forge results without it). `node:assert/strict` is the real one.
 *
 * Protocol: stdin carries the nonce line; `argv[2]` names a JSON file `{ "files": [{ "path", "source",
 * "timeoutMs" }], "preload"?: ["./module.js"] }` (`preload`: harness modules imported first, relative to the runner) (`path`: the compiled test file, `source`: the `.ts` it came from, `timeoutMs`: the limit of
 * one async test). Events, in order: `file-start`, then per test `test-start` and `test-end` (`passed`, `message`),
 * or `file-error` (the file failed to load), then `file-end`; finally `done`. Output goes out with `fs.writeSync`,
 * so every line written survives a wall-clock kill. A synchronous endless loop is stopped only by the sandbox's
 * wall clock; the events up to it tell which test was running.
 */

/** Folder of the harness files inside the sandbox work folder. */
export const HARNESS_FOLDER = 'zerr-harness';
/** The shim the `node:test` import is rewritten to. */
export const NODE_TEST_SHIM_PATH = `${HARNESS_FOLDER}/node-test.js`;
/** The entry of the sandboxed run. */
export const TEST_RUNNER_PATH = `${HARNESS_FOLDER}/run-tests.js`;
/** The runner's input file. */
export const TEST_RUNNER_INPUT_PATH = `${HARNESS_FOLDER}/input.json`;

/**
 * `node:test` stand-in: `test(name, [options,] fn)`, `it`, synchronous `describe`, and `before`/`after` hooks (run
 * once around the file's tests, wherever they are declared); tests and hooks are queued, not run.
 */
export const NODE_TEST_SHIM_SOURCE = `const queue = [];
const prefix = [];
const hooks = { before: [], after: [] };
export function before(fn) {
  if (typeof fn === 'function') hooks.before.push(fn);
}
export function after(fn) {
  if (typeof fn === 'function') hooks.after.push(fn);
}
export function test(name, options, fn) {
  const body = typeof options === 'function' ? options : fn;
  queue.push({ name: [...prefix, String(name)].join(' > '), fn: typeof body === 'function' ? body : () => undefined });
  return Promise.resolve();
}
export const it = test;
export function describe(name, options, fn) {
  const body = typeof options === 'function' ? options : fn;
  prefix.push(String(name));
  try { if (typeof body === 'function') body(); } finally { prefix.pop(); }
}
export function takeQueued() {
  return { tests: queue.splice(0, queue.length), before: hooks.before.splice(0), after: hooks.after.splice(0) };
}
export default test;
`;

/** The runner (see the module comment). */
export const TEST_RUNNER_SOURCE = `import fs from 'node:fs';
import { takeQueued } from './node-test.js';
const writeSync = fs.writeSync;
const nonce = fs.readFileSync(0, 'utf8').split('\\n')[0].trim();
const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// Harness modules to load before any project code (a test framework shim that captures what it compares with).
for (const module of input.preload ?? []) await import(module);
const MAX_MESSAGE = 2000;
function emit(event) {
  let buffer = Buffer.from('\\n' + nonce + JSON.stringify(event) + '\\n', 'utf8');
  while (buffer.length > 0) {
    try { buffer = buffer.subarray(writeSync(1, buffer)); } catch (e) { if (!e || e.code !== 'EAGAIN') return; }
  }
}
function describeError(error) {
  try {
    const text = error instanceof Error ? (error.name && error.name !== 'Error' && error.name !== 'AssertionError' ? error.name + ': ' : '') + error.message : String(error);
    return text.length > MAX_MESSAGE ? text.slice(0, MAX_MESSAGE - 3) + '...' : text;
  } catch (e) {
    return '<unprintable error>';
  }
}
// Errors thrown outside any awaited call (a timer callback, a forgotten rejected promise) would end the process;
// they fail the test that is running instead.
let stray;
process.on('uncaughtException', (error) => { stray ??= error; });
process.on('unhandledRejection', (error) => { stray ??= error; });
async function runOne(fn, timeoutMs) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('the test did not finish within ' + timeoutMs + ' ms')), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => fn()), limit]);
  } finally {
    clearTimeout(timer);
  }
}
for (const file of input.files) {
  emit({ event: 'file-start', file: file.source });
  let queued = { tests: [], before: [], after: [] };
  try {
    await import('../' + file.path);
    queued = takeQueued();
  } catch (error) {
    takeQueued();
    emit({ event: 'file-error', file: file.source, message: describeError(error) });
  }
  let beforeFailure;
  for (const hook of queued.before) {
    try {
      await runOne(hook, file.timeoutMs);
    } catch (error) {
      beforeFailure = 'a before hook failed: ' + describeError(error);
      break;
    }
  }
  for (const { name, fn } of queued.tests) {
    emit({ event: 'test-start', file: file.source, name });
    try {
      if (beforeFailure !== undefined) throw new Error(beforeFailure);
      stray = undefined;
      await runOne(fn, file.timeoutMs);
      await new Promise((resolve) => setImmediate(resolve));
      if (stray !== undefined) throw stray;
      emit({ event: 'test-end', file: file.source, name, passed: true });
    } catch (error) {
      emit({ event: 'test-end', file: file.source, name, passed: false, message: describeError(error) });
    }
  }
  for (const hook of queued.after) {
    try {
      await runOne(hook, file.timeoutMs);
    } catch (error) {
      emit({ event: 'test-end', file: file.source, name: '(after)', passed: false, message: describeError(error) });
    }
  }
  emit({ event: 'file-end', file: file.source });
}
emit({ event: 'done' });
process.exit(0);
`;
