/**
 * @module orchestrate/project-build/build-report
 * `report.json` and `REPORT.md` of a build: the DAG, each task's decision (votes per equivalence class, red flags by
 * rule, verification layers passed, samples, tokens, cost, time), the decompositions, escalations, commits, the
 * integration verdict and totals; for a paused build, what remains. Derived from the run store and the build state
 * only. Every wall-clock figure sits under a `timing` key: everything else is identical for identical work, so two
 * builds (e.g. one killed and resumed, one not) can be compared with the `timing` keys left out.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../../store/run-store.js';
import { runWallMs } from './build-budget.js';
import { solveTaskId, taskGraphOf, type BuildState } from './build-journal.js';

/** Statistics of one recorded solve or decomposition (one store task id). */
export interface AttemptReport {
  readonly taskId: string;
  /** Decision outcome, or `in-flight` when the task has no decision yet. */
  readonly outcome: string;
  readonly votes: number;
  readonly runnerUpVotes: number;
  readonly k: number | null;
  readonly reason: string;
  /** Votes per equivalence class, largest first. */
  readonly classes: readonly { readonly classKey: string; readonly votes: number }[];
  readonly samples: number;
  readonly redFlagged: number;
  readonly redFlagsByRule: Readonly<Record<string, number>>;
  /** Per verification layer: samples that passed, failed, skipped it. */
  readonly layers: Readonly<Record<string, { readonly pass: number; readonly fail: number; readonly skipped: number }>>;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly timing: { readonly wallMs: number | null };
}

/** One task of the DAG. */
export interface TaskReport {
  readonly id: string;
  readonly name: string;
  readonly entryPoint: string;
  readonly dependencies: readonly string[];
  readonly level: number;
  readonly depth: number;
  /** How its code was obtained, or null while unsettled. */
  readonly source: 'consensus' | 'best-partial' | 'person' | null;
  readonly attempts: readonly AttemptReport[];
}

/** The whole report (`report.json`). */
export interface BuildReport {
  readonly runId: string;
  readonly status: 'completed' | 'paused';
  readonly reason: string;
  readonly model: string;
  readonly name: string;
  readonly requirements: string;
  readonly dag: { readonly levels: readonly (readonly string[])[] };
  readonly tasks: readonly TaskReport[];
  readonly decompositions: readonly AttemptReport[];
  readonly escalations: readonly { readonly escalationId: string; readonly taskId: string; readonly kind: string; readonly status: string; readonly reason: string }[];
  readonly commits: readonly { readonly label: string; readonly sha: string; readonly message: string }[];
  readonly integration: { readonly passed: boolean; readonly testsPassed: number; readonly testsFailed: number; readonly typeErrors: number; readonly rounds: number } | null;
  /** Unsettled tasks and why (empty when completed). */
  readonly remaining: readonly { readonly id: string; readonly why: string }[];
  readonly totals: {
    readonly tasks: number;
    readonly settled: number;
    readonly bySource: Readonly<Record<string, number>>;
    readonly samples: number;
    readonly redFlagged: number;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly costUsd: number;
    readonly openEscalations: number;
    readonly timing: { readonly wallMs: number; readonly sessions: number };
  };
}

