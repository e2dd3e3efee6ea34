/**
 * @module service/task-detail
 * Everything recorded about one task of a run, sample by sample: its code, the red-flag rules that discarded it,
 * each verification layer's status and reason, its equivalence class; the decision with the chosen code and k; and
 * for a build's node, its settled code and the code of its dependencies. `GET /v1/runs/:id/tasks/:taskId` returns
 * it (the dashboard's task cards open it) and `zerr runs show --samples` prints the same reasons.
 */
import { foldCheckpoints, type BuildState } from '../orchestrate/project-build/build-journal.js';
import type { DecisionRecord, LayerResultRecord, RedFlagRecord, RunRecord } from '../store/run-store.js';
import { taskK } from './run-view.js';

/** What happened to one sample, from the records: the first step that stopped it, or how far it got. */
export type SampleOutcome = 'red-flagged' | 'rejected' | 'voted' | 'verified' | 'pending';

/** One sample of a task. */
export interface SampleDetail {
  readonly sampleIndex: number;
  readonly promptVariant: string;
  readonly temperature: number | null;
  readonly outputTokens: number;
  readonly latencyMs: number;
  readonly finishReason: string;
  /** The assembled candidate code, or null when none could be extracted. */
  readonly code: string | null;
  readonly outcome: SampleOutcome;
  /** Red-flag hits (rule and reason); non-empty when `outcome` is `red-flagged`. */
  readonly redFlags: readonly Pick<RedFlagRecord, 'rule' | 'reason'>[];
  /** Verification layers in the order they ran. */
  readonly layers: readonly Pick<LayerResultRecord, 'layer' | 'status' | 'reason' | 'durationMs'>[];
  /** The first failing layer and its reason (`outcome` `rejected`), else null. */
  readonly failedLayer: { readonly layer: string; readonly reason: string } | null;
  /** Equivalence class the sample voted for, or null. */
  readonly classKey: string | null;
}

/** One task of a run in detail. */
export interface TaskDetail {
  readonly runId: string;
  readonly taskId: string;
  /** first-to-ahead-by-k margin, or null when unknown. */
  readonly k: number | null;
  /** The latest decision (with the chosen code), or null while undecided. */
  readonly decision: DecisionRecord | null;
  /**
   * For a build's node (attempt ids `<node>/retry-<n>` map to their node): how it settled (source and own code,
   * null while unsettled) and each dependency's settled own code (null while unsettled). Null for solve runs.
   */
  readonly node: {
    readonly id: string;
    readonly settled: { readonly source: string; readonly code: string } | null;
    readonly dependencies: readonly { readonly id: string; readonly code: string | null }[];
  } | null;
  readonly samples: readonly SampleDetail[];
}

/** The outcome of one sample from its red flags, layer results and vote. */
export function sampleOutcome(redFlags: readonly unknown[], layers: readonly Pick<LayerResultRecord, 'status'>[], voted: boolean): SampleOutcome {
  if (redFlags.length > 0) return 'red-flagged';
  if (layers.some((layer) => layer.status === 'fail')) return 'rejected';
  if (voted) return 'voted';
  return layers.length > 0 ? 'verified' : 'pending';
}

/**
 * The detail of task `taskId` of `run`, or undefined when the run recorded nothing under that id (no task, sample
 * or decision). Samples in index order.
 */
export function taskDetail(run: RunRecord, taskId: string): TaskDetail | undefined {
  const known = run.tasks.some((task) => task.taskId === taskId) || run.samples.some((sample) => sample.taskId === taskId)
    || run.decisions.some((decision) => decision.taskId === taskId);
  if (!known) return undefined;
  const samples = run.samples.filter((sample) => sample.taskId === taskId).sort((a, b) => a.sampleIndex - b.sampleIndex).map((sample): SampleDetail => {
    const redFlags = run.redFlags.filter((hit) => hit.taskId === taskId && hit.sampleIndex === sample.sampleIndex).map(({ rule, reason }) => ({ rule, reason }));
    const layers = run.layerResults.filter((result) => result.taskId === taskId && result.sampleIndex === sample.sampleIndex)
      .map(({ layer, status, reason, durationMs }) => ({ layer, status, reason, durationMs }));
    const vote = run.votes.find((each) => each.taskId === taskId && each.sampleIndex === sample.sampleIndex);
    const failed = layers.find((layer) => layer.status === 'fail');
    return {
      sampleIndex: sample.sampleIndex, promptVariant: sample.promptVariant, temperature: sample.temperature, outputTokens: sample.outputTokens,
      latencyMs: sample.latencyMs, finishReason: sample.finishReason, code: sample.code,
      outcome: sampleOutcome(redFlags, layers, vote !== undefined), redFlags, layers,
      failedLayer: failed === undefined ? null : { layer: failed.layer, reason: failed.reason }, classKey: vote?.classKey ?? null,
    };
  });
  return {
    runId: run.id, taskId, k: taskK(run, taskId), decision: run.decisions.filter((each) => each.taskId === taskId).at(-1) ?? null,
    node: nodeOf(run, taskId), samples,
  };
}

function nodeOf(run: RunRecord, taskId: string): TaskDetail['node'] {
  if (run.kind !== 'build' || run.checkpoints.length === 0) return null;
  let state: BuildState;
  try {
    state = foldCheckpoints(run.checkpoints);
  } catch {
    return null;
  }
  const node = state.nodes.get(taskId.replace(/\/retry-\d+$/, ''));
  if (node === undefined) return null;
  const settled = state.settled.get(node.id);
  return {
    id: node.id,
    settled: settled === undefined ? null : { source: settled.source, code: settled.code },
    dependencies: node.dependencies.map((id) => ({ id, code: state.settled.get(id)?.code ?? null })),
  };
}
