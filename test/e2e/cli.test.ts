/**
 * End-to-end tests of the `zerr` command as users run it: the built CLI (`bin/zerr.js` -> dist/) in a child process,
 * a real SQLite store, the real bubblewrap sandbox, recorded real model outputs (CodeT), the real llama.cpp path on
 * the 260K-parameter story model, and the OpenAI provider against an OpenAI-compatible server on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '../fixtures/llm/openai-compatible-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const DATA = resolve(ROOT, '..', 'shared');
const MODEL = join(DATA, 'models', 'stories260K.gguf');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const REPLAY_TS = join(ROOT, 'test', 'fixtures', 'replay', 'humaneval-ts-0-handwritten.jsonl');

/** A TCP port nothing listens on (bound once, then released). */
function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

interface CliResult { code: number; stdout: string; stderr: string }

let work: string;
function zerr(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], {
      cwd: work, env: { ...process.env, ZERR_DATA_DIR: DATA, ZERR_STORE: join(work, 'runs.sqlite'), CI: '1', ...env },
      maxBuffer: 32 * 1024 * 1024, timeout: 240_000,
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr start-up', () => {
  /** Runs `node --import <hook> ...args` with a module-resolution hook; returns every module URL it resolved. */
  async function resolvedModules(name: string, args: readonly string[][]): Promise<string[]> {
    const log = join(work, `${name}-resolved.txt`);
    const hooks = join(work, `${name}-log-hooks.mjs`);
    await writeFile(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');\n  return result;\n}\n`);
    const register = join(work, `${name}-register-hooks.mjs`);
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    for (const each of args) {
      const code = await new Promise<number>((done) => {
        execFile(process.execPath, ['--import', register, ...each], { cwd: work, timeout: 120_000 }, (error) => {
          done(error === null ? 0 : typeof error.code === 'number' ? error.code : 1);
        });
      });
      expect(code, each.join(' ')).toBe(0);
    }
    return (await readFile(log, 'utf8')).split('\n').filter((url) => url !== '');
  }

  /**
   * Every module importing `dist/<entry>` loads: ESM ones through the resolve hook, CommonJS packages loaded with
   * require() (which do not pass the hook) from require.cache.
   */
  async function modulesImportedBy(name: string, entry: string): Promise<{ url: string; urls: string[]; required: string[] }> {
    const url = pathToFileURL(join(ROOT, 'dist', entry)).href;
    const loaded = join(work, `${name}-require-cache.json`);
    const script = `import { createRequire } from 'node:module'; import { writeFileSync } from 'node:fs';\n` +
      `await import(${JSON.stringify(url)});\n` +
      `writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const urls = await resolvedModules(name, [['--input-type=module', '-e', script]]);
    const required = (JSON.parse(await readFile(loaded, 'utf8')) as string[]).map((path) => pathToFileURL(path).href);
    return { url, urls, required };
  }

  it('importing the engine loads no model SDK and no linter: the SDKs load when a model is created or called, ESLint on the first lint', async () => {
    const { url, urls, required } = await modulesImportedBy('engine', 'index.js');
    expect(urls).toContain(url);
    expect(required.length).toBeGreaterThan(0);
    const heavy = /node_modules\/(node-llama-cpp|openai|@anthropic-ai|eslint|typescript-eslint|@typescript-eslint|eslint-plugin-security)\//;
    expect([...new Set([...urls, ...required].filter((each) => heavy.test(each)))]).toEqual([]);
  });

  it('importing the verification module loads no compiler and no linter: zerr verify starts the analysis workers first', async () => {
    const { url, urls, required } = await modulesImportedBy('verify', join('verify', 'index.js'));
    expect(urls).toContain(url);
    const heavy = /node_modules\/(typescript|eslint|typescript-eslint|@typescript-eslint|eslint-plugin-security|node-llama-cpp|openai|@anthropic-ai)\//;
    expect([...new Set([...urls, ...required].filter((each) => heavy.test(each)))]).toEqual([]);
  });

  it('--help and --version load only the CLI: not the engine, the compiler, the model SDKs, the store or the spinner', async () => {
    const urls = await resolvedModules('help', [[BIN, '--help'], [BIN, '--version'], [BIN, 'build', '--help']]);
    expect(urls.some((url) => url.endsWith('/dist/cli/main.js'))).toBe(true);
    const dist = `${pathToFileURL(join(ROOT, 'dist')).href}/`;
    const heavy = urls.filter((url) => (url.startsWith(dist) && !url.startsWith(`${dist}cli/`)) ||
      /node_modules\/(typescript|node-llama-cpp|openai|@anthropic-ai|kysely|better-sqlite3|eslint|@modelcontextprotocol|fastify|ora)\//.test(url));
    expect([...new Set(heavy)]).toEqual([]);
  });
});

describe('zerr demo (recorded CodeGen-16B samples, replay provider)', () => {
  it('solves HumanEval problems and scores the choices on the hidden tests', async () => {
    const result = await zerr(['demo', '--problems', 'HumanEval/0,HumanEval/7', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { runId: string; rows: { problem: string; outcome: string; passedHiddenTests: boolean | null; samples: number; randomChoicePassRate: number }[] };
    expect(report.rows.map((row) => row.problem)).toEqual(['HumanEval/0', 'HumanEval/7']);
    for (const row of report.rows) {
      expect(row.outcome).toBe('consensus');
      expect(row.passedHiddenTests).toBe(true);
      expect(row.samples).toBeGreaterThanOrEqual(3);
      expect(row.randomChoicePassRate).toBeGreaterThan(0);
    }
    const show = await zerr(['runs', 'show', report.runId, '--json']);
    expect(show.code).toBe(0);
    const run = JSON.parse(show.stdout) as { kind: string; status: string; samples: unknown[]; votes: unknown[]; decisions: { outcome: string }[] };
    expect(run).toMatchObject({ kind: 'demo', status: 'completed' });
    expect(run.decisions.map((decision) => decision.outcome)).toEqual(['consensus', 'consensus']);
    expect(run.votes.length).toBeGreaterThanOrEqual(6);
  });
});

describe('zerr solve', () => {
  it('solves a MultiPL-E HumanEval-TS problem through the replay provider; the chosen code passes the hidden tests', async () => {
    const out = join(work, 'out-ts');
    const result = await zerr(['solve', 'humaneval-ts:HumanEval_0_has_close_elements', '--model', `replay:${REPLAY_TS}`, '--k', '2', '--score', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      runId: string; outcome: string; redFlagsByRule: Record<string, number>; failedByLayer: Record<string, number>;
      hiddenTests: { passed: boolean }; files: { code: string };
    };
    expect(report.outcome).toBe('consensus');
    expect(report.hiddenTests.passed).toBe(true);
    const code = await readFile(report.files.code, 'utf8');
    expect(code).toContain('function has_close_elements(numbers: number[], threshold: number): boolean {');

    const show = await zerr(['runs', 'show', report.runId, '--json']);
    const run = JSON.parse(show.stdout) as { samples: { temperature: number | null }[]; layerResults: { layer: string; status: string }[]; decisions: { outcome: string }[] };
    expect(run.samples.length).toBeGreaterThanOrEqual(3);
    expect(run.samples.every((sample) => sample.temperature === null)).toBe(true);
    expect(run.layerResults.some((layer) => layer.layer === 'unit-tests' && layer.status === 'pass')).toBe(true);
    expect(run.decisions[0]?.outcome).toBe('consensus');
  });

  it('runs the real llama.cpp path on stories260K: every sample red-flagged or failing, "no consensus", exit 2', async () => {
    const result = await zerr(['solve', CLAMP, '--model', `llama-cpp:${MODEL}?threads=1`, '--max-samples', '4', '--json']);
    expect(result.code, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout) as { outcome: string; samples: number; verified: number; redFlagged: number; failedVerification: number; redFlagsByRule: Record<string, number>; outputTokens: number };
    expect(report.outcome).toBe('no-consensus');
    expect(report.samples).toBe(4);
    expect(report.verified).toBe(0);
    expect(report.redFlagged + report.failedVerification).toBe(4);
    expect(Object.values(report.redFlagsByRule).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    expect(report.outputTokens).toBeGreaterThan(0);
  });

  describe('openai provider against an OpenAI-compatible server on 127.0.0.1', () => {
    let server: OpenAICompatibleServer;
    const answers = [
      '```typescript\nfunction clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n```',
      '```typescript\nfunction clamp(x: number, low: number, high: number): number {\n  if (x < low) return low;\n  if (x > high) return high;\n  return x;\n}\n```',
      'I cannot help with that request.',
      '```typescript\nfunction clamp(x: number, low: number, high: number): number {\n  return x < low ? low : x > high ? high : x;\n}\n```',
    ];
    beforeAll(async () => {
      server = await startOpenAICompatibleServer(() => answers[(server.requests.length - 1) % answers.length] ?? '');
    });
    afterAll(async () => server.close());

    it('reaches consensus on a YAML spec, writes the code, exit 0', async () => {
      const result = await zerr(['solve', CLAMP, '--model', `openai:local-coder?baseURL=${server.baseURL}`, '--json', '--out', join(work, 'out-openai')]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { outcome: string; votes: number; samples: number; files: { code: string } };
      expect(report.outcome).toBe('consensus');
      expect(report.votes).toBe(3);
      expect(server.requests.length).toBe(report.samples);
      expect(server.requests[0]?.temperature).toBe(0);
      expect(server.requests[0]?.messages.at(-1)?.content).toContain('Clamp x into the closed interval');
      expect(await readFile(report.files.code, 'utf8')).toContain('function clamp(');
    });

    it('a server that is not there is "model unavailable", exit 4, and nothing is invented', async () => {
      const port = await freePort();
      const result = await zerr(['solve', CLAMP, '--model', `openai:local-coder?baseURL=http://127.0.0.1:${port}/v1`, '--json']);
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain(`127.0.0.1:${port}`);
      expect(result.stdout).toBe('');
    });
  });

  it('bad input: an invalid spec names the field, the value and what was expected, exit 3', async () => {
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, (await readFile(CLAMP, 'utf8')).replace('timeoutMs: 1000', 'timeoutMs: -5'));
    const result = await zerr(['solve', bad, '--model', `llama-cpp:${MODEL}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('limits.timeoutMs: got -5, expected a positive integer');
  });

  it('bad input: no model given, an unknown dataset problem, exit 3', async () => {
    expect((await zerr(['solve', CLAMP], { ZERR_MODEL: '' })).code).toBe(3);
    const unknown = await zerr(['solve', 'humaneval:HumanEval/999', '--model', 'replay:codet']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/HumanEval\/999/);
  });

  it('a missing GGUF file is "model unavailable", exit 4', async () => {
    const result = await zerr(['solve', CLAMP, '--model', `llama-cpp:${join(work, 'missing.gguf')}`]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('missing.gguf');
  });
});
