/**
 * A route of three models from `zerr.config.yaml`, end to end through the built CLI: two OpenAI-compatible servers
 * on 127.0.0.1 (one failing every call with HTTP 500) and the real llama.cpp path on the 260K-parameter story model.
 * `zerr solve` without `--model` draws each sample from the route's mix by weight, hands a failed call to the rest
 * of the mix and then down the fallback chain, and records which model answered each sample.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '../fixtures/llm/openai-compatible-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const DATA = resolve(ROOT, '..', 'shared');
const MODEL = join(DATA, 'models', 'stories260K.gguf');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
/** The clamp stub's continuation (the servers speak `/v1/completions`, as the llama.cpp model is prompted). */
const CLAMP_BODY = '  return Math.min(Math.max(x, low), high);\n}\n';

interface CliResult { code: number; stdout: string; stderr: string }

let work: string;
let project: string;
let flaky: OpenAICompatibleServer;
let cloud: OpenAICompatibleServer;
let cloudDown = false;

function zerr(args: readonly string[]): Promise<CliResult> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ZERR_DATA_DIR: DATA, ZERR_STORE: join(work, 'runs.sqlite'), CI: '1' };
    delete env['ZERR_MODEL'];
    execFile(process.execPath, [BIN, ...args], { cwd: project, env, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-route-'));
  project = join(work, 'project');
  await mkdir(project);
  flaky = await startOpenAICompatibleServer(() => {
    throw new Error('overloaded');
  });
  cloud = await startOpenAICompatibleServer(() => {
    if (cloudDown) throw new Error('maintenance');
    return CLAMP_BODY;
  });
  await writeFile(join(project, 'zerr.config.yaml'), [
    'models:',
    `  local: { uri: "llama-cpp:${MODEL}?threads=1" }`,
    `  flaky: { uri: "openai:flaky-coder?baseURL=${flaky.baseURL}&mode=completions" }`,
    `  cloud: { uri: "openai:cloud-coder?baseURL=${cloud.baseURL}&mode=completions", price: { input: 1, output: 2 }, concurrency: 1 }`,
    'routes:',
    '  coder: { mix: { flaky: 2, cloud: 1 }, fallback: [local] }',
    '',
  ].join('\n'));
});
afterAll(async () => {
  await flaky.close();
  await cloud.close();
  await rm(work, { recursive: true, force: true });
});

interface SampleRow { readonly sampleIndex: number; readonly model: string }

async function recordedSamples(runId: string): Promise<SampleRow[]> {
  const shown = await zerr(['runs', 'show', runId, '--json']);
  expect(shown.code, shown.stderr).toBe(0);
  return (JSON.parse(shown.stdout) as { samples: SampleRow[] }).samples;
}

describe('zerr solve on a configured route (mix + fallback chain)', () => {
  it('draws from the mix, hands the failing model\'s calls to the next, and records the model of every sample', async () => {
    const result = await zerr(['solve', CLAMP, '--k', '2', '--max-samples', '8', '--model-retries', '0', '--json', '--out', join(work, 'out')]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { runId: string; model: string; outcome: string; code: string; priceSource: string; costUsd: number };
    expect(report.model).toBe('route:coder');
    // The configured price costs cloud's answers; the other models have none (and say so).
    expect(report.priceSource).toBe('per model (cloud: model URI); unpriced: flaky, local');
    expect(report.costUsd).toBeGreaterThan(0);
    expect(report.outcome).toBe('consensus');
    expect(report.code).toContain('Math.min(Math.max(x, low), high)');
    // The flaky model (weight 2) was drawn and failed; each of its calls went on to cloud, which answered them all.
    expect(flaky.requests.length).toBeGreaterThan(0);
    const samples = await recordedSamples(report.runId);
    expect(samples.map((sample) => sample.model)).toEqual(samples.map(() => 'cloud'));
    expect(cloud.requests.length).toBe(samples.length);
  });

  it('with both models of the mix failing, the last resort answers (the story model: no consensus, exit 2), and says so', async () => {
    cloudDown = true;
    const cloudBefore = cloud.requests.length;
    const result = await zerr(['solve', CLAMP, '--k', '2', '--max-samples', '3', '--model-retries', '0', '--json', '--out', join(work, 'out-2')]);
    expect(result.code, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout) as { runId: string; outcome: string; samples: number };
    expect(report.outcome).toBe('no-consensus');
    const samples = await recordedSamples(report.runId);
    expect(samples.length).toBe(3);
    expect(new Set(samples.map((sample) => sample.model))).toEqual(new Set(['local']));
    expect(cloud.requests.length - cloudBefore).toBe(3); // every call tried cloud first, then fell back
    const shown = await zerr(['runs', 'show', report.runId, '--samples']);
    expect(shown.stdout).toContain('samples by the model that answered {"local":3}');
    expect(shown.stdout).toMatch(/#0 local t=/);
  });

  it('an explicit --model wins over the route; --model route:<name> without such a route names the routes there are', async () => {
    cloudDown = false;
    const flakyBefore = flaky.requests.length;
    const direct = await zerr(['solve', CLAMP, '--k', '1', '--max-samples', '1', '--model', `openai:cloud-coder?baseURL=${cloud.baseURL}&mode=completions`, '--json', '--out', join(work, 'out-3')]);
    expect(direct.code, direct.stderr).toBe(0);
    expect(flaky.requests.length).toBe(flakyBefore);
    const missing = await zerr(['solve', CLAMP, '--model', 'route:reviewer', '--json']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/--model: got "route:reviewer", expected a route of zerr\.config\.yaml \(.*zerr\.config\.yaml; routes: coder\)/);
  });

  it('a route that mixes a chat model with a continuation model is refused in the configuration\'s terms', async () => {
    const other = join(work, 'mixed-styles');
    await mkdir(other);
    await writeFile(join(other, 'zerr.config.yaml'), [
      'models:',
      `  chat: { uri: "openai:chat-coder?baseURL=${cloud.baseURL}" }`,
      `  completion: { uri: "openai:cloud-coder?baseURL=${cloud.baseURL}&mode=completions" }`,
      'routes:',
      '  coder: [chat, completion]',
      '',
    ].join('\n'));
    const saved = project;
    project = other;
    try {
      const refused = await zerr(['solve', CLAMP, '--json']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/routes\.coder \(.*mixed-styles\/zerr\.config\.yaml\): got "completion", expected a chat-style model like chat \(one route prompts all its models the same way\)\./);
    } finally {
      project = saved;
    }
  });
});
