/**
 * @module store/sqlite/row-mapping
 * Converts between the store's domain records and the rows of `schema.ts` (camelCase fields <-> snake_case
 * columns, JSON-valued fields <-> TEXT).
 */
import type { Selectable } from 'kysely';
import type {
  CallFailureRecord,
  CheckpointRecord,
  DecisionRecord,
  EscalationRecord,
  LayerResultRecord,
  NewEscalation,
  RedFlagRecord,
  RunRecord,
  SampleRecord,
  TaskRecord,
  VoteRecord,
} from '../run-store.js';
import { decodeJson, encodeJson } from '../json-column.js';
import type {
  CallFailuresTable,
  CheckpointsTable,
  DecisionsTable,
  EscalationsTable,
  LayerResultsTable,
  RedFlagsTable,
  RunsTable,
  SamplesTable,
  TasksTable,
  VotesTable,
} from './schema.js';

type RunHead = Omit<
  RunRecord,
  'tasks' | 'samples' | 'callFailures' | 'redFlags' | 'layerResults' | 'votes' | 'decisions' | 'checkpoints' | 'escalations'
>;

export function runFromRow(row: Selectable<RunsTable>): RunHead {
  return {
    id: row.id,
    kind: row.kind,
    model: row.model,
    config: decodeJson(row.config) as Record<string, unknown>,
    status: row.status,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    summary: row.summary === null ? null : (decodeJson(row.summary) as Record<string, unknown>),
  };
}

export function taskFromRow(row: Selectable<TasksTable>): TaskRecord {
  return { taskId: row.task_id, spec: decodeJson(row.spec) };
}

export function sampleToRow(runId: string, s: SampleRecord): SamplesTable {
  return {
    run_id: runId,
    task_id: s.taskId,
    sample_index: s.sampleIndex,
    model: s.model,
    temperature: s.temperature,
    prompt_variant: s.promptVariant,
    text: s.text,
    code: s.code,
    input_tokens: s.inputTokens,
    output_tokens: s.outputTokens,
    latency_ms: s.latencyMs,
    finish_reason: s.finishReason,
    cost_usd: s.costUsd,
    created_at: s.createdAt,
  };
}

export function sampleFromRow(r: Selectable<SamplesTable>): SampleRecord {
  return {
    taskId: r.task_id,
    sampleIndex: r.sample_index,
    model: r.model,
    temperature: r.temperature,
    promptVariant: r.prompt_variant,
    text: r.text,
    code: r.code,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    latencyMs: r.latency_ms,
    finishReason: r.finish_reason,
    costUsd: r.cost_usd,
    createdAt: r.created_at,
  };
}

export function callFailureToRow(runId: string, f: CallFailureRecord): CallFailuresTable {
  return {
    run_id: runId, task_id: f.taskId, sample_index: f.sampleIndex, code: f.code, status_code: f.statusCode,
    message: f.message, attempts: f.attempts, created_at: f.createdAt,
  };
}

export function callFailureFromRow(r: Selectable<CallFailuresTable>): CallFailureRecord {
  return {
    taskId: r.task_id, sampleIndex: r.sample_index, code: r.code, statusCode: r.status_code, message: r.message,
    attempts: r.attempts, createdAt: r.created_at,
  };
}

export function redFlagFromRow(r: Selectable<RedFlagsTable>): RedFlagRecord {
  return { taskId: r.task_id, sampleIndex: r.sample_index, rule: r.rule, reason: r.reason };
}

export function layerResultFromRow(r: Selectable<LayerResultsTable>): LayerResultRecord {
  return {
    taskId: r.task_id,
    sampleIndex: r.sample_index,
    layer: r.layer,
    status: r.status,
    reason: r.reason,
    durationMs: r.duration_ms,
    details: decodeJson(r.details),
  };
}

export function voteFromRow(r: Selectable<VotesTable>): VoteRecord {
  return { taskId: r.task_id, sampleIndex: r.sample_index, classKey: r.class_key, signature: r.signature };
}

export function decisionToRow(runId: string, d: DecisionRecord): DecisionsTable {
  return {
    run_id: runId,
    task_id: d.taskId,
    outcome: d.outcome,
    class_key: d.classKey,
    code: d.code,
    votes: d.votes,
    runner_up_votes: d.runnerUpVotes,
    samples: d.samples,
    k: d.k,
    reason: d.reason,
    decided_at: d.decidedAt,
  };
}

export function decisionFromRow(r: Selectable<DecisionsTable>): DecisionRecord {
  return {
    taskId: r.task_id,
    outcome: r.outcome,
    classKey: r.class_key,
    code: r.code,
    votes: r.votes,
    runnerUpVotes: r.runner_up_votes,
    samples: r.samples,
    k: r.k,
    reason: r.reason,
    decidedAt: r.decided_at,
  };
}

export function checkpointFromRow(r: Selectable<CheckpointsTable>): CheckpointRecord {
  return { seq: r.seq, kind: r.kind, body: decodeJson(r.body), createdAt: r.created_at };
}

/**
 * The row of a newly opened escalation (status `open`, no answer).
 * @throws InvalidArgumentError (`invalid_argument`, parameter `escalation.context`) when the context is not JSON.
 */
export function escalationToRow(runId: string, e: NewEscalation): EscalationsTable {
  return {
    run_id: runId,
    escalation_id: e.escalationId,
    task_id: e.taskId,
    kind: e.kind,
    reason: e.reason,
    question: e.question,
    context: encodeJson(e.context, 'escalation.context'),
    status: 'open',
    answer: null,
    answered_by: null,
    created_at: e.createdAt,
    answered_at: null,
  };
}

/** An escalation as the contract gives it back: `answer` is null while open. */
export function escalationFromRow(r: Selectable<EscalationsTable>): EscalationRecord {
  return {
    escalationId: r.escalation_id,
    taskId: r.task_id,
    kind: r.kind,
    reason: r.reason,
    question: r.question,
    context: decodeJson(r.context),
    status: r.status,
    answer: r.answer === null ? null : decodeJson(r.answer),
    answeredBy: r.answered_by,
    createdAt: r.created_at,
    answeredAt: r.answered_at,
  };
}
