/**
 * @module service/run-view
 * The {@link RunView} of a stored run: per-task decisions and statistics from the store's records, a build's DAG
 * folded from its checkpoints, and the build report (`<outDir>/report.json`) once the build paused or completed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runWallMs } from '../orchestrate/project-build/build-budget.js';
import { foldCheckpoints, type BuildState } from '../orchestrate/project-build/build-journal.js';
import type { BuildReport } from '../orchestrate/project-build/build-report.js';
import type { RunRecord } from '../store/run-store.js';
import type { RunView } from './run-service.js';

type TaskView = RunView['tasks'][number];
type DagNodeState = NonNullable<RunView['dag']>['nodes'][number]['state'];

/**
 * Builds the view of `run`. `live`: whether this process works on the run now. `now`: clock for the wall time of a
 * run still running (ms epoch).
 */
export async function runView(run: RunRecord, options: { readonly live: boolean; readonly now: number }): Promise<RunView> {
  const state = run.kind === 'build' ? buildState(run) : undefined;
  const report = state !== undefined && (run.status === 'paused' || run.status === 'completed') ? await readReport(state.outDir) : null;
  return {
    id: run.id, kind: run.kind, status: run.status, queuePosition: null, model: run.model, createdAt: run.createdAt, finishedAt: run.finishedAt,
    live: options.live, tasks: taskViews(run), dag: state === undefined ? null : dagOf(state), escalations: escalationViews(run, state),
    totals: {
      samples: run.samples.length,
      inputTokens: run.samples.reduce((total, sample) => total + sample.inputTokens, 0),
      outputTokens: run.samples.reduce((total, sample) => total + sample.outputTokens, 0),
      costUsd: Math.round(run.samples.reduce((total, sample) => total + (sample.costUsd ?? 0), 0) * 1_000_000) / 1_000_000,
      wallMs: state !== undefined ? runWallMs(run) : (run.finishedAt ?? options.now) - run.createdAt,
    },
    models: modelViews(run), report, summary: run.summary,
  };
}

/** Samples, tokens and cost per model that answered (`sample.model`), most samples first, then by name. */
function modelViews(run: RunRecord): RunView['models'] {
  const rows = new Map<string, { model: string; samples: number; inputTokens: number; outputTokens: number; costUsd: number }>();
  for (const sample of run.samples) {
    const row = rows.get(sample.model) ?? { model: sample.model, samples: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    row.samples += 1;
    row.inputTokens += sample.inputTokens;
    row.outputTokens += sample.outputTokens;
    row.costUsd += sample.costUsd ?? 0;
    rows.set(sample.model, row);
  }
  return [...rows.values()]
    .map((row) => ({ ...row, costUsd: Math.round(row.costUsd * 1_000_000) / 1_000_000 }))
    .sort((a, b) => b.samples - a.samples || (a.model < b.model ? -1 : 1));
}

/** Task ids in the order they were first recorded (tasks, then any id known only from samples or decisions). */
function taskViews(run: RunRecord): TaskView[] {
  const ids = [...new Set([...run.tasks.map((task) => task.taskId), ...run.samples.map((s) => s.taskId), ...run.decisions.map((d) => d.taskId)])];
  return ids.map((taskId) => {
    const decision = run.decisions.filter((each) => each.taskId === taskId).at(-1);
    const redFlagsByRule: Record<string, number> = {};
    for (const hit of run.redFlags) if (hit.taskId === taskId) redFlagsByRule[hit.rule] = (redFlagsByRule[hit.rule] ?? 0) + 1;
    const failedLayers: Record<string, number> = {};
    for (const result of run.layerResults) if (result.taskId === taskId && result.status === 'fail') failedLayers[result.layer] = (failedLayers[result.layer] ?? 0) + 1;
    const votesPerClass: Record<string, number> = {};
    for (const vote of run.votes) if (vote.taskId === taskId) votesPerClass[vote.classKey] = (votesPerClass[vote.classKey] ?? 0) + 1;
    return {
      taskId,
      k: taskK(run, taskId),
      decision: decision === undefined ? null : {
        outcome: decision.outcome, votes: decision.votes, runnerUpVotes: decision.runnerUpVotes, samples: decision.samples, reason: decision.reason,
      },
      samples: run.samples.filter((sample) => sample.taskId === taskId).length,
      redFlagsByRule, failedLayers, votesPerClass,
    };
  });
}

/**
 * The first-to-ahead-by-k margin of a task: its decision's, else the run's configuration (`decomposeK` for a
 * build's decompositions, `k` otherwise), else null.
 */
export function taskK(run: RunRecord, taskId: string): number | null {
  const decided = run.decisions.filter((each) => each.taskId === taskId).at(-1)?.k;
  if (decided !== undefined) return decided;
  const configured = run.config[taskId.startsWith('decompose') && run.kind === 'build' ? 'decomposeK' : 'k'];
  return typeof configured === 'number' ? configured : null;
}

/**
 * The run's escalations, each with what the person answering needs: the outcome of answers already checked
 * (`resolutions`, from the build's `escalation-resolved` checkpoints: accepted, or the reason it was rejected) and
 * the settled code of the task's dependencies (`dependencies`, own code of each, null while unsettled).
 */
function escalationViews(run: RunRecord, state: BuildState | undefined): RunView['escalations'] {
  const resolutions = new Map<string, { accepted: boolean; reason: string }[]>();
  for (const checkpoint of run.checkpoints) {
    if (checkpoint.kind !== 'escalation-resolved') continue;
    const body = checkpoint.body as { escalationId?: unknown; accepted?: unknown; reason?: unknown };
    if (typeof body.escalationId !== 'string') continue;
    const list = resolutions.get(body.escalationId) ?? [];
    list.push({ accepted: body.accepted === true, reason: typeof body.reason === 'string' ? body.reason : '' });
    resolutions.set(body.escalationId, list);
  }
  return run.escalations.map((escalation) => {
    const node = state?.nodes.get(escalation.taskId);
    const dependencies = (node?.dependencies ?? []).map((id) => ({ id, code: state?.settled.get(id)?.code ?? null }));
    return { ...escalation, resolutions: resolutions.get(escalation.escalationId) ?? [], dependencies };
  });
}

function buildState(run: RunRecord): BuildState | undefined {
  if (run.checkpoints.length === 0) return undefined;
  try {
    return foldCheckpoints(run.checkpoints);
  } catch {
    // A journal this version cannot read: show the run without its DAG rather than failing the whole view.
    return undefined;
  }
}

/** Node state: settled, escalated (an open escalation names it), decomposing (needs decomposition) or pending. */
function dagOf(state: BuildState): NonNullable<RunView['dag']> {
  const escalated = new Set([...state.openEscalations.values()].map((open) => open.nodeId));
  const nodes = [...state.nodes.values()].sort((a, b) => a.id.localeCompare(b.id)).map((node) => {
    const nodeState: DagNodeState = state.settled.has(node.id) ? 'settled'
      : escalated.has(node.id) ? 'escalated'
        : node.needsDecomposition ? 'decomposing' : 'pending';
    return { id: node.id, dependencies: node.dependencies, state: nodeState };
  });
  return { nodes };
}

async function readReport(outDir: string): Promise<BuildReport | null> {
  try {
    return JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as BuildReport;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
