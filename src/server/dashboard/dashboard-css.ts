/**
 * @module server/dashboard/dashboard-css
 * The dashboard's stylesheet (`GET /dashboard.css`), embedded so the server needs no asset files at runtime. Down to
 * 420 px wide screens: below 560 px the header wraps, the topological levels stack and the DAG's arrows run down a
 * gutter on the left.
 */

/** The stylesheet. Plain CSS, light and dark via `prefers-color-scheme`. */
export const DASHBOARD_CSS = String.raw`
:root {
  --bg: #f7f7f5; --fg: #1d1f21; --muted: #6b6f76; --card: #ffffff; --line: #d9dbe0;
  --ok: #1f8a4c; --warn: #b7791f; --bad: #c53030; --info: #2b6cb0; --accent: #5a4fcf;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171a; --fg: #e6e6e6; --muted: #9aa0a6; --card: #1e2125; --line: #33373d; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 1.1rem; margin: 0; }
header h1 small { color: var(--muted); font-weight: normal; }
header .spacer { flex: 1; }
main { display: grid; grid-template-columns: minmax(300px, 420px) minmax(0, 1fr); gap: 1rem; padding: 1rem; align-items: start; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
section, aside { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
h3 { font-size: .95rem; margin: .75rem 0 .4rem; }
button { font: inherit; padding: .3rem .7rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:disabled { opacity: .5; cursor: default; }
input, textarea { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .3rem .5rem; }
textarea { width: 100%; min-height: 8rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: var(--bg); padding: .4rem; border-radius: 4px; max-height: 16rem; overflow: auto; margin: .3rem 0; }
.muted { color: var(--muted); }
.error { color: var(--bad); }
.hidden { display: none !important; }
#key-form { display: flex; gap: .5rem; align-items: center; }
#key-form input { width: 18rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th:nth-child(1) { width: 32%; } th:nth-child(2) { width: 12%; } th:nth-child(3) { width: 22%; } th:nth-child(5) { width: 19%; }
th, td { text-align: left; padding: .25rem .35rem; border-bottom: 1px solid var(--line); font-size: 12px; vertical-align: top; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
td:first-child { white-space: normal; word-break: break-all; }
tr.run-row { cursor: pointer; }
tr.run-row:hover, tr.run-row.selected { background: var(--bg); }
tr.run-row.selected td:first-child { box-shadow: inset 3px 0 var(--accent); }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 9px; font-size: 12px; border: 1px solid currentColor; white-space: nowrap; }
.s-completed, .s-settled, .s-consensus, .s-answered, .s-person { color: var(--ok); }
.s-running, .s-decomposing, .s-live, .s-open-stream { color: var(--info); }
.s-paused, .s-escalated, .s-open, .s-best-partial { color: var(--warn); }
.s-failed, .s-no-consensus, .s-cancelled, .s-model-unavailable, .s-error { color: var(--bad); }
.s-pending, .s-in-flight, .s-closed, .s-queued { color: var(--muted); }
.s-voted, .s-verified { color: var(--ok); }
.s-red-flagged { color: var(--warn); }
.s-rejected { color: var(--bad); }
.run-head { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: baseline; }
.run-head .id { font-weight: 600; }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: .5rem; margin: .6rem 0; }
.totals div { background: var(--bg); border-radius: 4px; padding: .35rem .5rem; }
.totals b { display: block; font-size: 1.05rem; }
.totals span { color: var(--muted); font-size: 12px; }
.levels { display: flex; gap: 1.5rem; overflow-x: auto; padding-bottom: .3rem; position: relative; isolation: isolate; }
.levels > svg.edges { position: absolute; left: 0; top: 0; pointer-events: none; z-index: 0; overflow: visible; }
.edge { fill: none; stroke: var(--muted); stroke-width: 1.5; opacity: .8; }
.edge-head { fill: var(--muted); }
.level { flex: 1 0 250px; max-width: 380px; position: relative; z-index: 1; min-width: 0; }
.level > .level-title { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; margin-bottom: .3rem; }
.task { border: 1px solid var(--line); border-left: 4px solid var(--muted); border-radius: 5px; padding: .45rem .6rem; margin-bottom: .6rem; background: var(--card); }
.task[data-state="settled"] { border-left-color: var(--ok); }
.task[data-state="escalated"] { border-left-color: var(--warn); }
.task[data-state="decomposing"], .task[data-state="running"] { border-left-color: var(--info); }
.task-title { display: flex; justify-content: space-between; gap: .5rem; align-items: baseline; }
.task-title .name { font-weight: 600; word-break: break-all; }
.task .deps { color: var(--muted); font-size: 12px; }
.kv { display: flex; flex-wrap: wrap; gap: .2rem .4rem; margin: .25rem 0; font-size: 12px; }
.kv .chip { background: var(--bg); border-radius: 3px; padding: 0 .35rem; }
.kv .chip.flag { color: var(--warn); }
.kv .chip.layer { color: var(--bad); }
.bars { margin: .3rem 0; }
.bar { display: grid; grid-template-columns: 5.5rem 1fr 2rem; gap: .35rem; align-items: center; font-size: 11px; margin: 2px 0; }
.bar .label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted); }
.bar .track { display: block; position: relative; background: var(--bg); border: 1px solid var(--line); border-radius: 3px; height: 12px; overflow: hidden; }
.bar .fill { display: block; background: var(--accent); height: 100%; min-width: 0; }
.bar.winner .fill { background: var(--ok); }
.bar .target { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: var(--fg); opacity: .7; }
.race { font-size: 11px; color: var(--muted); margin: .2rem 0 .1rem; }
.task-detail { margin-top: .35rem; }
.task-detail > summary { font-size: 12px; }
.detail-title { font-size: 12px; font-weight: 600; margin: .4rem 0 .15rem; }
.samples { list-style: none; margin: .2rem 0; padding: 0; }
.sample { border-top: 1px solid var(--line); padding: .3rem 0; font-size: 12px; }
.sample-head { display: flex; flex-wrap: wrap; gap: .2rem .5rem; align-items: baseline; }
.reason { overflow-wrap: anywhere; margin: .1rem 0; }
.reason.flag { color: var(--warn); }
.reason.layer { color: var(--bad); }
.layers-line { font-size: 11px; overflow-wrap: anywhere; }
.dependency .mono { font-weight: 600; margin-top: .3rem; overflow-wrap: anywhere; }
.escalation .resolution { margin: .3rem 0; overflow-wrap: anywhere; }
.escalation-reason { overflow-wrap: anywhere; }
.decision { font-size: 12px; margin-top: .25rem; }
.attempt { border-top: 1px dashed var(--line); margin-top: .35rem; padding-top: .3rem; }
.attempt .attempt-id { font-size: 11px; color: var(--muted); }
.escalation { border: 1px solid var(--line); border-left: 4px solid var(--warn); border-radius: 5px; padding: .5rem .7rem; margin-bottom: .7rem; }
.escalation[data-status="answered"] { border-left-color: var(--ok); }
.escalation form { margin-top: .4rem; display: grid; gap: .4rem; }
.escalation .form-actions { display: flex; gap: .6rem; align-items: center; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
#event-log { max-height: 14rem; overflow: auto; font-size: 12px; margin: 0; padding: 0; list-style: none; }
#event-log li { padding: 1px 0; border-bottom: 1px solid var(--bg); }
#event-log li { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.new-build textarea { min-height: 5rem; }
.new-build { margin-top: .8rem; }
@media (max-width: 560px) {
  header { flex-wrap: wrap; gap: .4rem .8rem; padding: .5rem .6rem; }
  header .spacer { display: none; }
  #key-form, #key-set { flex-wrap: wrap; width: 100%; }
  #key-form input { width: auto; flex: 1 1 9rem; min-width: 0; }
  main { padding: .5rem; gap: .5rem; }
  section, aside { padding: .5rem .6rem; min-width: 0; }
  th:nth-child(4), td:nth-child(4) { display: none; }
  th:nth-child(1) { width: 44%; } th:nth-child(3) { width: 26%; }
  .levels { flex-direction: column; gap: .4rem; overflow-x: visible; padding-left: 16px; }
  .level { flex: none; max-width: none; }
  .bar { grid-template-columns: 4.5rem 1fr 1.6rem; }
}
`;
