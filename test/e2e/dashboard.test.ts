/**
 * End-to-end test of the live dashboard in real Chromium (Debian's `/usr/bin/chromium`, driven by playwright-core):
 * the real HTTP server on the real run service, engine, SQLite store and bubblewrap sandbox, the replay provider on
 * the hand-written text-stats script (test/fixtures/build). The page is given the API key through its form, follows
 * a build to completion over Server-Sent Events (vote bars drawn against the lead k needs, DAG edges drawn, a task
 * card opened to its chosen code and every sample's red flags and layer reasons, the page at 420 px wide), then a
 * second build pauses on an escalation (its reason and its dependency's code on the card) that is answered through
 * the page's form and resumes to completion. A third test renders canned views (a rejected answer with its reason, a
 * queued run) from a stub service. `ZERR_UPDATE_DOCS=1` also writes the vote-bar screenshot to docs/dashboard.png.
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
import type { RunView } from '../../src/service/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const REPLAY = join(FIXTURES, 'text-stats.replay.jsonl');
const SCREENSHOT = join(ROOT, 'test-results', 'dashboard.png');
const SCREENSHOT_PAUSED = join(ROOT, 'test-results', 'dashboard-escalation.png');
const SCREENSHOT_VOTES = join(ROOT, 'test-results', 'dashboard-votes.png');
const SCREENSHOT_NARROW = join(ROOT, 'test-results', 'dashboard-420px.png');
const DOCS_SCREENSHOT = join(ROOT, 'docs', 'dashboard.png');
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

/** Widths of a vote bar's fill and track, px, as laid out. */
async function barWidths(page: Page, selector: string): Promise<{ fill: number; track: number }> {
  const bar = page.locator(selector).first();
  const fill = await bar.locator('.fill').boundingBox();
  const track = await bar.locator('.track').boundingBox();
  return { fill: fill?.width ?? 0, track: track?.width ?? 0 };
}

