/**
 * @module server/dashboard/dashboard-task-detail
 * The dashboard's task detail panel (spliced into dashboard-script.ts after the renderers): a `<details>` under each
 * task attempt that, when opened, fetches `GET /v1/runs/:id/tasks/:taskId` and shows the chosen code, the code of
 * the task's dependencies (builds), and every sample with its outcome, its red-flag rules and reasons, its
 * verification layers (the failing one with its reason) and its code. Open panels stay open across re-renders and
 * are refetched when the task gets new samples or a decision.
 */

/** Browser code; see dashboard-script.ts. No backticks, no template substitutions. */
export const DASHBOARD_DETAIL_JS = String.raw`
// ---------------------------------------------------------------- task detail panel

function detailPanel(task) {
  const taskId = task.taskId;
  const panel = el('details', {
    class: 'task-detail', testid: 'detail-' + taskId, 'data-task': taskId, open: state.openDetails.has(taskId) ? 'open' : null,
  }, el('summary', { testid: 'detail-open-' + taskId }, 'Code, samples and reasons'), el('div', { class: 'detail-body', testid: 'detail-body-' + taskId }, detailContent(taskId)));
  panel.addEventListener('toggle', () => {
    if (panel.open) {
      state.openDetails.add(taskId);
      if (isStale(task)) void fetchDetail(taskId);
    } else {
      state.openDetails.delete(taskId);
    }
  });
  return panel;
}

/** Whether the fetched detail misses samples or the decision the view already knows of. */
function isStale(task) {
  const detail = state.details.get(task.taskId);
  if (!detail || detail.error) return true;
  const decided = task.decision ? task.decision.outcome : null;
  return detail.samples.length !== task.samples || (detail.decision ? detail.decision.outcome : null) !== decided;
}

function refreshOpenDetails(view) {
  for (const task of view.tasks) {
    if (state.openDetails.has(task.taskId) && isStale(task)) void fetchDetail(task.taskId);
  }
}

async function fetchDetail(taskId) {
  const runId = state.runId;
  if (!runId || state.detailsInFlight.has(taskId)) return;
  state.detailsInFlight.add(taskId);
  try {
    const detail = await api(runPath(runId) + '/tasks/' + encodeURIComponent(taskId));
    if (state.runId !== runId) return;
    state.details.set(taskId, detail);
  } catch (error) {
    if (state.runId !== runId) return;
    state.details.set(taskId, { error: 'Could not load the task: ' + error.message });
  } finally {
    state.detailsInFlight.delete(taskId);
  }
  const body = document.querySelector('[data-testid="detail-body-' + CSS.escape(taskId) + '"]');
  if (body) body.replaceChildren(...detailContent(taskId));
  drawDagEdges($('dag'), state.dagNodes || []);
}

function detailContent(taskId) {
  const detail = state.details.get(taskId);
  if (!detail) return [el('p', { class: 'muted' }, 'Loading\u2026')];
  if (detail.error) return [el('p', { class: 'error' }, detail.error)];
  const parts = [];
  const settled = detail.node && detail.node.settled;
  const chosen = settled ? settled.code : (detail.decision && detail.decision.code);
  const how = settled ? 'settled by ' + settled.source : detail.decision ? detail.decision.outcome + ', class ' + shortKey(detail.decision.classKey) : '';
  parts.push(el('div', { class: 'detail-title' }, chosen ? 'Chosen code (' + how + ')' : 'No code chosen yet'));
  if (chosen) parts.push(el('pre', { testid: 'chosen-code-' + taskId }, chosen));
  const dependencies = detail.node ? detail.node.dependencies : [];
  if (dependencies.length > 0) {
    parts.push(el('details', { testid: 'detail-deps-' + taskId }, el('summary', null, 'Code of its dependencies (' + dependencies.length + ')'),
      dependencies.map((dependency) => el('div', { class: 'dependency' }, el('div', { class: 'mono' }, dependency.id),
        dependency.code ? el('pre', null, dependency.code) : el('p', { class: 'muted' }, 'not settled yet')))));
  }
  parts.push(el('div', { class: 'detail-title' }, detail.samples.length + ' samples' + (detail.k ? ' (k = ' + detail.k + ')' : '')));
  parts.push(el('ol', { class: 'samples', testid: 'sample-list-' + taskId }, detail.samples.map((sample) => sampleItem(taskId, sample))));
  return parts;
}

function sampleItem(taskId, sample) {
  const meta = [
    sample.temperature === null ? null : 't=' + sample.temperature,
    sample.promptVariant,
    sample.outputTokens + ' tok',
    Math.round(sample.latencyMs) + ' ms',
    sample.classKey ? 'class ' + shortKey(sample.classKey) : null,
  ].filter(Boolean).join(' \u00b7 ');
  return el('li', { class: 'sample', testid: 'sample-' + taskId + '-' + sample.sampleIndex, 'data-outcome': sample.outcome },
    el('div', { class: 'sample-head' }, el('span', { class: 'mono' }, '#' + sample.sampleIndex), badge(sample.outcome, sample.outcome), el('span', { class: 'muted' }, meta)),
    sample.redFlags.map((hit) => el('div', { class: 'reason flag', 'data-sample-rule': hit.rule }, '\u2691 red flag ' + hit.rule + ': ' + hit.reason)),
    sample.layers.filter((layer) => layer.status === 'fail').map((layer) => el('div', { class: 'reason layer', 'data-sample-layer': layer.layer }, '\u2717 failed ' + layer.layer + ': ' + layer.reason)),
    sample.layers.length ? el('div', { class: 'muted layers-line' }, sample.layers.map((layer) => layer.layer + ' ' + layer.status).join(' \u00b7 ')) : null,
    sample.code ? el('details', null, el('summary', null, 'code'), el('pre', null, sample.code)) : el('div', { class: 'muted' }, 'no code could be extracted'));
}
`;
