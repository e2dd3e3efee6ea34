/**
 * @module server/dashboard/dashboard-render
 * The dashboard's rendering functions (spliced into dashboard-script.ts): run header, totals, escalations with
 * their answer forms (the reason, each checked answer's outcome and the dependencies' code), the task DAG in
 * topological levels (samples, red flags by rule, failing verification layers, vote bars per equivalence class
 * against the lead first-to-ahead-by-k needs, decision, and a panel that opens the task's detail: see
 * dashboard-task-detail.ts) and decompositions. The DAG's edges are drawn by dashboard-dag-edges.ts. Stable
 * `data-testid`s for the end-to-end test.
 */

/** Browser code; see dashboard-script.ts. No backticks, no template substitutions. */
export const DASHBOARD_RENDER_JS = String.raw`
function renderView() {
  const view = state.view;
  if (!view) return;
  $('run-kind').textContent = view.kind;
  const status = $('run-status');
  status.textContent = view.status;
  status.className = 'badge s-' + String(view.status).replace(/[^a-z-]/gi, '');
  status.setAttribute('data-status', view.status);
  status.setAttribute('data-live', String(Boolean(view.live)));
  status.title = view.live ? 'this server is working on the run' : 'not running in this server';
  $('run-model').textContent = view.model;
  $('run-cancel').classList.toggle('hidden', !view.live);
  const reason = (view.report && view.report.reason) || (view.summary && (view.summary.error || view.summary.reason)) || '';
  const queued = view.status === 'queued' && view.queuePosition ? 'Waiting for a free run slot: number ' + view.queuePosition + ' in the queue.' : '';
  $('run-reason').textContent = queued || (reason ? String(reason) : '');
  renderTotals(view);
  renderEscalations(view);
  renderModels(view);
  renderDag(view);
  renderDecompositions(view);
  refreshOpenDetails(view);
}

// ---------------------------------------------------------------- models

/**
 * Per model: what it answered in this run (samples, cost; from the run's samples) and, for the server's route, its
 * calls, failures, hand-overs and circuit breaker (from GET /v1/models). Shown when a run has more than one model or
 * the server has a route.
 */
function renderModels(view) {
  const route = state.models && state.models.route ? state.models.models : [];
  const here = view.models || [];
  const names = [...new Set([...route.map((m) => m.name), ...here.map((m) => m.model)])];
  $('models-wrap').classList.toggle('hidden', names.length < 2 && route.length === 0);
  const rows = names.map((name) => {
    const live = route.find((m) => m.name === name);
    const run = here.find((m) => m.model === name);
    const failed = live ? Object.entries(live.failed).map(([code, n]) => code + ' ' + n).join(', ') : '';
    return {
      name,
      role: live ? (live.role === 'mix' ? 'mix, weight ' + live.weight : 'fallback') : '',
      samples: run ? run.samples : 0,
      cost: run ? run.costUsd : 0,
      calls: live ? live.calls : null,
      failed,
      handedOver: live ? live.handedOver : null,
      breaker: live && live.circuitBreaker ? live.circuitBreaker : '',
    };
  });
  renderSection('models', $('models-body'), rows, () => rows.map((row) => el('tr', { testid: 'model-row-' + row.name, 'data-breaker': row.breaker },
    el('td', { class: 'mono' }, row.name),
    el('td', null, row.role),
    el('td', { testid: 'model-samples-' + row.name }, fmtInt(row.samples)),
    el('td', null, fmtCost(row.cost)),
    el('td', null, row.calls === null ? '' : fmtInt(row.calls)),
    el('td', { testid: 'model-failed-' + row.name }, row.failed),
    el('td', null, row.handedOver === null ? '' : fmtInt(row.handedOver)),
    el('td', { testid: 'model-breaker-' + row.name, class: row.breaker === 'OPEN' ? 'error' : '' }, row.breaker),
  )));
}

function renderTotals(view) {
  const totals = view.totals || {};
  const nodes = view.dag ? view.dag.nodes : null;
  const settled = nodes ? nodes.filter((node) => node.state === 'settled').length : view.tasks.filter((task) => task.decision).length;
  const taskCount = nodes ? nodes.length : view.tasks.length;
  const wallMs = totals.wallMs || (view.finishedAt ? view.finishedAt - view.createdAt : 0);
  const cells = [
    ['tasks settled', settled + ' / ' + taskCount, 'total-settled'],
    ['samples', fmtInt(totals.samples), 'total-samples'],
    ['input tokens', fmtInt(totals.inputTokens), 'total-input-tokens'],
    ['output tokens', fmtInt(totals.outputTokens), 'total-output-tokens'],
    ['cost', fmtCost(totals.costUsd), 'total-cost'],
    ['time', fmtMs(wallMs), 'total-time'],
    ['created', new Date(view.createdAt).toLocaleTimeString(), 'total-created'],
  ];
  renderSection('totals', $('totals'), cells, () => cells.map(([label, value, testid]) => el('div', null, el('b', { testid }, value), el('span', null, label))));
}

// ---------------------------------------------------------------- escalations

function renderEscalations(view) {
  const escalations = view.escalations || [];
  $('escalations-wrap').classList.toggle('hidden', escalations.length === 0);
  const signature = escalations.map((e) => [e.escalationId, e.status, e.answeredBy, state.answerMessages.get(e.escalationId), e.resolutions, e.dependencies]);
  renderSection('escalations', $('escalations'), signature, () => escalations.map(escalationCard));
}

function escalationCard(escalation) {
  const id = escalation.escalationId;
  const open = escalation.status === 'open';
  const message = state.answerMessages.get(id);
  const children = [
    el('div', { class: 'task-title' },
      el('span', { class: 'name mono' }, id),
      badge(escalation.status, escalation.status, 'escalation-status-' + id)),
    el('div', { class: 'kv' },
      el('span', { class: 'chip' }, 'task: ' + escalation.taskId),
      el('span', { class: 'chip' }, 'asks for: ' + escalation.kind)),
    el('p', { class: 'escalation-reason', testid: 'escalation-reason-' + id }, el('b', null, 'Why: '), escalation.reason),
    el('p', null, escalation.question),
  ];
  (escalation.resolutions || []).forEach((resolution, index) => {
    children.push(el('p', {
      class: resolution.accepted ? 'resolution muted' : 'resolution error', testid: 'escalation-resolution-' + id + '-' + index, 'data-accepted': String(resolution.accepted),
    }, resolution.accepted ? 'Answer checked and accepted.' : ['Answer rejected: ', el('span', { class: 'mono' }, resolution.reason)]));
  });
  const dependencies = escalation.dependencies || [];
  if (dependencies.length > 0) {
    children.push(el('details', { class: 'dependencies', testid: 'escalation-deps-' + id, open: open ? 'open' : null },
      el('summary', null, 'Code of its dependencies (' + dependencies.length + '), which the answer can call'),
      dependencies.map((dependency) => el('div', { class: 'dependency', 'data-dependency': dependency.id },
        el('div', { class: 'mono' }, dependency.id),
        dependency.code ? el('pre', { testid: 'escalation-dep-code-' + id + '-' + dependency.id }, dependency.code) : el('p', { class: 'muted' }, 'not settled yet')))));
  }
  const context = escalation.context;
  if (context && typeof context === 'object' && typeof context.bestCode === 'string' && context.bestCode) {
    children.push(el('details', null, el('summary', null, 'Best candidate so far (failed)'), el('pre', null, context.bestCode)));
  }
  if (context !== null && context !== undefined) {
    children.push(el('details', null, el('summary', null, 'Context'), el('pre', null, JSON.stringify(context, null, 2))));
  }
  if (!open) {
    children.push(el('div', { class: 'muted' }, 'Answered' + (escalation.answeredBy ? ' by ' + escalation.answeredBy : '') + (escalation.answeredAt ? ' at ' + fmtTime(escalation.answeredAt) : '')));
    if (escalation.answer !== null && escalation.answer !== undefined) {
      const answer = escalation.answer;
      const text = answer && typeof answer.code === 'string' ? answer.code : JSON.stringify(answer, null, 2);
      children.push(el('details', null, el('summary', null, 'Answer'), el('pre', null, text)));
    }
  } else {
    const isCode = escalation.kind !== 'decomposition';
    const textarea = el('textarea', {
      testid: 'answer-code-' + id,
      name: isCode ? 'code' : 'proposal',
      required: 'required',
      spellcheck: 'false',
      'aria-label': isCode ? 'Code for ' + escalation.taskId : 'Decomposition proposal (JSON) for ' + escalation.taskId,
      placeholder: isCode ? 'Write the function (TypeScript); it is verified like any sample.' : 'Decomposition proposal as JSON',
      oninput: (event) => state.drafts.set(id, event.target.value),
    });
    textarea.value = state.drafts.get(id) || '';
    const submit = el('button', { class: 'primary', type: 'submit', testid: 'answer-submit-' + id }, 'Send answer');
    children.push(el('form', {
      testid: 'answer-form-' + id,
      onsubmit: (event) => {
        event.preventDefault();
        void answerEscalation(escalation, textarea.value, submit);
      },
    }, textarea, el('div', { class: 'form-actions' }, submit)));
  }
  if (message) children.push(el('div', { class: message.error ? 'error' : 'muted', testid: 'answer-result-' + id, role: 'status' }, message.text));
  return el('div', { class: 'escalation', testid: 'escalation-' + id, 'data-status': escalation.status, 'data-task': escalation.taskId }, children);
}

async function answerEscalation(escalation, text, submit) {
  const id = escalation.escalationId;
  const runId = state.runId;
  let body;
  if (escalation.kind === 'decomposition') {
    try {
      body = { proposal: JSON.parse(text) };
    } catch (error) {
      showAnswerMessage(id, { error: true, text: 'The proposal is not valid JSON: ' + error.message });
      return;
    }
  } else {
    body = { code: text };
  }
  submit.disabled = true;
  try {
    await api(runPath(runId) + '/escalations/' + encodeURIComponent(id) + '/answer', { method: 'POST', body: JSON.stringify(body) });
    state.drafts.delete(id);
    showAnswerMessage(id, { error: false, text: 'Answer sent; the build picks it up.' });
    kickStream();
  } catch (error) {
    submit.disabled = false;
    showAnswerMessage(id, { error: true, text: 'Could not send the answer: ' + error.message });
  }
  requestView();
}

function showAnswerMessage(id, message) {
  state.answerMessages.set(id, message);
  const existing = document.querySelector('[data-testid="answer-result-' + CSS.escape(id) + '"]');
  if (existing) {
    existing.textContent = message.text;
    existing.className = message.error ? 'error' : 'muted';
  }
  if (state.view) renderEscalations(state.view);
}

// ---------------------------------------------------------------- DAG and tasks

/** Topological levels: a node sits one level above its deepest dependency. */
function levelsOf(nodes) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const level = new Map();
  const visiting = new Set();
  const depth = (id) => {
    if (level.has(id)) return level.get(id);
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let result = 0;
    for (const dependency of byId.get(id).dependencies) {
      if (byId.has(dependency)) result = Math.max(result, depth(dependency) + 1);
    }
    visiting.delete(id);
    level.set(id, result);
    return result;
  };
  const levels = [];
  for (const node of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) {
    const index = depth(node.id);
    while (levels.length <= index) levels.push([]);
    levels[index].push(node);
  }
  return levels;
}

const retryOf = (taskId) => {
  const match = /\/retry-(\d+)$/.exec(taskId);
  return match ? Number(match[1]) : 0;
};

function attemptsOf(view, nodeId) {
  return view.tasks.filter((task) => task.taskId === nodeId || task.taskId.startsWith(nodeId + '/retry-'))
    .sort((a, b) => retryOf(a.taskId) - retryOf(b.taskId));
}

function talliesOf(task) {
  const fromView = Object.entries(task.votesPerClass || {}).map(([classKey, votes]) => ({ classKey, votes }));
  const live = state.tallies.get(task.taskId);
  const sum = (list) => list.reduce((total, entry) => total + entry.votes, 0);
  const chosen = live && sum(live) > sum(fromView) ? live : fromView;
  return [...chosen].sort((a, b) => b.votes - a.votes || String(a.classKey).localeCompare(String(b.classKey)));
}

function renderDag(view) {
  const nodes = view.dag ? view.dag.nodes : view.tasks.filter((task) => !task.taskId.startsWith('decompose'))
    .map((task) => ({ id: task.taskId, dependencies: [], state: task.decision ? (task.decision.outcome === 'consensus' ? 'settled' : 'escalated') : 'pending' }));
  const sources = new Map(((view.report && view.report.tasks) || []).map((task) => [task.id, task.source]));
  const liveTallies = [...state.tallies.entries()].filter(([taskId]) => !taskId.startsWith('decompose'));
  $('dag-title').textContent = view.dag ? 'Task DAG (' + nodes.length + ' tasks)' : 'Tasks';
  const liveK = [...state.taskK.entries()];
  renderSection('dag', $('dag'), { nodes, tasks: view.tasks, sources: [...sources], liveTallies, liveK }, () => {
    if (nodes.length === 0) return [el('p', { class: 'muted', testid: 'dag-empty' }, view.dag ? 'No tasks yet: the requirements are being decomposed.' : 'No tasks yet.')];
    return levelsOf(nodes).map((level, index) => el('div', { class: 'level', testid: 'level-' + index },
      el('div', { class: 'level-title' }, 'Level ' + index),
      level.map((node) => taskCard(view, node, sources.get(node.id) || null))));
  });
  drawDagEdges($('dag'), nodes);
}

function taskCard(view, node, source) {
  const attempts = attemptsOf(view, node.id);
  const decided = attempts.filter((attempt) => attempt.decision);
  const latest = decided.length > 0 ? decided[decided.length - 1] : null;
  const inFlight = attempts.some((attempt) => !attempt.decision);
  const decision = latest
    ? el('div', { class: 'decision', testid: 'decision-' + node.id, 'data-outcome': latest.decision.outcome, 'data-source': source || '' },
      'decision: ', badge(latest.decision.outcome, latest.decision.outcome),
      ' ' + latest.decision.votes + ' votes vs ' + latest.decision.runnerUpVotes + ', ' + latest.decision.samples + ' samples',
      source ? [' \u00b7 code from ', badge(source, source)] : null)
    : el('div', { class: 'decision muted', testid: 'decision-' + node.id, 'data-outcome': 'pending', 'data-source': source || '' },
      inFlight ? 'sampling\u2026' : 'no decision yet', source ? [' \u00b7 code from ', badge(source, source)] : null);
  return el('div', { class: 'task', testid: 'task-' + node.id, 'data-state': node.state },
    el('div', { class: 'task-title' }, el('span', { class: 'name' }, node.id), badge(node.state, node.state, 'task-state-' + node.id)),
    node.dependencies.length ? el('div', { class: 'deps' }, 'depends on: ' + node.dependencies.join(', ')) : null,
    attempts.map((attempt) => attemptDetails(attempt, attempts.length > 1)),
    decision);
}

/**
 * first-to-ahead-by-k (MAKER, arXiv 2511.09030, Algorithm 2): the leading class wins once it leads the runner-up by
 * k votes. Returns k, the lead, the leader's target (runner-up + k votes) and the votes it still needs.
 */
function voteRace(task, tallies) {
  const k = typeof task.k === 'number' ? task.k : state.taskK.get(task.taskId);
  const top = tallies[0] ? tallies[0].votes : 0;
  const second = tallies[1] ? tallies[1].votes : 0;
  if (typeof k !== 'number') return { k: null, lead: top - second, target: null, needed: null, top, second };
  return { k, lead: top - second, target: second + k, needed: Math.max(0, k - (top - second)), top, second };
}

function raceText(task, race) {
  if (race.k === null) return 'lead ' + race.lead;
  const decided = task.decision ? task.decision.outcome : null;
  if (decided === 'consensus') return 'k = ' + race.k + ': won, leading by ' + race.lead + ' (needed ' + race.k + ')';
  if (decided) return 'k = ' + race.k + ': ' + decided + ', the best lead was ' + race.lead + ' of the ' + race.k + ' needed';
  if (race.top === 0) return 'k = ' + race.k + ': the first class to lead by ' + race.k + ' votes wins';
  return 'k = ' + race.k + ': lead ' + race.lead + ' of ' + race.k + ', the leader needs ' + race.needed + ' more vote' + (race.needed === 1 ? '' : 's') + ' (' + race.target + ')';
}

const percent = (fraction) => (Math.max(0, Math.min(1, fraction)) * 100).toFixed(1) + '%';

function attemptDetails(task, labelled) {
  const flags = Object.entries(task.redFlagsByRule || {});
  const layers = Object.entries(task.failedLayers || {});
  const tallies = talliesOf(task);
  const race = voteRace(task, tallies);
  const scale = Math.max(race.top, race.target || 0, 1);
  const winner = task.decision && task.decision.outcome === 'consensus' ? tallies[0] : null;
  return el('div', { class: 'attempt', testid: 'attempt-' + task.taskId },
    labelled ? el('div', { class: 'attempt-id mono' }, task.taskId + (task.decision ? ' \u2014 ' + task.decision.outcome : '')) : null,
    el('div', { class: 'kv' },
      el('span', { class: 'chip', testid: 'samples-' + task.taskId }, task.samples + ' samples'),
      flags.map(([rule, count]) => el('span', { class: 'chip flag', title: 'red-flagged by ' + rule, 'data-rule': rule }, '\u2691 ' + rule + ' \u00d7' + count)),
      layers.map(([layer, count]) => el('span', { class: 'chip layer', title: 'failed verification layer ' + layer, 'data-layer': layer }, '\u2717 ' + layer + ' \u00d7' + count))),
    el('div', {
      class: 'race', testid: 'race-' + task.taskId, 'data-k': race.k === null ? '' : race.k, 'data-lead': race.lead,
      'data-needed': race.needed === null ? '' : race.needed,
    }, raceText(task, race)),
    tallies.length ? el('div', { class: 'bars', testid: 'votes-' + task.taskId }, tallies.map((entry, index) => el('div', {
      class: 'bar' + (winner && entry === winner ? ' winner' : ''),
      title: 'equivalence class ' + entry.classKey + ': ' + entry.votes + ' votes',
      'data-class': entry.classKey,
      'data-votes': entry.votes,
    },
    el('span', { class: 'label mono' }, shortKey(entry.classKey)),
    el('span', { class: 'track' },
      el('span', { class: 'fill', style: { width: percent(entry.votes / scale) } }),
      index === 0 && race.target !== null ? el('span', {
        class: 'target', style: { left: percent(race.target / scale) }, testid: 'target-' + task.taskId,
        title: 'a lead of k = ' + race.k + ': the leader wins at ' + race.target + ' votes (runner-up ' + race.second + ' + ' + race.k + ')',
      }) : null),
    el('span', null, String(entry.votes))))) : null,
    task.decision && task.decision.reason && task.decision.outcome !== 'consensus' ? el('div', { class: 'muted decision' }, task.decision.reason) : null,
    detailPanel(task));
}

function renderDecompositions(view) {
  const decompositions = view.tasks.filter((task) => task.taskId === 'decompose' || task.taskId.startsWith('decompose:'));
  $('decompositions-wrap').classList.toggle('hidden', decompositions.length === 0);
  const liveTallies = [...state.tallies.entries()].filter(([taskId]) => taskId.startsWith('decompose'));
  renderSection('decompositions', $('decompositions'), { decompositions, liveTallies }, () => decompositions.map((task) => el('div', { class: 'level' },
    el('div', { class: 'task', testid: 'decomposition-' + task.taskId, 'data-state': !task.decision ? 'decomposing' : task.decision.outcome === 'consensus' ? 'settled' : 'escalated' },
      el('div', { class: 'task-title' }, el('span', { class: 'name mono' }, task.taskId), task.decision ? badge(task.decision.outcome, task.decision.outcome) : badge('decomposing', 'decomposing')),
      attemptDetails(task, false)))));
}

`;
