/**
 * @module orchestrate/remote-proposal
 * Proposal samples (decomposer, specifier, reviewer: `decompose/proposal-vote.ts`) drawn by queue workers. A proposal
 * job carries one model call as plain data (`ProposalCall`, rendered for either completion style); the worker makes
 * it with its model and returns the answer or why there is none. Red-flag checks, the class and the vote stay with
 * the run's owner, which reads the worker's report as untrusted plain data: the checks read its answer as any other,
 * and a report that does not hold pauses the run (`remote_verdict_rejected`), never becomes a sample.
 */
import { z } from 'zod';
import { ARCHETYPE_NAMES } from '../decompose/archetypes/archetype.js';
import { callForProposal, proposalAnswer, proposalCall, type ProposalCall, type ProposalDraw, type ProposalDrawer } from '../decompose/proposal-draw.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { parseOptions } from '../errors/parse-options.js';
import { recordedFailureCause } from '../llm/failed-call-tally.js';
import type { LanguageModel } from '../llm/language-model.js';
import { ModelUnavailableError } from '../llm/model-errors.js';
import { SAMPLE_JOB_PROTOCOL_VERSION, sampleJobId, type ClaimedSampleJob, type JsonObject, type WorkQueue } from '../queue/work-queue.js';
import { LiveRuns } from './live-runs.js';
import { RemoteVerdictRejectedError } from './remote-verdict-rejected-error.js';

const count = z.number().int().nonnegative();
const MAX_TEXT = 4_000_000;

const ProposalCallSchema = z.strictObject({
  archetype: z.enum(ARCHETYPE_NAMES),
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(MAX_TEXT) })).min(1).max(16),
  prompt: z.string().max(MAX_TEXT),
  structuredPrompt: z.string().max(MAX_TEXT),
  continuationPrefix: z.string().max(MAX_TEXT),
  jsonSchema: z.record(z.string(), z.unknown()),
  temperature: z.number().min(0).max(2),
  promptVariant: z.string().max(200),
  maxOutputTokens: z.number().int().positive().max(1_000_000),
  seed: z.number().int(),
  metadata: z.record(z.string(), z.string()),
});

/** A proposal job's payload. */
const ProposalJobPayloadSchema = z.strictObject({ kind: z.literal('proposal'), call: ProposalCallSchema });

/** What a worker returns for a proposal job: plain data. */
export interface ProposalJobReport {
  readonly kind: 'proposal';
  readonly workerId: string;
  /** The worker's model: how its text is read (a continuation follows the prompt's prefix unless `structured`). */
  readonly style: 'chat' | 'continuation';
  readonly structured: boolean;
  readonly draw:
    | {
      readonly kind: 'answer'; readonly text: string; readonly modelId: string; readonly finishReason: string;
      readonly inputTokens: number; readonly outputTokens: number; readonly latencyMs: number; readonly costUsd: number | null;
      readonly attempts: number; readonly temperature: number | null;
    }
    | { readonly kind: 'failed'; readonly code: string; readonly statusCode: number | null; readonly message: string; readonly attempts: number; readonly unavailable: boolean }
    | { readonly kind: 'exhausted' };
}

const ProposalJobReportSchema = z.strictObject({
  kind: z.literal('proposal'),
  workerId: z.string().min(1).max(200),
  style: z.enum(['chat', 'continuation']),
  structured: z.boolean(),
  draw: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('answer'), text: z.string().max(MAX_TEXT), modelId: z.string().max(500),
      finishReason: z.enum(['stop', 'length', 'content-filter', 'error', 'other']),
      inputTokens: count, outputTokens: count, latencyMs: z.number().nonnegative(), costUsd: z.number().nonnegative().nullable(),
      attempts: z.number().int().positive(), temperature: z.number().min(0).nullable(),
    }),
    z.strictObject({
      kind: z.literal('failed'), code: z.string().min(1).max(200), statusCode: z.number().int().nullable(), message: z.string().max(10_000),
      attempts: z.number().int().positive(), unavailable: z.boolean(),
    }),
    z.strictObject({ kind: z.literal('exhausted') }),
  ]),
});

/** What a worker draws proposal samples with. */
export interface ProposalWorkerDependencies {
  /** The model for `archetype` (the worker's routes; its one model without a route). */
  readonly modelFor: (archetype: string) => LanguageModel;
  readonly workerId: string;
}

/**
 * Makes the model call of a claimed proposal job with the worker's model for its archetype, returning the report
 * for the owner. Nothing here reads the answer: the owner checks it.
 * @throws InvalidArgumentError for a payload that does not parse (the worker refuses the job, `invalid_job`); the
 *   signal's AbortError.
 */
