/**
 * End-to-end test of the live dashboard in real Chromium (Debian's `/usr/bin/chromium`, driven by playwright-core):
 * the real HTTP server on the real run service, engine, SQLite store and bubblewrap sandbox, the replay provider on
 * the hand-written text-stats script (test/fixtures/build). The page is given the API key through its form, follows
 * a build to completion over Server-Sent Events, then a second build pauses on an escalation that is answered
 * through the page's form and resumes to completion.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine, createLanguageModel, createModelStack, createRunService, createSandbox, SqliteRunStore, type RunService, type RunStore, type Sandbox,
} from '../../src/index.js';
import { ApiKeyStore, createServer } from '../../src/server/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const REPLAY = join(FIXTURES, 'text-stats.replay.jsonl');
const SCREENSHOT = join(ROOT, 'test-results', 'dashboard.png');
const SCREENSHOT_PAUSED = join(ROOT, 'test-results', 'dashboard-escalation.png');
const TASKS = ['average-word-length', 'count-words', 'longest-word', 'split-words'];
/** Builds take 25-45 s on a loaded 2-core machine; the page must follow them live. */
const BUILD_TIMEOUT_MS = 150_000;
const RIGHT_LONGEST_WORD = "function longestWord(text: string): string {\n  let best = '';\n  for (const word of splitWords(text)) if (word.length > best.length) best = word;\n  return best;\n}\n";

interface Harness {
  readonly url: string;
  readonly service: RunService;
  readonly store: RunStore;
  readonly app: FastifyInstance;
}

let work: string;
let sandbox: Sandbox;
let browser: Browser;
let requirements: string;
let keys: ApiKeyStore;
/** An API key created in a real key file, as `zerr keys create` does. */
let KEY: string;
const harnesses: Harness[] = [];

/** The real server on the real run service and engine, with `modelUri` as the engine's model (one per server). */
async function startServer(modelUri: string, name: string): Promise<Harness> {
  const store = await SqliteRunStore.open({ path: join(work, `${name}.sqlite`) });
  const model = createModelStack(await createLanguageModel(modelUri));
  const engine = createEngine({ model, modelName: modelUri, store, sandbox });
  const service = createRunService({ engine, store, outRoot: join(work, name) });
  const app = createServer({ service, store, keys });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const harness = { url, service, store, app };
  harnesses.push(harness);
  return harness;
}

