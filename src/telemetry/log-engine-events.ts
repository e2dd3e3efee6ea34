/**
 * @module telemetry/log-engine-events
 * Writes the engine's event stream to a logger. Only ids, counts, outcomes and durations are logged: never code,
 * prompts, sample text or red-flag reasons (size, and what a model echoes back).
 */
import type { Logger } from 'pino';
import type { EngineEvent, EngineEventListener } from '../orchestrate/engine-events.js';

/** Level an event is logged at. */
export type EventLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Longest free-text field (a failed run's error, escalation and pause reasons) kept in a log line, in characters. */
export const MAX_LOGGED_TEXT_CHARS = 200;

const clip = (text: string): string => (text.length > MAX_LOGGED_TEXT_CHARS ? `${text.slice(0, MAX_LOGGED_TEXT_CHARS - 3)}...` : text);

/**
 * The level of each event: per-sample detail (task-start, sample-end, red flags, verify layers, votes cast) at
 * debug; run-start, vote-decided, task-end, build progress, commits and run-end at info; failed model calls,
 * escalations, failed integrations and cancelled runs at warn; a failed run at error.
 */
export function eventLogLevel(event: EngineEvent): EventLogLevel {
  switch (event.type) {
    case 'sample-failed':
    case 'task-escalated':
      return 'warn';
    case 'integration-end':
      return event.passed ? 'info' : 'warn';
    case 'run-end':
      return event.status === 'failed' ? 'error' : event.status === 'cancelled' ? 'warn' : 'info';
    case 'run-start':
    case 'vote-decided':
    case 'task-end':
    case 'nodes-created':
    case 'task-settled':
    case 'commit-created':
      return 'info';
    default:
      return 'debug';
  }
}

/** The fields logged for an event besides `event`, `runId` and `taskId`. */
export function eventLogFields(event: EngineEvent): Record<string, unknown> {
  switch (event.type) {
    case 'run-start':
      return { model: event.model, tasks: event.taskIds.length };
    case 'task-start':
      return { k: event.k, maxSamples: event.maxSamples };
    case 'sample-end':
      return {
        sampleIndex: event.sampleIndex, temperature: event.temperature, promptVariant: event.promptVariant,
        inputTokens: event.inputTokens, outputTokens: event.outputTokens, latencyMs: event.latencyMs, finishReason: event.finishReason,
        ...(event.costUsd === undefined ? {} : { costUsd: event.costUsd }), ...(event.resumed === true ? { resumed: true } : {}),
      };
    case 'sample-failed':
      // The message is left out: a provider's error text can echo the prompt.
      return { sampleIndex: event.sampleIndex, errorCode: event.code };
    case 'sample-red-flagged':
      return { sampleIndex: event.sampleIndex, rules: event.hits.map((hit) => hit.rule) };
    case 'verify-layer-end':
      return { sampleIndex: event.sampleIndex, layer: event.result.layer, status: event.result.status, durationMs: event.result.durationMs };
    case 'candidate-verified':
      return { sampleIndex: event.sampleIndex, passed: event.passed, ...(event.failedLayer === undefined ? {} : { failedLayer: event.failedLayer }) };
    case 'vote-cast':
      return { sampleIndex: event.sampleIndex, classKey: event.classKey, classes: event.tallies.length, leaderVotes: event.tallies[0]?.votes ?? 0 };
    case 'vote-decided':
      return { outcome: event.outcome, classKey: event.classKey, votes: event.votes, runnerUpVotes: event.runnerUpVotes };
    case 'task-escalated':
      return { reason: clip(event.reason) };
    case 'task-end':
      return { outcome: event.outcome, samples: event.samples };
    case 'nodes-created':
      return { replaces: event.replaces, nodes: event.nodes.length, nodeIds: event.nodes.map((node) => node.id) };
    case 'task-settled':
      return { source: event.source };
    case 'commit-created':
      return { label: event.label, sha: event.sha };
    case 'integration-end':
      return { passed: event.passed, failingTaskIds: event.failingTaskIds, testsPassed: event.testsPassed, testsFailed: event.testsFailed, typeErrors: event.typeErrors };
    case 'run-end':
      return {
        status: event.status, ...(event.error === undefined ? {} : { error: clip(event.error) }),
        ...(event.reason === undefined ? {} : { reason: clip(event.reason) }),
      };
  }
}

/**
 * A listener that logs each engine event as one line: `{ event, runId, taskId?, ...fields, msg: <event type> }`
 * at {@link eventLogLevel}'s level. Pass it to `engine.on`. Never throws.
 */
export function logEngineEvents(logger: Logger): EngineEventListener {
  return (event) => {
    const level = eventLogLevel(event);
    if (!logger.isLevelEnabled(level)) return;
    try {
      logger[level]({ event: event.type, runId: event.runId, ...('taskId' in event ? { taskId: event.taskId } : {}), ...eventLogFields(event) }, event.type);
    } catch {
      // Logging must never break the run.
    }
  };
}