/** Builds the report of `run` (a build) in `state`. */
export function buildReport(options: { run: RunRecord; state: BuildState; status: 'completed' | 'paused'; reason: string }): BuildReport {
  const { run, state } = options;
  const nodes = [...state.nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  const graph = taskGraphOf(state);
  const levels = graph.topologicalLevels();
  const openByNode = new Map([...state.openEscalations.entries()].map(([id, open]) => [open.nodeId, id]));
  const tasks: TaskReport[] = nodes.map((node) => {
    const attempts = Array.from({ length: (state.attempts.get(node.id) ?? 0) + 1 }, (_, attempt) => solveTaskId(node.id, attempt))
      .filter((taskId) => run.samples.some((sample) => sample.taskId === taskId) || run.decisions.some((decision) => decision.taskId === taskId))
      .map((taskId) => attemptReport(run, taskId));
    return {
      id: node.id, name: node.spec.name, entryPoint: node.spec.signature.entryPoint, dependencies: node.dependencies,
      level: graph.levelOf(node.id), depth: node.depth, source: state.settled.get(node.id)?.source ?? null, attempts,
    };
  });
  const decompositionIds = [...new Set([...run.samples, ...run.decisions].map((record) => record.taskId).filter((id) => id === 'decompose' || id.startsWith('decompose:')))].sort();
  const decompositions = decompositionIds.map((taskId) => attemptReport(run, taskId));
  const remaining = nodes.filter((node) => !state.settled.has(node.id)).map((node) => ({
    id: node.id,
    why: openByNode.has(node.id) ? `escalated (${openByNode.get(node.id) ?? ''})`
      : node.needsDecomposition ? 'to be decomposed'
        : node.dependencies.some((dependency) => !state.settled.has(dependency)) ? `waiting on ${node.dependencies.filter((dependency) => !state.settled.has(dependency)).join(', ')}`
          : 'not solved yet',
  }));
  if (!state.rootDecomposed) remaining.push({ id: '(requirements)', why: openByNode.has('') ? `escalated (${openByNode.get('') ?? ''})` : 'not decomposed yet' });
  const bySource: Record<string, number> = {};
  for (const settled of state.settled.values()) bySource[settled.source] = (bySource[settled.source] ?? 0) + 1;
  const all = [...tasks.flatMap((task) => task.attempts), ...decompositions];
  const sum = (pick: (attempt: AttemptReport) => number): number => all.reduce((total, attempt) => total + pick(attempt), 0);
  const lastIntegration = state.integrations.at(-1);
  return {
    runId: run.id, status: options.status, reason: options.reason, model: run.model, name: state.request.name,
    requirements: state.request.requirements, dag: { levels }, tasks, decompositions,
    escalations: run.escalations.map((escalation) => ({
      escalationId: escalation.escalationId, taskId: escalation.taskId, kind: escalation.kind, status: escalation.status, reason: escalation.reason,
    })),
    commits: state.commits.map((commit) => ({ label: commit.label, sha: commit.sha, message: commit.message })),
    integration: lastIntegration === undefined ? null : {
      passed: lastIntegration.passed, testsPassed: lastIntegration.testsPassed, testsFailed: lastIntegration.testsFailed,
      typeErrors: lastIntegration.typeErrors, rounds: state.integrations.length,
    },
    remaining,
    totals: {
      tasks: nodes.length, settled: state.settled.size, bySource, samples: sum((a) => a.samples), redFlagged: sum((a) => a.redFlagged),
      inputTokens: sum((a) => a.inputTokens), outputTokens: sum((a) => a.outputTokens), costUsd: round(sum((a) => a.costUsd)),
      openEscalations: state.openEscalations.size,
      timing: { wallMs: runWallMs(run), sessions: state.sessions.length },
    },
  };
}

/** Statistics of one store task id. */
export function attemptReport(run: RunRecord, taskId: string): AttemptReport {
  const samples = run.samples.filter((sample) => sample.taskId === taskId);
  const decision = run.decisions.find((each) => each.taskId === taskId);
  const classes = new Map<string, number>();
  for (const vote of run.votes) if (vote.taskId === taskId) classes.set(vote.classKey, (classes.get(vote.classKey) ?? 0) + 1);
  const redFlagsByRule: Record<string, number> = {};
  const flagged = new Set<number>();
  for (const hit of run.redFlags) {
    if (hit.taskId !== taskId) continue;
    redFlagsByRule[hit.rule] = (redFlagsByRule[hit.rule] ?? 0) + 1;
    flagged.add(hit.sampleIndex);
  }
  const layers: Record<string, { pass: number; fail: number; skipped: number }> = {};
  for (const result of run.layerResults) {
    if (result.taskId !== taskId) continue;
    const entry = (layers[result.layer] ??= { pass: 0, fail: 0, skipped: 0 });
    entry[result.status] += 1;
  }
  const first = samples.reduce<number | null>((min, sample) => (min === null || sample.createdAt < min ? sample.createdAt : min), null);
  return {
    taskId, outcome: decision?.outcome ?? 'in-flight', votes: decision?.votes ?? 0, runnerUpVotes: decision?.runnerUpVotes ?? 0,
    k: decision?.k ?? null, reason: decision?.reason ?? '',
    classes: [...classes.entries()].map(([classKey, votes]) => ({ classKey, votes })).sort((a, b) => b.votes - a.votes || a.classKey.localeCompare(b.classKey)),
    samples: samples.length, redFlagged: flagged.size, redFlagsByRule: sortKeys(redFlagsByRule), layers: sortKeys(layers),
    inputTokens: samples.reduce((total, sample) => total + sample.inputTokens, 0),
    outputTokens: samples.reduce((total, sample) => total + sample.outputTokens, 0),
    costUsd: round(samples.reduce((total, sample) => total + (sample.costUsd ?? 0), 0)),
    timing: { wallMs: decision === undefined || first === null ? null : decision.decidedAt - first },
  };
}

/** Writes `report.json` and `REPORT.md` into `outDir` (each via a temporary file and rename). */
export async function writeReport(outDir: string, report: BuildReport): Promise<{ json: string; markdown: string }> {
  await mkdir(outDir, { recursive: true });
  const json = join(outDir, 'report.json');
  const markdown = join(outDir, 'REPORT.md');
  await writeAtomically(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomically(markdown, reportMarkdown(report));
  return { json, markdown };
}

/** `REPORT.md`. */
export function reportMarkdown(report: BuildReport): string {
  const t = report.totals;
  const lines = [
    `# Build report: ${report.name}`, '',
    `Run \`${report.runId}\` on \`${report.model}\`: **${report.status}** (${report.reason}).`, '',
    `${t.settled}/${t.tasks} tasks settled (${Object.entries(t.bySource).map(([source, count]) => `${source} ${count}`).join(', ') || 'none'}); ${t.samples} samples, ${t.redFlagged} red-flagged; tokens in/out ${t.inputTokens}/${t.outputTokens}; cost $${t.costUsd}; ${t.openEscalations} open escalation(s); ${Math.round(t.timing.wallMs / 100) / 10} s over ${t.timing.sessions} session(s).`, '',
    '## Tasks', '',
    '| level | task | uses | source | decision | votes (runner-up) | samples | red flags | layers failed | tokens in/out | time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.tasks.map((task) => {
      const last = task.attempts.at(-1);
      const failedLayers = Object.entries(last?.layers ?? {}).filter(([, counts]) => counts.fail > 0).map(([layer, counts]) => `${layer} ${counts.fail}`).join(', ');
      return `| ${task.level} | ${task.id} | ${task.dependencies.join(', ') || '-'} | ${task.source ?? '-'} | ${last?.outcome ?? '-'} | ${last === undefined ? '-' : `${last.votes} (${last.runnerUpVotes})`} | ${last?.samples ?? 0} | ${formatCounts(last?.redFlagsByRule ?? {})} | ${failedLayers || '-'} | ${last?.inputTokens ?? 0}/${last?.outputTokens ?? 0} | ${last?.timing.wallMs === null || last === undefined ? '-' : `${last.timing.wallMs} ms`} |`;
    }),
    '', '## Decompositions', '',
    '| node | decision | votes (runner-up) | samples | red flags |', '| --- | --- | --- | --- | --- |',
    ...report.decompositions.map((d) => `| ${d.taskId} | ${d.outcome} | ${d.votes} (${d.runnerUpVotes}) | ${d.samples} | ${formatCounts(d.redFlagsByRule)} |`),
  ];
  if (report.escalations.length > 0) {
    lines.push('', '## Escalations', '', '| id | task | kind | status | reason |', '| --- | --- | --- | --- | --- |',
      ...report.escalations.map((e) => `| ${e.escalationId} | ${e.taskId} | ${e.kind} | ${e.status} | ${e.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`));
  }
  if (report.integration !== null) {
    const i = report.integration;
    lines.push('', '## Integration', '', `${i.passed ? 'Passed' : 'Failed'} after ${i.rounds} round(s): ${i.testsPassed} tests passed, ${i.testsFailed} failed, ${i.typeErrors} type errors.`);
  }
  if (report.commits.length > 0) lines.push('', '## Commits', '', ...report.commits.map((c) => `- \`${c.sha.slice(0, 10)}\` ${c.message.split('\n')[0] ?? ''}`));
  if (report.remaining.length > 0) lines.push('', '## Remaining', '', ...report.remaining.map((r) => `- ${r.id}: ${r.why}`));
  return `${lines.join('\n')}\n`;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

function sortKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '-' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

function round(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}