async function api<T>(harness: Harness, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${harness.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${KEY}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  expect(response.ok, `${init.method ?? 'GET'} ${path}: ${response.status} ${text}`).toBe(true);
  return JSON.parse(text) as T;
}

/** Opens the page on `harness` and gives it the API key through its form. */
async function openDashboard(page: Page, harness: Harness): Promise<void> {
  await page.goto(harness.url);
  await page.getByTestId('key-input').fill(KEY);
  await page.getByTestId('key-save').click();
  await expect.poll(() => page.getByTestId('key-set').isVisible()).toBe(true);
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid="run-status"][data-status="${status}"]`).waitFor({ timeout: BUILD_TIMEOUT_MS });
}

const haveChromium = existsSync(CHROMIUM);

beforeAll(async () => {
  if (!haveChromium) return;
  work = await mkdtemp(join(tmpdir(), 'zerr-dashboard-e2e-'));
  requirements = await readFile(join(FIXTURES, 'text-stats.requirements.md'), 'utf8');
  sandbox = await createSandbox();
  keys = new ApiKeyStore(join(work, 'api-keys.json'));
  KEY = (await keys.create('dashboard-e2e')).key;
  // Running as root (containers, CI) Chromium refuses its own sandbox without user namespaces set up for it.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  // The service first, so that live event streams end; then the app.
  for (const harness of harnesses) {
    await harness.service.close();
    await harness.app.close();
    await harness.store.close();
  }
  await sandbox?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
}, 120_000);

describe.skipIf(!haveChromium)(`dashboard in Chromium (${haveChromium ? CHROMIUM : `skipped: ${CHROMIUM} is missing; .ci/run installs it`})`, () => {
  it('follows a build live to completion, then answers an escalation through the page and sees the build resume and complete', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    // 1. A build on the replay script: the page follows it to completion.
    const normal = await startServer(`replay:${REPLAY}?seed=5`, 'normal');
    await page.goto(normal.url);
    await expect.poll(() => page.getByTestId('key-form').isVisible()).toBe(true);
    await openDashboard(page, normal);
    const started = Date.now();
    const { runId } = await api<{ runId: string }>(normal, '/v1/runs', { method: 'POST', body: { kind: 'build', requirements } });
    await page.getByTestId(`run-row-${runId}`).click();
    await expect.poll(() => page.getByTestId('run-id').textContent()).toBe(runId);
    await waitForStatus(page, 'completed');
    const firstMs = Date.now() - started;
    for (const task of TASKS) {
      await expect.poll(() => page.getByTestId(`task-${task}`).getAttribute('data-state')).toBe('settled');
      expect(await page.getByTestId(`decision-${task}`).getAttribute('data-outcome')).toBe('consensus');
    }
    // Red flags by rule, failing layers and vote bars per class are on the page (replay seed 5 draws a refusal
    // and a whitespace split for split-words).
    const split = page.getByTestId('task-split-words');
    expect(await split.locator('[data-rule="refusal-or-hedge"]').count()).toBe(1);
    expect(await split.locator('[data-layer="unit-tests"]').count()).toBe(1);
    expect(await page.getByTestId('votes-split-words').locator('.bar.winner').getAttribute('data-votes')).toBe('3');
    expect(Number((await page.getByTestId('total-samples').textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
    // The live stream delivered the events (vote-cast tallies included) and ended with the run.
    expect(await page.locator('#event-log li[data-type="vote-cast"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#event-log li[data-type="run-end"]').count()).toBe(1);
    await expect.poll(() => page.getByTestId('stream-state').textContent()).toBe('ended');

    // 2. A build where longest-word has only wrong answers pauses on an escalation, answered through the page.
    const lines = (await readFile(REPLAY, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { taskId: string; completions: string[] });
    const wrongOnly = lines.map((line) => line.taskId === 'longest-word' ? { ...line, completions: line.completions.filter((text) => text.includes('>=')) } : line);
    const replay = join(work, 'wrong-longest.jsonl');
    await writeFile(replay, `${wrongOnly.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const escalating = await startServer(`replay:${replay}`, 'escalating');
    await openDashboard(page, escalating);
    const second = Date.now();
    const paused = await api<{ runId: string }>(escalating, '/v1/runs', { method: 'POST', body: { kind: 'build', requirements, options: { k: 2 } } });
    await page.getByTestId(`run-row-${paused.runId}`).click();
    await waitForStatus(page, 'paused');
    const pausedMs = Date.now() - second;
    const escalation = page.getByTestId('escalation-esc-longest-word-1');
    expect(await escalation.getAttribute('data-status')).toBe('open');
    expect(await page.getByTestId('task-longest-word').getAttribute('data-state')).toBe('escalated');
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PAUSED, fullPage: true });
    await page.getByTestId('answer-code-esc-longest-word-1').fill(RIGHT_LONGEST_WORD);
    await page.getByTestId('answer-submit-esc-longest-word-1').click();
    const answered = Date.now();
    await waitForStatus(page, 'completed');
    const resumedMs = Date.now() - answered;
    expect(await escalation.getAttribute('data-status')).toBe('answered');
    // The page followed the paused run's stream, then the resumed one from its Last-Event-ID: each event once.
    await expect.poll(() => page.locator('#event-log li[data-type="run-end"]').allTextContents()).toEqual([
      expect.stringContaining('run-end completed'), expect.stringContaining('run-end paused'),
    ]);
    expect(await page.locator('#event-log li[data-type="run-start"]').count()).toBe(2);
    await expect.poll(() => page.getByTestId('task-longest-word').getAttribute('data-state')).toBe('settled');
    expect(await page.getByTestId('decision-longest-word').getAttribute('data-source')).toBe('person');
    for (const task of TASKS.filter((id) => id !== 'longest-word')) {
      expect(await page.getByTestId(`task-${task}`).getAttribute('data-state')).toBe('settled');
    }
    const stored = await escalating.store.getRun(paused.runId);
    expect(stored?.escalations.map((e) => [e.escalationId, e.status, (e.answer as { code?: string } | null)?.code])).toEqual([['esc-longest-word-1', 'answered', RIGHT_LONGEST_WORD]]);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
    // No request left the two local servers (no CDN, fonts or analytics).
    const origins = new Set([new URL(normal.url).origin, new URL(escalating.url).origin]);
    expect(requests.filter((url) => !origins.has(new URL(url).origin))).toEqual([]);
    console.log(`dashboard e2e: first build completed on the page in ${firstMs} ms; second paused in ${pausedMs} ms, completed ${resumedMs} ms after the answer`);
    await page.close();
  }, 600_000);
});
