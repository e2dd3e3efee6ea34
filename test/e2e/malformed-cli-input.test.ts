/**
 * Malformed command lines, model URIs, files and stores (issue 13 #2): the built CLI in a child process answers
 * each with its exit code and one clear line on stderr naming what was wrong - never a stack trace (those only
 * with --debug). Specs have their own corpus (test/fixtures/malformed/specs), HTTP bodies theirs (server tests).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const SPEC = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');

let work: string;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-malformed-'));
  await mkdir(join(work, 'a-dir'));
  await writeFile(join(work, 'a-file'), 'x\n');
  await writeFile(join(work, 'not-sqlite.db'), 'this is not a database\n');
  await writeFile(join(work, 'not-json.jsonl'), 'not json\n');
  await writeFile(join(work, 'clamp.ts'), 'function clamp(x: number, low: number, high: number): number { return x; }\n');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function zerr(args: readonly string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], {
      cwd: work, timeout: 60_000,
      env: { ...process.env, ZERR_STORE: join(work, 'runs.sqlite'), ZERR_MODEL: '', CI: '1', ANTHROPIC_API_KEY: '', ZERR_DEBUG: '' },
    }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

type Case = readonly [category: string, args: readonly string[], exit: number, message: RegExp];
const REPLAY = 'replay:missing.jsonl';
const CASES: readonly Case[] = [
  ['flag', ['solve'], 3, /missing required argument 'target'/],
  ['flag', ['solve', SPEC, '--k', '0', '--model', REPLAY], 3, /--k must be a positive integer, got "0"/],
  ['flag', ['solve', SPEC, '--k', 'abc', '--model', REPLAY], 3, /--k must be a positive integer, got "abc"/],
  ['flag', ['solve', SPEC, '--max-samples', '-1', '--model', REPLAY], 3, /--max-samples/],
  ['flag', ['solve', SPEC, '--fallback', 'nope', '--model', REPLAY], 3, /Allowed choices are best-partial, escalate/],
  ['flag', ['solve', SPEC, '--seed', '1.5', '--model', REPLAY], 3, /--seed must be an integer, got "1.5"/],
  ['flag', ['solve', SPEC, '--vote', 'majority', '--model', REPLAY], 3, /Allowed choices are first-to-ahead-by-k, adaptive/],
  ['flag', ['solve', SPEC, '--vote', 'adaptive', '--target', '1', '--model', REPLAY], 3, /--target must be a number in \(0, 1\), got "1"/],
  ['flag', ['solve', SPEC, '--target', '0.99', '--model', REPLAY], 3, /--target sets the error target of adaptive k; add --vote adaptive/],
  ['flag', ['solve', SPEC, '--parallelism', '0', '--model', REPLAY], 3, /--parallelism/],
  ['flag', ['solve', SPEC, '--bogus'], 3, /unknown option '--bogus'/],
  ['flag', ['bogus'], 3, /unknown command 'bogus'/],
  ['flag', ['solve', SPEC], 3, /no model given\. Pass --model/],
  ['flag', ['build', '--model', REPLAY], 3, /no requirements given/],
  ['flag', ['build', 'x', '--max-samples', '0', '--model', REPLAY], 3, /--max-samples/],
  ['flag', ['build', 'x', '--target', '0.9', '--model', REPLAY], 3, /--target sets the error target of adaptive k; add --vote adaptive/],
  ['flag', ['build', 'x', '--vote', 'adaptive', '--target', '0', '--model', REPLAY], 3, /--target must be a number in \(0, 1\), got "0"/],
  ['flag', ['verify', SPEC], 3, /missing required argument/],
  ['flag', ['--log-level', 'loud', 'runs', 'list'], 3, /--log-level <level>' argument 'loud' is invalid: expected one of trace, debug, info/],
  ['model URI', ['solve', SPEC, '--model', 'bogus:thing'], 3, /modelUri: got "bogus:thing", expected <provider>:<target>/],
  ['model URI', ['solve', SPEC, '--model', 'replay:'], 3, /expected a target after "replay:"/],
  ['model URI', ['solve', SPEC, '--model', 'openai:gpt?baseURL=notaurl'], 3, /modelUri\.baseURL: got "notaurl", expected an http\(s\) URL/],
  ['model URI', ['solve', SPEC, '--model', 'llama-cpp:/nope.gguf?threads=abc'], 3, /modelUri\.threads: got "abc"/],
  ['model URI', ['solve', SPEC, '--model', 'llama-cpp:/nope.gguf'], 4, /no GGUF file at \/nope\.gguf/],
  ['model URI', ['solve', SPEC, '--model', 'anthropic:claude-x'], 4, /anthropic: no API key/],
  ['model URI', ['solve', SPEC, '--model', 'replay:/nope.jsonl'], 3, /replay: \/nope\.jsonl: cannot read file/],
  ['model URI', ['solve', SPEC, '--model', 'replay:not-json.jsonl'], 3, /not-json\.jsonl:1: not valid JSON/],
  ['file', ['build', '-f', '/nope.md', '--model', REPLAY], 3, /^zerr: \/nope\.md: no such file or directory$/m],
  ['file', ['build', '-f', 'a-dir', '--model', REPLAY], 3, /^zerr: a-dir: is a directory, expected a file$/m],
  ['file', ['verify', SPEC, 'a-dir'], 3, /candidate file a-dir is a directory/],
  ['file', ['verify', SPEC, 'missing.ts'], 3, /missing\.ts/],
  ['file', ['spec', 'check', '/nope.yaml'], 3, /not found or not readable: \/nope\.yaml/],
  ['file', ['spec', 'check', 'a-dir'], 3, /a-dir/],
  ['file', ['solve', SPEC, '--model', 'replay:not-json.jsonl', '--out', 'a-file/sub'], 3, /a-file\/sub: a part of the path is a file, not a directory|not valid JSON/],
  ['problem', ['solve', 'notaspec.txt', '--model', REPLAY], 3, /Unknown dataset "notaspec\.txt"; known datasets/],
  ['problem', ['solve', 'humaneval:HumanEval/9999', '--model', REPLAY], 3, /has no problem "HumanEval\/9999"; closest: HumanEval\/99/],
  ['store', ['runs', 'list', '--store', 'a-dir'], 3, /run store .*a-dir.*it is a directory/],
  ['store', ['runs', 'list', '--store', 'not-sqlite.db'], 3, /Cannot open run store .*not-sqlite\.db.*not a database/],
  ['store', ['runs', 'list', '--store', '/proc/zerr.sqlite'], 3, /Cannot open run store "\/proc\/zerr\.sqlite"/],
  ['data', ['demo', '--data-dir', '/nope-data'], 3, /\/nope-data\/recorded\/codet-humaneval-codegen16b\/.*name another with --data-dir <folder> or ZERR_DATA_DIR.*github microsoft\/CodeT/],
  ['run', ['resume', 'no-such-run'], 3, /no-such-run/],
  ['run', ['runs', 'show', 'no-such-run'], 3, /no-such-run/],
];

describe('malformed CLI input: an exit code and one clear line, never a stack trace', () => {
  it.each(CASES)('%s: zerr %j exits %i', async (_category, args, exit, message) => {
    const result = await zerr(args);
    expect(result.code, result.stderr).toBe(exit);
    expect(result.stderr).toMatch(message);
    expect(result.stderr, 'no stack trace without --debug').not.toMatch(/^\s+at /m);
    expect(result.stderr.trim().split('\n').length, result.stderr).toBeLessThanOrEqual(2);
  }, 90_000);

  it('--debug adds the stack trace to the same line', async () => {
    const result = await zerr(['--debug', 'runs', 'list', '--store', 'a-dir']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^zerr: Cannot open run store/);
    expect(result.stderr).toMatch(/^\s+at /m);
  }, 90_000);

  it('a closed pipe (zerr runs list | head -1) ends quietly', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" runs list --store "${join(work, 'runs.sqlite')}" --limit 100 | head -c 1 >/dev/null; echo "\${PIPESTATUS:-0}"`], { cwd: work }, (error, _stdout, stderr) => {
        done({ code: error === null ? 0 : 1, stderr });
      });
    });
    expect(result.stderr).not.toMatch(/EPIPE|^\s+at /m);
  }, 90_000);
});