export async function executeProposalJob(deps: ProposalWorkerDependencies, job: ClaimedSampleJob, options: { readonly signal?: AbortSignal } = {}): Promise<ProposalJobReport> {
  const { call } = parseOptions(ProposalJobPayloadSchema, job.payload, 'job.payload');
  const model = deps.modelFor(call.archetype);
  const drawn = await callForProposal(model, call as ProposalCall, options.signal);
  const base = { kind: 'proposal' as const, workerId: deps.workerId, style: model.capabilities.completionStyle, structured: model.capabilities.jsonSchema };
  switch (drawn.kind) {
    case 'exhausted': return { ...base, draw: { kind: 'exhausted' } };
    case 'failed': return { ...base, draw: { kind: 'failed', ...drawn.failure } };
    case 'answer': return {
      ...base,
      draw: {
        kind: 'answer', text: drawn.text, modelId: drawn.modelId, finishReason: drawn.finishReason, inputTokens: drawn.inputTokens,
        outputTokens: drawn.outputTokens, latencyMs: drawn.latencyMs, costUsd: drawn.costUsd, attempts: drawn.attempts, temperature: drawn.temperature,
      },
    };
  }
}

/**
 * A worker's report of `call`, read as untrusted plain data into what the vote takes: its shape is checked, a
 * temperature must be the call's (or none), and the answer is the worker's text after the call's own continuation
 * prefix (never a prefix the report gives).
 * @throws InvalidArgumentError (`invalid_argument`, parameter `report...`) for a report that does not hold.
 */
export function proposalDrawOf(call: ProposalCall, report: unknown): ProposalDraw {
  const parsed = parseOptions(ProposalJobReportSchema, report, 'report');
  const { draw } = parsed;
  switch (draw.kind) {
    case 'exhausted': return { kind: 'exhausted' };
    case 'failed': {
      const { kind: _kind, ...failure } = draw;
      const error = failure.unavailable
        ? new ModelUnavailableError({ provider: `worker ${parsed.workerId}`, message: failure.message, code: failure.code === 'circuit_open' ? 'circuit_open' : 'model_unavailable' })
        : Object.assign(new Error(failure.message), { code: recordedFailureCause(failure.code, failure.statusCode) });
      return { kind: 'failed', failure, error };
    }
    case 'answer':
      if (draw.temperature !== null && draw.temperature !== call.temperature) {
        throw new InvalidArgumentError({ parameter: 'report.draw.temperature', value: draw.temperature, expected: `the call's temperature ${call.temperature}, or null` });
      }
      return {
        kind: 'answer', answer: proposalAnswer(call, parsed.style, parsed.structured, draw.text), text: draw.text, modelId: draw.modelId,
        finishReason: draw.finishReason, inputTokens: draw.inputTokens, outputTokens: draw.outputTokens, latencyMs: draw.latencyMs,
        costUsd: draw.costUsd, attempts: draw.attempts, temperature: draw.temperature, promptVariant: call.promptVariant,
      };
  }
}

/**
 * The owner's side: each proposal sample becomes a job of `queue` under its deterministic id (`sampleJobId(run, vote
 * task, index, draw)`), waited for until a worker completes it; the report is read by {@link proposalDrawOf}.
 * @throws SampleJobRefusedError when a worker refuses the job; QueueUnavailableError; RemoteVerdictRejectedError
 *   (`remote_verdict_rejected`) for a report that does not hold; the signal's reason.
 */
export function queueProposalDrawer(queue: WorkQueue, options: { readonly priority?: number; readonly liveTtlMs?: number; readonly live?: LiveRuns } = {}): ProposalDrawer {
  const live = options.live ?? new LiveRuns(queue, options.liveTtlMs);
  return async (request) => {
    const call = proposalCall(request);
    const jobId = sampleJobId(request.runId, request.taskId, request.sampleIndex, request.draw ?? 0);
    const report = await live.with(request.runId, async () => {
      await queue.enqueueSample({
        jobId, runId: request.runId, taskId: request.taskId, sampleIndex: request.sampleIndex, protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION,
        ...(options.priority === undefined ? {} : { priority: options.priority }), payload: { kind: 'proposal', call } as unknown as JsonObject,
      });
      return queue.awaitSample(jobId, request.signal === undefined ? {} : { signal: request.signal });
    });
    try {
      return proposalDrawOf(call, report);
    } catch (error) {
      if (error instanceof InvalidArgumentError) {
        throw new RemoteVerdictRejectedError({ taskId: request.taskId, sampleIndex: request.sampleIndex, failedCheck: `the report: ${error.message}`, drawnOnly: true });
      }
      throw error;
    }
  };
}
