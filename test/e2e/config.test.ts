/**
 * End to end: `zerr.config.yaml` drives the built CLI. A project folder whose configuration names the model of the
 * coder route (a hand-written replay, test/fixtures/replay/bank-account-handwritten.jsonl), `defaults.k`,
 * `defaults.maxSamples` and `defaults.store`: `zerr solve` without `--model` uses them, flags and `ZERR_MODEL` win
 * over them, `zerr config show` prints the merged configuration (the project's over the user's), and `zerr config
 * check` names each problem of a bad file (exit 3).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const BANK_SPEC = join(ROOT, 'test', 'fixtures', 'specs', 'bank-account.yaml');
const REPLAY = join(ROOT, 'test', 'fixtures', 'replay', 'bank-account-handwritten.jsonl');

let work: string;
let project: string;
let userConfig: string;
const zerr = (args: readonly string[], env: Record<string, string> = {}) =>
  runCommand(process.execPath, [BIN, ...args], { cwd: join(project, 'src'), env: { CI: '1', ZERR_MODEL: '', ZERR_STORE: '', XDG_CONFIG_HOME: userConfig, ...env } });

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-config-e2e-'));
  project = join(work, 'project');
  userConfig = join(work, 'user-config');
  await mkdir(join(project, 'src'), { recursive: true });
  await mkdir(join(userConfig, 'zerr'), { recursive: true });
  await writeFile(join(project, 'zerr.config.yaml'), [
    'models:',
    `  scripted: { uri: "replay:${REPLAY}" }`,
    'routes:',
    '  coder: [scripted]',
    'defaults: { k: 5, maxSamples: 7, store: state/runs.sqlite }',
    '',
  ].join('\n'));
  // The user's file: its defaults lose to the project's, its models are kept beside them.
  await writeFile(join(userConfig, 'zerr', 'config.yaml'), 'models:\n  cloud: { uri: "openai:gpt-4.1-mini" }\ndefaults: { k: 9, parallelism: 2 }\n');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr.config.yaml', () => {
  it('solve takes the coder route\'s model, k, maxSamples and the store from it, from a folder inside the project', async () => {
    const result = await zerr(['solve', BANK_SPEC, '--json', '--out', join(work, 'out')]);
    expect(result.code, result.stderr).toBe(2); // k = 5 over 7 samples: the best partial result (test/e2e/class-specs.test.ts)
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { model: string; k: number; samples: number; outcome: string };
    expect(report).toMatchObject({ model: `replay:${REPLAY}`, k: 5, samples: 7, outcome: 'best-partial' });
    expect(existsSync(join(project, 'state', 'runs.sqlite'))).toBe(true);
  }, 180_000);

  it('flags and ZERR_MODEL win over the file', async () => {
    const flagged = await zerr(['solve', BANK_SPEC, '--k', '2', '--json', '--out', join(work, 'out2')]);
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(JSON.parse(flagged.stdout.slice(flagged.stdout.indexOf('{')))).toMatchObject({ k: 2, outcome: 'consensus' });
    const missing = await zerr(['solve', BANK_SPEC, '--json'], { ZERR_MODEL: 'replay:/nope.jsonl' });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/\/nope\.jsonl/);
  }, 180_000);

  it('config show merges the project\'s file over the user\'s; config check names each problem of a bad file', async () => {
    const shown = await zerr(['config', 'show', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const { files, config } = JSON.parse(shown.stdout) as { files: string[]; config: { models: Record<string, unknown>; defaults: Record<string, unknown> } };
    expect(files).toEqual([join(project, 'zerr.config.yaml'), join(userConfig, 'zerr', 'config.yaml')]);
    expect(Object.keys(config.models).sort()).toEqual(['cloud', 'scripted']);
    expect(config.defaults).toEqual({ k: 5, maxSamples: 7, parallelism: 2, store: join(project, 'state', 'runs.sqlite') }); // k: the project's
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, 'models:\n  local: { uri: "not a uri" }\nroutes:\n  coder: [locl]\n  planner: [local]\n');
    const checked = await zerr(['config', 'check', bad]);
    expect(checked.code).toBe(3);
    expect(checked.stderr).toContain(`${bad}: models.local.uri: got "not a uri", expected a model URI, <provider>:<target>`);
    expect(checked.stderr).toContain(`${bad}: routes.planner: got ["local"], expected no unknown key "planner"`);
    expect(checked.stderr).toContain(`${bad}: routes.coder.0: got "locl", expected a model named under models (local) (did you mean "local"?) or a model URI`);
    expect(checked.stderr).not.toMatch(/^\s+at /m);
    const notes = await zerr(['config', 'check']);
    expect(notes.stdout).toContain(`${join(project, 'zerr.config.yaml')}: valid (1 models, routes for coder)`);
  }, 60_000);
});
