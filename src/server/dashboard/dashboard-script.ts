/**
 * @module server/dashboard/dashboard-script
 * The dashboard's browser script (`GET /dashboard.js`), part one: state, the API client, the API key, the runs
 * list, throttled run-view fetches and the live event stream read with fetch + ReadableStream (EventSource cannot
 * send the Authorization header), reconnecting with Last-Event-ID. The rendering functions
 * (dashboard-render.ts, dashboard-task-detail.ts, dashboard-dag-edges.ts) are spliced in at the `@render` marker. A
 * plain ES module, no framework, no external requests; every server string goes in with `textContent`/`setAttribute`,
 * never as markup. Kept free of backticks and template substitutions so that it can live in a raw string.
 */

/** The script; an `@render` comment marks where the renderers (`DASHBOARD_RENDER_JS` and the rest) go. */
export const DASHBOARD_JS = String.raw`// zerr dashboard: plain ES module, no framework, no external requests. Every string from the server is inserted
// with textContent or setAttribute, never as markup.
const KEY_STORAGE = 'zerr.apiKey';
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
/** Shortest gap between two run-view fetches; stretched when the API's rate limit runs low. */
const VIEW_INTERVAL_MS = 500;
const RUNS_INTERVAL_MS = 5000;
/** Longest wait before reconnecting a stream that delivered nothing (e.g. a paused build). */
const MAX_RECONNECT_MS = 8000;
const EVENT_LOG_LIMIT = 200;

const state = {
  key: null,
  runId: null,
  view: null,
  /** GET /v1/models: the server's route and its per-model counts (null until fetched, or when it failed). */
  models: null,
  lastEventId: 0,
  controller: null,
  tallies: new Map(),
  sigs: new Map(),
  drafts: new Map(),
  answerMessages: new Map(),
  kick: null,
  viewTimer: null,
  viewInFlight: null,
  viewAgain: false,
  lastViewAt: 0,
  rate: null,
  blockedUntil: 0,
  /** Task id -> k from live task-start events (the view has it once the task is recorded). */
  taskK: new Map(),
  /** Task ids whose detail panel is open, and their fetched details (task id -> TaskDetail or { error }). */
  openDetails: new Set(),
  details: new Map(),
  detailsInFlight: new Set(),
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- DOM helpers

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'testid') node.setAttribute('data-testid', value);
      else if (name === 'width') node.style.width = value;
      else if (name === 'style') for (const [property, text] of Object.entries(value)) node.style.setProperty(property, String(text));
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function badge(text, kind, testid) {
  return el('span', { class: 'badge s-' + String(kind || text).replace(/[^a-z-]/gi, ''), testid }, text);
}

/** Re-renders a section only when what it shows changed (keeps forms, focus and scroll intact). */
function renderSection(name, container, signature, build) {
  const sig = JSON.stringify(signature);
  if (state.sigs.get(name) === sig) return;
  state.sigs.set(name, sig);
  container.replaceChildren(...build());
}

const fmtInt = (n) => (Number(n) || 0).toLocaleString('en-US');
const fmtCost = (n) => '$' + (Number(n) || 0).toFixed(4);
const fmtTime = (ms) => (ms ? new Date(ms).toLocaleString() : '');
function fmtMs(ms) {
  const value = Number(ms) || 0;
  if (value < 1000) return Math.round(value) + ' ms';
  if (value < 60000) return (value / 1000).toFixed(1) + ' s';
  return Math.floor(value / 60000) + ' min ' + Math.round((value % 60000) / 1000) + ' s';
}
const shortKey = (key) => (key === null || key === undefined ? '(none)' : String(key).slice(0, 10));

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, init = {}) {
  if (!state.key) throw new ApiError(401, 'no API key');
  const headers = new Headers(init.headers || {});
  headers.set('Authorization', 'Bearer ' + state.key);
  headers.set('Accept', 'application/json');
  if (init.body !== undefined) headers.set('Content-Type', 'application/json');
  const response = await fetch(path, { ...init, headers, cache: 'no-store' });
  noteRateLimit(response);
  if (response.status === 401) {
    keyRejected();
    throw new ApiError(401, 'the server rejected the API key');
  }
  if (!response.ok) {
    let message = 'HTTP ' + response.status;
    try {
      const body = await response.json();
      const detail = (body && body.error && (body.error.message || body.error.code)) || (body && body.message);
      if (detail) message += ': ' + detail;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  if (response.status === 204) return null;
  return response.json();
}

/** Reads the server's rate-limit headers (per API key) so that polling slows down before requests are refused. */
function noteRateLimit(response) {
  const limit = Number(response.headers.get('x-ratelimit-limit'));
  const remaining = Number(response.headers.get('x-ratelimit-remaining'));
  if (Number.isFinite(limit) && limit > 0 && Number.isFinite(remaining)) state.rate = { limit, remaining };
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    state.blockedUntil = Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5000);
  }
}

/** Gap before the next run-view fetch: VIEW_INTERVAL_MS, longer as the rate limit runs low or after a 429. */
function viewInterval() {
  const rate = state.rate;
  let interval = VIEW_INTERVAL_MS;
  if (rate && rate.remaining < rate.limit / 4) interval = 4000;
  else if (rate && rate.remaining < rate.limit / 2) interval = 1500;
  return Math.max(interval, state.blockedUntil - Date.now());
}

const runPath = (runId) => '/v1/runs/' + encodeURIComponent(runId);
const listOf = (body, field) => (Array.isArray(body) ? body : (body && Array.isArray(body[field]) ? body[field] : []));

// ---------------------------------------------------------------- API key

function showKeyForm(message) {
  $('key-form').classList.remove('hidden');
  $('key-set').classList.add('hidden');
  $('key-error').textContent = message || '';
  $('key-input').focus();
}

function keyRejected() {
  localStorage.removeItem(KEY_STORAGE);
  state.key = null;
  stopStream();
  showKeyForm('The server rejected this API key.');
}

function useKey(key) {
  state.key = key;
  $('key-form').classList.add('hidden');
  $('key-set').classList.remove('hidden');
  $('key-error').textContent = '';
  void refreshRuns();
  void refreshQueues();
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('run');
  if (state.runId) selectRun(state.runId);
  else if (fromHash) selectRun(fromHash);
}

// ---------------------------------------------------------------- runs list

async function refreshRuns() {
  if (!state.key) return;
  let runs;
  try {
    runs = listOf(await api('/v1/runs'), 'runs');
  } catch (error) {
    $('runs-empty').textContent = 'Could not load runs: ' + error.message;
    $('runs-empty').classList.remove('hidden');
    return;
  }
  $('runs-empty').textContent = 'No runs yet.';
  $('runs-empty').classList.toggle('hidden', runs.length > 0);
  renderSection('runs', $('runs-body'), { runs, selected: state.runId }, () => runs.map((run) => el('tr', {
    class: 'run-row' + (run.id === state.runId ? ' selected' : ''),
    testid: 'run-row-' + run.id,
    'data-status': run.status,
    onclick: () => selectRun(run.id),
  },
  el('td', { class: 'mono', title: run.id }, run.id),
  el('td', null, run.kind),
  el('td', null, badge(run.status, run.status)),
  el('td', { class: 'mono', title: run.model }, run.model),
  el('td', { title: fmtTime(run.createdAt) }, new Date(run.createdAt).toLocaleTimeString()))));
}

// ---------------------------------------------------------------- queues (zerr serve --redis)

/** GET /v1/queues: the sample and run queues' counts and the schedules; the section stays hidden without them. */
async function refreshQueues() {
  if (!state.key) return;
  let queues;
  try {
    queues = await api('/v1/queues');
  } catch {
    return;
  }
  const names = ['samples', 'runs'].filter((name) => queues && queues[name]);
  $('queues-wrap').classList.toggle('hidden', names.length === 0);
  renderSection('queues', $('queues-body'), queues, () => names.map((name) => {
    const counts = queues[name];
    return el('tr', { testid: 'queue-row-' + name },
      el('td', null, name),
      el('td', { testid: 'queue-' + name + '-waiting' }, String((counts.waiting || 0) + (counts.prioritized || 0) + (counts.delayed || 0))),
      el('td', { testid: 'queue-' + name + '-active' }, String(counts.active || 0)),
      el('td', null, String(counts.completed || 0)),
      el('td', null, String(counts.failed || 0)));
  }));
  const schedules = Array.isArray(queues && queues.schedules) ? queues.schedules : [];
  $('queues-schedules').textContent = schedules.length === 0 ? '' :
    'Schedules: ' + schedules.map((entry) => entry.id + ' (' + entry.cron + (entry.next ? ', next ' + new Date(entry.next).toLocaleTimeString() : '') + ')').join(', ');
}

// ---------------------------------------------------------------- run view

function selectRun(runId) {
  stopStream();
  state.runId = runId;
  state.view = null;
  state.lastEventId = 0;
  state.tallies = new Map();
  state.sigs = new Map();
  state.taskK = new Map();
  state.openDetails = new Set();
  state.details = new Map();
  state.detailsInFlight = new Set();
  history.replaceState(null, '', '#run=' + encodeURIComponent(runId));
  $('run-placeholder').classList.add('hidden');
  $('run-body').classList.remove('hidden');
  $('run-id').textContent = runId;
  $('event-log').replaceChildren();
  void refreshRuns();
  void fetchView();
  const controller = new AbortController();
  state.controller = controller;
  void streamLoop(runId, controller);
}

/** Re-fetches the run view at most once per viewInterval() (the last request is never dropped). */
function requestView() {
  if (state.viewTimer !== null) return;
  const wait = Math.max(0, state.lastViewAt + viewInterval() - Date.now());
  state.viewTimer = setTimeout(() => {
    state.viewTimer = null;
    void fetchView();
  }, wait);
}

async function fetchView() {
  if (state.viewInFlight) {
    state.viewAgain = true;
    return state.viewInFlight;
  }
  const runId = state.runId;
  if (!runId || !state.key) return null;
  state.lastViewAt = Date.now();
  state.viewInFlight = (async () => {
    try {
      const [view, models] = await Promise.all([api(runPath(runId)), api('/v1/models').catch(() => null)]);
      if (state.runId !== runId) return null;
      state.view = view;
      state.models = models;
      renderView();
      return view;
    } catch (error) {
      if (state.runId === runId) $('run-reason').textContent = 'Could not load the run: ' + error.message;
      return null;
    } finally {
      state.viewInFlight = null;
      if (state.viewAgain) {
        state.viewAgain = false;
        requestView();
      }
    }
  })();
  return state.viewInFlight;
}

/* @render */

// ---------------------------------------------------------------- live events (fetch + ReadableStream SSE)

function setStreamState(text) {
  $('stream-state').textContent = text;
  $('stream-state').className = 's-' + text.replace(/[^a-z-]/gi, '');
}

function stopStream() {
  if (state.controller) state.controller.abort();
  state.controller = null;
  if (state.kick) state.kick();
}

/** Reconnects the stream now (e.g. after answering an escalation resumed a paused build). */
function kickStream() {
  if (state.kick) state.kick();
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      state.kick = null;
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
    state.kick = done;
  });
}

async function streamLoop(runId, controller) {
  const { signal } = controller;
  let backoff = 500;
  while (!signal.aborted && state.runId === runId) {
    let received = 0;
    try {
      setStreamState('connecting');
      const headers = { Authorization: 'Bearer ' + state.key, Accept: 'text/event-stream' };
      if (state.lastEventId > 0) headers['Last-Event-ID'] = String(state.lastEventId);
      const response = await fetch(runPath(runId) + '/events', { headers, signal, cache: 'no-store' });
      noteRateLimit(response);
      if (response.status === 401) {
        keyRejected();
        return;
      }
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      setStreamState('open');
      await readEventStream(response.body, (message) => {
        received += 1;
        onStreamMessage(runId, message);
      });
      if (!signal.aborted) setStreamState('closed');
    } catch {
      if (signal.aborted) return;
      setStreamState('error');
    }
    const view = await fetchView();
    if (signal.aborted || state.runId !== runId) return;
    if (view && !view.live && TERMINAL.has(view.status)) {
      setStreamState('ended');
      return;
    }
    backoff = received > 0 ? 500 : Math.min(backoff * 2, MAX_RECONNECT_MS);
    await pause(Math.max(backoff, state.blockedUntil - Date.now()), signal);
  }
}

/** Reads a text/event-stream body (WHATWG HTML server-sent events) from a byte stream. */
async function readEventStream(body, onMessage) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let data = [];
  let type = '';
  let id = null;
  const line = (text) => {
    if (text === '') {
      if (data.length > 0) onMessage({ id, type: type || 'message', data: data.join('\n') });
      data = [];
      type = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        if (!match) break;
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function onStreamMessage(runId, message) {
  if (state.runId !== runId) return;
  const n = Number(message.id);
  if (Number.isInteger(n) && n > 0) state.lastEventId = n;
  let event;
  try {
    event = JSON.parse(message.data);
  } catch {
    return;
  }
  if (!event || typeof event !== 'object') return;
  logEvent(event);
  if (event.type === 'task-start' && typeof event.k === 'number') state.taskK.set(event.taskId, event.k);
  if (event.type === 'vote-cast' && Array.isArray(event.tallies)) {
    state.tallies.set(event.taskId, event.tallies);
    if (state.view) {
      renderDag(state.view);
      renderDecompositions(state.view);
    }
  }
  if (event.type === 'run-end' || event.type === 'run-start') void refreshRuns();
  requestView();
}

function describeEvent(event) {
  const task = event.taskId ? event.taskId + ' ' : '';
  switch (event.type) {
    case 'run-start': return 'model ' + event.model + ', ' + (event.taskIds || []).length + ' tasks';
    case 'task-start': return task + 'k=' + event.k + ' maxSamples=' + event.maxSamples;
    case 'sample-end': return task + '#' + event.sampleIndex + ' ' + event.outputTokens + ' tokens, ' + event.latencyMs + ' ms' + (event.resumed ? ' (resumed)' : '');
    case 'sample-failed': return task + '#' + event.sampleIndex + ' ' + event.code + ': ' + event.message;
    case 'sample-red-flagged': return task + '#' + event.sampleIndex + ' ' + (event.hits || []).map((hit) => hit.rule).join(', ');
    case 'verify-layer-end': return task + '#' + event.sampleIndex + ' ' + (event.result ? event.result.layer + ' ' + event.result.status : '');
    case 'candidate-verified': return task + '#' + event.sampleIndex + ' ' + (event.passed ? 'passed' : 'failed ' + (event.failedLayer || ''));
    case 'vote-cast': return task + '#' + event.sampleIndex + ' -> ' + shortKey(event.classKey) + ' (' + (event.tallies || []).map((t) => t.votes).join('/') + ')';
    case 'vote-decided': return task + event.outcome + ' ' + event.votes + ' vs ' + event.runnerUpVotes;
    case 'task-escalated': return task + event.reason;
    case 'task-end': return task + event.outcome + ' after ' + event.samples + ' samples';
    case 'nodes-created': return (event.replaces || 'requirements') + ' -> ' + (event.nodes || []).map((node) => node.id).join(', ');
    case 'task-settled': return task + 'by ' + event.source;
    case 'commit-created': return event.label + ' ' + String(event.sha).slice(0, 8) + ' ' + event.message;
    case 'integration-end': return (event.passed ? 'passed' : 'failed') + ', ' + event.testsPassed + ' tests pass, ' + event.testsFailed + ' fail, ' + event.typeErrors + ' type errors';
    case 'run-end': return event.status + (event.reason ? ': ' + event.reason : '') + (event.error ? ': ' + event.error : '');
    default: return task;
  }
}

function logEvent(event) {
  const log = $('event-log');
  const time = new Date(event.at || Date.now()).toLocaleTimeString();
  log.prepend(el('li', { 'data-type': event.type }, time + ' ' + event.type + ' ' + describeEvent(event)));
  while (log.childElementCount > EVENT_LOG_LIMIT) log.lastElementChild.remove();
}

// ---------------------------------------------------------------- wiring

function start() {
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key-input').value.trim();
    if (!key) return;
    localStorage.setItem(KEY_STORAGE, key);
    $('key-input').value = '';
    useKey(key);
  });
  $('key-forget').addEventListener('click', () => {
    localStorage.removeItem(KEY_STORAGE);
    state.key = null;
    stopStream();
    showKeyForm('');
  });
  $('run-cancel').addEventListener('click', () => {
    if (!state.runId) return;
    api(runPath(state.runId) + '/cancel', { method: 'POST', body: '{}' }).then(requestView, (error) => {
      $('run-reason').textContent = 'Could not cancel: ' + error.message;
    });
  });
  $('new-build').addEventListener('submit', (event) => {
    event.preventDefault();
    const requirements = $('new-build-requirements').value;
    const result = $('new-build-result');
    result.textContent = 'starting\u2026';
    api('/v1/runs', { method: 'POST', body: JSON.stringify({ kind: 'build', requirements }) }).then((body) => {
      result.textContent = 'started ' + body.runId;
      $('new-build-requirements').value = '';
      selectRun(body.runId);
    }, (error) => {
      result.textContent = error.message;
    });
  });
  setInterval(() => {
    if (!document.hidden) {
      void refreshRuns();
      void refreshQueues();
    }
  }, RUNS_INTERVAL_MS);
  const key = localStorage.getItem(KEY_STORAGE);
  if (key) useKey(key);
  else showKeyForm('');
}

start();
`;
