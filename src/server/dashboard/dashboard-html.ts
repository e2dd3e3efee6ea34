/**
 * @module server/dashboard/dashboard-html
 * The dashboard's HTML shell (`GET /`): static markup only; every piece of run data is inserted by the script with
 * `textContent`, so nothing from a run ever becomes markup.
 */

/**
 * The page for a dashboard mounted at `basePath` (`''` for `/`). `basePath` must already be validated
 * (slash-separated URL-safe segments), since it is written into attributes.
 */
export function dashboardHtml(basePath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zerr dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${basePath}/dashboard.css">
<script type="module" src="${basePath}/dashboard.js"></script>
</head>
<body>
<header>
  <h1>zerr <small>live runs</small></h1>
  <span class="spacer"></span>
  <form id="key-form" data-testid="key-form" autocomplete="off">
    <label for="key-input">API key</label>
    <input id="key-input" data-testid="key-input" type="password" placeholder="Bearer key" required>
    <button class="primary" type="submit" data-testid="key-save">Save key</button>
    <span id="key-error" class="error" data-testid="key-error" role="alert"></span>
  </form>
  <div id="key-set" class="hidden" data-testid="key-set">
    <span class="muted">API key stored in this browser</span>
    <button type="button" id="key-forget" data-testid="key-forget">Change key</button>
  </div>
</header>
<main>
  <aside>
    <h2>Runs</h2>
    <table data-testid="runs-list">
      <thead><tr><th>Run</th><th>Kind</th><th>Status</th><th>Model</th><th>Created</th></tr></thead>
      <tbody id="runs-body"></tbody>
    </table>
    <p id="runs-empty" class="muted" data-testid="runs-empty">No runs yet.</p>
    <div id="queues-wrap" class="hidden" data-testid="queues">
      <h2>Queues</h2>
      <table>
        <thead><tr><th>Queue</th><th>Waiting</th><th>Active</th><th>Done</th><th>Failed</th></tr></thead>
        <tbody id="queues-body"></tbody>
      </table>
      <p id="queues-schedules" class="muted" data-testid="queues-schedules"></p>
    </div>
    <details class="new-build">
      <summary>Start a build</summary>
      <form id="new-build" data-testid="new-build-form">
        <textarea id="new-build-requirements" data-testid="new-build-requirements" placeholder="Requirements in plain language" required></textarea>
        <div class="form-actions"><button class="primary" type="submit">Start build</button> <span id="new-build-result" class="muted" role="status"></span></div>
      </form>
    </details>
  </aside>
  <section id="run-view" data-testid="run-view">
    <p id="run-placeholder" class="muted">Select a run.</p>
    <div id="run-body" class="hidden">
      <div class="run-head">
        <span class="id mono" data-testid="run-id" id="run-id"></span>
        <span id="run-kind" class="muted"></span>
        <span id="run-status" class="badge" data-testid="run-status"></span>
        <span id="run-model" class="mono muted" data-testid="run-model"></span>
        <span class="spacer"></span>
        <span class="muted">stream: <span id="stream-state" data-testid="stream-state">idle</span></span>
        <button type="button" id="run-cancel" data-testid="run-cancel" class="hidden">Cancel run</button>
      </div>
      <p id="run-reason" class="muted" data-testid="run-reason"></p>
      <div class="totals" data-testid="totals" id="totals"></div>
      <div id="models-wrap" class="hidden">
        <h3>Models</h3>
        <table data-testid="models">
          <thead><tr><th>Model</th><th>Role</th><th>Samples here</th><th>Cost here</th><th>Calls</th><th>Failed</th><th>Handed over</th><th>Breaker</th></tr></thead>
          <tbody id="models-body"></tbody>
        </table>
      </div>
      <div id="escalations-wrap">
        <h3>Escalations</h3>
        <div id="escalations" data-testid="escalations"></div>
      </div>
      <h3 id="dag-title">Task DAG</h3>
      <div id="dag" class="levels" data-testid="dag"></div>
      <div id="decompositions-wrap">
        <h3>Decompositions</h3>
        <div id="decompositions" data-testid="decompositions" class="levels"></div>
      </div>
      <h3>Events</h3>
      <ol id="event-log" data-testid="event-log" reversed></ol>
    </div>
  </section>
</main>
</body>
</html>
`;
}
