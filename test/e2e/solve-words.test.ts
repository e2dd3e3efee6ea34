/**
 * `zerr solve "<a task in words>"` end to end through the built CLI: the specifier's contracts are red-flagged and
 * voted into a spec, the spec is shown and written, and only a spec chosen by consensus is solved (real SQLite store,
 * real bubblewrap). The models are hand-written replay scripts (test/fixtures/specify/README.md); with a
 * zerr.config.yaml the specifier's route and the coder's route are different models.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '../fixtures/llm/openai-compatible-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const DATA = resolve(ROOT, '..', 'shared');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'specify');
const TASK = 'a function that returns the largest even number in a list of integers, or null when there is none';
const BOTH = `replay:${join(FIXTURES, 'largest-even.replay.jsonl')}`;

interface CliResult { code: number; stdout: string; stderr: string }

let work: string;
let project: string;
/** Reviewers on OpenAI-compatible servers: one accepts every class, one rejects every class. */
let lenient: OpenAICompatibleServer;
let strict: OpenAICompatibleServer;

function zerr(args: readonly string[], cwd = work): Promise<CliResult> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ZERR_DATA_DIR: DATA, ZERR_STORE: join(work, 'runs.sqlite'), CI: '1' };
    delete env['ZERR_MODEL'];
    execFile(process.execPath, [BIN, ...args], { cwd, env, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

interface SolveJson {
  runId: string;
  model: string;
  outcome: string;
  code: string | null;
  files: { code: string | null };
  specification: {
    runId: string; model: string; outcome: string; votes: number; samples: number; redFlagsByRule: Record<string, number>;
    classes: { classKey: string; votes: number }[]; spec: { id: string; signature: { entryPoint: string; output: { type: string } }; testCases: unknown[] } | null;
    specFile: string | null;
  };
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-solve-words-'));
  project = join(work, 'project');
  await mkdir(project);
  await writeFile(join(project, 'zerr.config.yaml'), [
    'models:',
    `  spec-writer: { uri: "replay:${join(FIXTURES, 'largest-even.specifier.replay.jsonl')}" }`,
    `  coder: { uri: "replay:${join(FIXTURES, 'largest-even.coder.replay.jsonl')}" }`,
    'routes:',
    '  specifier: [spec-writer]',
    '  coder: [coder]',
    '',
  ].join('\n'));
  lenient = await startOpenAICompatibleServer(() => JSON.stringify({ verdict: 'accept', reasons: [] }));
  strict = await startOpenAICompatibleServer(() => JSON.stringify({ verdict: 'reject', reasons: ['does not say what it does with an empty list'] }));
  for (const [name, server] of [['lenient', lenient], ['strict', strict]] as const) {
    await mkdir(join(work, name));
    await writeFile(join(work, name, 'zerr.config.yaml'), [
      'models:',
      `  coder: { uri: "replay:${join(FIXTURES, 'largest-even.coder.replay.jsonl')}" }`,
      `  judge: { uri: "openai:judge?baseURL=${server.baseURL}" }`,
      'routes:',
      '  coder: [coder]',
      '  reviewer: [judge]',
      '',
    ].join('\n'));
  }
});

afterAll(async () => {
  await lenient.close();
  await strict.close();
  await rm(work, { recursive: true, force: true });
});

describe('zerr solve "<a task in words>"', () => {
  it('specifies by vote, shows and writes the chosen spec, then solves it', async () => {
    const result = await zerr(['solve', TASK, '--model', BOTH, '--k', '2', '--out', join(work, 'out'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as SolveJson;
    const { specification } = report;
    expect(specification).toMatchObject({ outcome: 'consensus', votes: 3, model: BOTH });
    // Three contracts of one signature class against the one of another output type.
    expect(specification.classes.map((tally) => tally.votes)).toEqual([3, 1]);
    expect(specification.spec?.signature).toMatchObject({ entryPoint: 'largestEven', output: { type: 'number | null' } });
    expect(specification.runId).not.toBe(report.runId);
    // The solve run used the chosen spec: consensus among the equivalent implementations, the wrong one outvoted.
    expect(report.outcome).toBe('consensus');
    expect(report.code).toContain('function largestEven');
    expect(await readFile(report.files.code ?? '', 'utf8')).toBe(report.code);
    // The written spec is a spec file zerr takes as it is.
    const file = specification.specFile ?? '';
    const written = parseYaml(await readFile(file, 'utf8')) as { description: string; testCases: unknown[] };
    expect(written.description).toBe(TASK);
    expect(written.testCases).toEqual(specification.spec?.testCases.map((test) => {
      const { expectThrows: _expectThrows, ...rest } = test as Record<string, unknown>;
      return rest;
    }));
    const checked = await zerr(['spec', 'check', file]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('valid task spec largestEven');
    // The specification is a recorded run of its own, with the specifier's samples and votes.
    const shown = await zerr(['runs', 'show', specification.runId, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const run = JSON.parse(shown.stdout) as { kind?: string; samples: { taskId: string }[] };
    expect(run.samples.length).toBe(specification.samples);
    expect(new Set(run.samples.map((sample) => sample.taskId))).toEqual(new Set(['specify:root']));
  });

  it('--spec-only shows the chosen spec in YAML and solves nothing', async () => {
    const result = await zerr(['solve', TASK, '--model', BOTH, '--k', '2', '--out', join(work, 'out-spec'), '--spec-only']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/specification \(run run-[^,]+, replay:.*\): consensus - contract class [0-9a-f]{16} led the runner-up by 2 >= k=2/);
    expect(result.stdout).toContain('chosen spec:');
    expect(result.stdout).toContain('entryPoint: largestEven');
    expect(result.stdout).toMatch(/testCases:\n\s+- inputs: \[ \[/);
    expect(result.stdout).not.toMatch(/^task largestEven:/m);
  });

  it('with zerr.config.yaml the specifier and the coder answer from their own routes', async () => {
    const result = await zerr(['solve', TASK, '--k', '2', '--out', join(work, 'out-routes'), '--json'], project);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as SolveJson;
    expect(report.specification.model).toContain('largest-even.specifier.replay.jsonl');
    expect(report.model).toContain('largest-even.coder.replay.jsonl');
    expect(report.outcome).toBe('consensus');
  });

  it('a specification without consensus is shown and written but not solved (exit 2)', async () => {
    const result = await zerr(['solve', TASK, '--model', BOTH, '--k', '2', '--spec-samples', '1', '--out', join(work, 'out-partial')]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toMatch(/specification \(run [^)]+\): (best-partial|no-consensus)/);
    expect(result.stdout).not.toMatch(/^task largestEven:/m);
    if (/best-partial/.test(result.stdout)) expect(result.stdout).toMatch(/not solved: no contract class led by k; check the spec and run zerr solve on the file/);
  });

  it('--review: the reviewer\'s route reviews the class about to be chosen; an acceptance lets the decision stand', async () => {
    const spec = join(ROOT, 'test', 'fixtures', 'specify', 'largest-even.yaml');
    const result = await zerr(['solve', spec, '--k', '2', '--review', '--out', join(work, 'out-review'), '--json'], join(work, 'lenient'));
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as SolveJson & { reviews: { verdict: string; classKey: string; votes: number }[]; classKey: string; reason: string };
    expect(report.outcome).toBe('consensus');
    expect(report.reviews).toEqual([expect.objectContaining({ verdict: 'accept', classKey: report.classKey, votes: 2 })]);
    expect(report.reason).toContain(`the reviewers accepted class ${report.classKey} 2-0`);
    expect(lenient.requests.length).toBe(2);
    const prompt = lenient.requests[0]?.messages.map((message) => message.content).join('\n') ?? '';
    expect(prompt).toContain('function largestEven');
    expect(prompt).toContain('The largest even number of xs');

    // A reviewer that rejects every class: the one class that passed verification leaves the vote; nothing is chosen.
    const rejected = await zerr(['solve', spec, '--k', '2', '--review', '--out', join(work, 'out-review'), '--json'], join(work, 'strict'));
    expect(rejected.code, rejected.stderr).toBe(2);
    const refused = JSON.parse(rejected.stdout) as SolveJson & { reviews: { verdict: string }[]; reason: string; code: string | null };
    expect(refused.reviews.map((review) => review.verdict)).toEqual(['reject']);
    expect(refused.code).toBeNull();
    expect(refused.reason).toMatch(/every class that passed verification was rejected by the reviewers.*the reviewers rejected class \w+ 2-0: does not say what it does with an empty list/);
  });

  it('a one-word target is still a dataset problem or a file: no specification', async () => {
    const result = await zerr(['solve', 'largestEven', '--model', BOTH]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Unknown dataset "largestEven".*To solve a task described in words, write it as a sentence in quotes/);
    // The specification's flags with a spec file are a usage error, not silently ignored.
    const misplaced = await zerr(['solve', join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml'), '--model', BOTH, '--name', 'clamp', '--spec-samples', '3']);
    expect(misplaced.code).toBe(3);
    expect(misplaced.stderr).toMatch(/^zerr solve: --name, --spec-samples shape the specification of a task in words, but ".*clamp\.yaml" is a spec file or dataset problem/);
  });
});