/** How far the page overflows the viewport sideways, px (0 when it fits). */
const overflowX = async (page: Page): Promise<number> => Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));

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

    // Vote bars are drawn: the winner's fill spans its share of the track (3 votes of a target of runner-up + k).
    const race = page.getByTestId('race-split-words');
    expect(await race.getAttribute('data-k')).toBe('3');
    const lead = Number(await race.getAttribute('data-lead'));
    expect(lead).toBeGreaterThanOrEqual(3);
    expect(await race.textContent()).toContain(`k = 3: won, leading by ${lead}`);
    const winner = await barWidths(page, '[data-testid="votes-split-words"] .bar.winner');
    expect(winner.track).toBeGreaterThan(20);
    expect(winner.fill).toBeGreaterThan(winner.track * 0.9);
    for (const task of TASKS) {
      const drawn = await barWidths(page, `[data-testid="votes-${task}"] .bar`);
      expect(drawn.fill, `the vote bar of ${task}`).toBeGreaterThan(0);
    }
    expect(await page.getByTestId('target-split-words').count()).toBe(1);

    // The DAG's edges: one arrow per dependency, between the two cards.
    const view = await api<RunView>(normal, `/v1/runs/${runId}`);
    const dependencies = (view.dag?.nodes ?? []).flatMap((node) => node.dependencies.map((dependency) => `${dependency}->${node.id}`)).sort();
    expect(dependencies.length).toBeGreaterThan(0);
    const edges = page.locator('[data-testid="dag-edges"] path.edge');
    await expect.poll(async () => (await edges.evaluateAll((paths) => paths.map((path) => `${path.getAttribute('data-from')}->${path.getAttribute('data-to')}`))).sort()).toEqual(dependencies);
    for (const d of await edges.evaluateAll((paths) => paths.map((path) => path.getAttribute('d') ?? ''))) expect(d).toMatch(/^M[\d.-]+,[\d.-]+ C/);

    // A task card opens: chosen code, every sample with its outcome, the red-flag reason and the failing layer's reason.
    await page.getByTestId('detail-open-split-words').click();
    const chosen = page.getByTestId('chosen-code-split-words');
    await chosen.waitFor();
    expect(await chosen.textContent()).toContain('function splitWords');
    const samples = page.getByTestId('sample-list-split-words').locator('li.sample');
    expect(await samples.count()).toBe(view.tasks.find((task) => task.taskId === 'split-words')?.samples);
    const flagged = page.getByTestId('detail-body-split-words').locator('[data-sample-rule="refusal-or-hedge"]');
    expect(await flagged.count()).toBe(1);
    expect(await flagged.textContent()).toMatch(/^\u2691 red flag refusal-or-hedge: \S/);
    const failedLayer = page.getByTestId('detail-body-split-words').locator('[data-sample-layer="unit-tests"]');
    expect(await failedLayer.count()).toBe(1);
    expect(await failedLayer.textContent()).toMatch(/^\u2717 failed unit-tests: \S/);
    expect(await samples.locator('[data-outcome="voted"], .badge.s-voted').count()).toBeGreaterThan(0);
    // A task with a dependency shows the dependency's code in its detail.
    await page.getByTestId('detail-open-longest-word').click();
    await page.getByTestId('detail-deps-longest-word').locator('summary').click();
    expect(await page.getByTestId('detail-deps-longest-word').textContent()).toContain('function splitWords');
    // Opened cards stay open when the view re-renders.
    expect(await page.getByTestId('detail-split-words').getAttribute('open')).not.toBeNull();
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_VOTES, fullPage: true });
    if (process.env['ZERR_UPDATE_DOCS'] === '1') await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });

    // The page fits a 420 px screen: nothing overflows sideways; the arrows follow the stacked levels.
    await page.setViewportSize({ width: 420, height: 900 });
    await expect.poll(() => overflowX(page)).toBeLessThanOrEqual(0);
    const narrow = await barWidths(page, '[data-testid="votes-split-words"] .bar.winner');
    expect(narrow.fill).toBeGreaterThan(narrow.track * 0.9);
    expect(await page.locator('[data-testid="dag-edges"] path.edge').count()).toBe(dependencies.length);
    await page.screenshot({ path: SCREENSHOT_NARROW, fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
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
    // The card says why, and shows the code of the dependency the answer can call.
    expect((await page.getByTestId('escalation-reason-esc-longest-word-1').textContent())?.length).toBeGreaterThan('Why: '.length + 5);
    expect(await page.getByTestId('escalation-dep-code-esc-longest-word-1-split-words').textContent()).toContain('function splitWords');
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

    await expect.poll(() => page.getByTestId('escalation-resolution-esc-longest-word-1-0').getAttribute('data-accepted')).toBe('true');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
    // No request left the two local servers (no CDN, fonts or analytics).
    const origins = new Set([new URL(normal.url).origin, new URL(escalating.url).origin]);
    expect(requests.filter((url) => !origins.has(new URL(url).origin))).toEqual([]);
    console.log(`dashboard e2e: first build completed on the page in ${firstMs} ms; second paused in ${pausedMs} ms, completed ${resumedMs} ms after the answer`);
    await page.close();
  }, 600_000);

  it('renders canned views: an answer rejected with its reason, dependency code, the vote race before a decision, a queued run', async () => {
    const now = Date.now();
    const escalation = (id: string, status: 'open' | 'answered', resolutions: RunView['escalations'][number]['resolutions']): RunView['escalations'][number] => ({
      escalationId: id, taskId: 'parse-date', kind: 'code', reason: 'no class led by 3 after 20 samples (best partial failed unit-tests)', question: 'Write parseDate.',
      context: { bestCode: 'function parseDate(text: string) { return null; }' }, status, answer: status === 'answered' ? { code: 'function parseDate() { return 1; }' } : null,
      answeredBy: status === 'answered' ? 'alice' : null, createdAt: now, answeredAt: status === 'answered' ? now : null, resolutions,
      dependencies: [{ id: 'split-fields', code: 'export function splitFields(text: string): string[] { return text.split(\'-\'); }' }, { id: 'is-leap', code: null }],
    });
    const task = (taskId: string, votesPerClass: Record<string, number>, decided: boolean): RunView['tasks'][number] => ({
      taskId, k: 3, samples: 6, redFlagsByRule: {}, failedLayers: {}, votesPerClass,
      decision: decided ? { outcome: 'consensus', votes: 3, runnerUpVotes: 0, samples: 6, reason: 'class led by 3' } : null,
    });
    const views: Record<string, RunView> = {
      'run-canned': {
        id: 'run-canned', kind: 'build', status: 'paused', queuePosition: null, model: 'mock:canned', createdAt: now - 60_000, finishedAt: now, live: false,
        tasks: [task('parse-date', { c1: 2, c2: 1 }, false), task('split-fields', { d1: 3 }, true), task('is-leap', {}, false)],
        dag: { nodes: [
          { id: 'is-leap', dependencies: [], state: 'pending' },
          { id: 'parse-date', dependencies: ['split-fields', 'is-leap'], state: 'escalated' },
          { id: 'split-fields', dependencies: [], state: 'settled' },
        ] },
        escalations: [
          escalation('esc-parse-date-1', 'answered', [{ accepted: false, reason: 'rejected at unit-tests: test 1: parseDate("2024-02-30") returned 1, expected null' }]),
          escalation('esc-parse-date-2', 'open', []),
        ],
        totals: { samples: 18, inputTokens: 100, outputTokens: 200, costUsd: 0, wallMs: 60_000 }, report: null, summary: null,
        models: [
          { model: 'cloud', samples: 12, inputTokens: 80, outputTokens: 150, costUsd: 0.0123 },
          { model: 'local', samples: 6, inputTokens: 20, outputTokens: 50, costUsd: 0 },
        ],
      },
      'run-queued': {
        id: 'run-queued', kind: 'build', status: 'queued', queuePosition: 2, model: 'mock:canned', createdAt: now, finishedAt: null, live: false,
        tasks: [], dag: null, escalations: [], totals: { samples: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, wallMs: 0 }, report: null, summary: null, models: [],
      },
    };
    const service = {
      list: async () => Object.values(views).map((view) => ({ id: view.id, kind: view.kind, model: view.model, status: view.status, createdAt: view.createdAt, finishedAt: view.finishedAt, tasks: view.tasks.length, samples: 0, queuePosition: view.queuePosition })),
      get: async (id: string) => views[id],
      record: async () => undefined,
      events: async function* () { /* nothing new */ },
      status: () => ({ live: [], queued: ['run-queued'], maxRunningRuns: 1, maxQueuedRuns: 4, closed: false }),
      listEscalations: async () => [],
    };
    const member = (name: string, role: 'mix' | 'fallback', weight: number | null, calls: number, answered: number, failed: Record<string, number>, handedOver: number, circuitBreaker: 'CLOSED' | 'OPEN') =>
      ({ name, modelId: name, role, weight, calls, answered, failed, handedOver, circuitBreaker });
    const models = () => ({ route: 'coder', models: [
      member('flaky', 'mix', 2, 9, 0, { model_call_failed: 5, circuit_open: 4 }, 0, 'OPEN'),
      member('cloud', 'mix', 1, 14, 12, { model_call_failed: 2 }, 9, 'CLOSED'),
      member('local', 'fallback', null, 6, 6, {}, 6, 'CLOSED'),
    ] });
    const app = createServer({ service: service as never, store: { listRuns: async () => [] }, keys: null, models });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${url}/#run=run-canned`);
      await page.getByTestId('key-input').fill('no-auth');
      await page.getByTestId('key-save').click();
      await waitForStatus(page, 'paused');
      // The route's models: what each answered in this run, and the server's live counts and breaker states.
      await expect.poll(() => page.getByTestId('model-samples-cloud').textContent()).toBe('12');
      expect(await page.getByTestId('model-samples-flaky').textContent()).toBe('0');
      expect(await page.getByTestId('model-failed-flaky').textContent()).toBe('model_call_failed 5, circuit_open 4');
      expect(await page.getByTestId('model-row-flaky').getAttribute('data-breaker')).toBe('OPEN');
      expect(await page.getByTestId('model-breaker-local').textContent()).toBe('CLOSED');
      // The rejected answer says why; the card shows the dependencies' code (and that one is not settled yet).
      const rejection = page.getByTestId('escalation-resolution-esc-parse-date-1-0');
      expect(await rejection.getAttribute('data-accepted')).toBe('false');
      expect(await rejection.textContent()).toBe('Answer rejected: rejected at unit-tests: test 1: parseDate("2024-02-30") returned 1, expected null');
      expect(await page.getByTestId('escalation-dep-code-esc-parse-date-2-split-fields').textContent()).toContain('splitFields');
      expect(await page.getByTestId('escalation-deps-esc-parse-date-2').textContent()).toContain('not settled yet');
      expect(await page.getByTestId('escalation-reason-esc-parse-date-2').textContent()).toBe('Why: no class led by 3 after 20 samples (best partial failed unit-tests)');
      // The race before a decision: lead 1 of k = 3, the leader needs 2 more votes; its bar is half of the target.
      const race = page.getByTestId('race-parse-date');
      expect(await race.textContent()).toBe('k = 3: lead 1 of 3, the leader needs 2 more votes (4)');
      expect([await race.getAttribute('data-lead'), await race.getAttribute('data-needed')]).toEqual(['1', '2']);
      const leader = await barWidths(page, '[data-testid="votes-parse-date"] .bar[data-class="c1"]');
      expect(leader.fill / leader.track).toBeGreaterThan(0.45);
      expect(leader.fill / leader.track).toBeLessThan(0.55);
      const target = await page.getByTestId('target-parse-date').boundingBox();
      const track = await page.locator('[data-testid="votes-parse-date"] .bar[data-class="c1"] .track').boundingBox();
      expect(Math.abs((target?.x ?? 0) + 1 - ((track?.x ?? 0) + (track?.width ?? 0)))).toBeLessThan(4);
      expect(await page.getByTestId('race-is-leap').textContent()).toBe('k = 3: the first class to lead by 3 votes wins');
      // Two arrows into parse-date, stacked layout at 420 px, nothing overflowing.
      expect((await page.locator('[data-testid="dag-edges"] path.edge').evaluateAll((paths) => paths.map((path) => `${path.getAttribute('data-from')}->${path.getAttribute('data-to')}`))).sort())
        .toEqual(['is-leap->parse-date', 'split-fields->parse-date']);
      expect(await overflowX(page)).toBeLessThanOrEqual(0);
      await mkdir(join(ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-canned-420px.png'), fullPage: true });
      // A queued run says where it waits.
      await page.getByTestId('run-row-run-queued').click();
      expect(await page.getByTestId('run-row-run-queued').getAttribute('data-status')).toBe('queued');
      await expect.poll(() => page.getByTestId('run-reason').textContent()).toBe('Waiting for a free run slot: number 2 in the queue.');
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
      await app.close();
    }
  }, 120_000);
});
