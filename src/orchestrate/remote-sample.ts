/**
 * @module orchestrate/remote-sample
 * A sample drawn and judged by a queue worker (`zerr worker`) for a run another process owns. The worker runs the
 * same sample step as an in-process run (`sample-step.ts`) with a recorder that keeps what it would have recorded
 * and emitted; the owner checks that report as untrusted plain data, records it in its store, emits its events and
 * votes. So the run store stays the one source of truth, and a remote run's records and decisions equal an
 * in-process run's for a model that answers the same per (task, sample index).
 */
import { z } from 'zod';
import { ModelUnavailableError } from '../llm/model-errors.js';
import { recordedFailureCause } from '../llm/failed-call-tally.js';
import type { LanguageModel } from '../llm/language-model.js';
import type { RedFlagContext, RedFlagHit } from '../redflag/red-flag-rule.js';
import type { CandidateRunner } from '../sandbox/candidate-runner.js';
import type { CallFailureRecord, LayerResultRecord, RedFlagRecord, SampleRecord, VoteRecord } from '../store/run-store.js';
import { TaskSpecSchema, type TaskSpec, type TestCase } from '../task-spec/task-spec.js';
import { TestCaseSchema } from '../task-spec/task-spec.js';
import { parseOptions } from '../errors/parse-options.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { SAMPLE_JOB_PROTOCOL_VERSION, sampleJobId, type ClaimedSampleJob, type JsonObject, type WorkQueue } from '../queue/work-queue.js';
import type { EngineEvent } from './engine-events.js';
import { ChecksMismatchError } from './checks-mismatch-error.js';
import { LiveRuns } from './live-runs.js';
import {
  addSampleTotals, drawSample, emptySampleTotals, signatureRunner, type SampleRecorder, type SampleStepContext, type SampleTotals,
  type SampleVerdict, type SignatureRunner, type VerifyCandidate,
} from './sample-step.js';

/** One sample the owner asks a worker for. */
export interface RemoteSampleRequest {
  readonly runId: string;
  readonly spec: TaskSpec;
  readonly sampleIndex: number;
  /** Calls of this sample index that gave no answer so far: draw `n` is job `sampleJobId(run, task, index, n)`. Default 0. */
  readonly draw?: number | undefined;
  readonly seed: number;
  /** Generated inputs of the behaviour classes (`SolveTaskOptions.signatureInputs`). */
  readonly signatureInputs: number;
  readonly advisoryTests: readonly TestCase[];
  readonly retrievedContext?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a worker did with one sample, in the order it happened: plain data. */
export interface RemoteSampleReport {
  readonly records: readonly RemoteRecord[];
  readonly events: readonly EngineEvent[];
  readonly totals: SampleTotals;
  readonly verdict: {
    readonly classKey?: string | undefined;
    readonly advisoryPassed?: number | undefined;
    readonly stop?: 'exhausted' | 'unavailable' | undefined;
    /** The call gave no answer: its recorded code and HTTP status. */
    readonly failed?: { readonly code: string; readonly statusCode: number | null; readonly message: string } | undefined;
  };
  /** Who drew it (`zerr worker`'s id), for messages. */
  readonly workerId: string;
}

/** A record the worker would have written. */
export type RemoteRecord =
  | { readonly kind: 'sample'; readonly record: SampleRecord }
  | { readonly kind: 'call-failure'; readonly record: CallFailureRecord }
  | { readonly kind: 'red-flag'; readonly record: RedFlagRecord }
  | { readonly kind: 'layer-result'; readonly record: LayerResultRecord }
  | { readonly kind: 'vote'; readonly record: VoteRecord };

/** Asks a worker for one sample; the owner's side of the queue. */
export type RemoteSampler = (request: RemoteSampleRequest) => Promise<RemoteSampleReport>;

/** The events a sample step emits: the only ones a report may carry. */
const SAMPLE_EVENT_TYPES = new Set(['sample-end', 'sample-failed', 'sample-red-flagged', 'verify-layer-end', 'candidate-verified']);
const count = z.number().int().nonnegative();

const RemoteSampleReportSchema = z.strictObject({
  records: z.array(z.strictObject({ kind: z.enum(['sample', 'call-failure', 'red-flag', 'layer-result', 'vote']), record: z.record(z.string(), z.unknown()) })).max(64),
  events: z.array(z.record(z.string(), z.unknown()).refine((event) => SAMPLE_EVENT_TYPES.has(String(event.type)), 'a sample event')).max(64),
  totals: z.strictObject({
    samples: count.max(1), retries: count, redFlagged: count.max(1), failed: count.max(1), verified: count.max(1),
    inputTokens: count, outputTokens: count, costUsd: z.number().nonnegative(),
    redFlagsByRule: z.record(z.string(), count), failedByLayer: z.record(z.string(), count.max(1)),
  }),
  verdict: z.strictObject({
    classKey: z.string().min(1).optional(),
    advisoryPassed: count.optional(),
    stop: z.enum(['exhausted', 'unavailable']).optional(),
    failed: z.strictObject({ code: z.string().min(1), statusCode: z.number().int().nullable(), message: z.string() }).optional(),
  }),
  workerId: z.string().min(1).max(200),
});

export type { RemoteUsageSink } from '../decompose/proposal-draw.js';

const ReportUsageSchema = z.object({ totals: z.object({ inputTokens: count, outputTokens: count, costUsd: z.number().nonnegative() }) });

/**
 * What a worker's report of a code sample says its model call spent (tokens, USD), for a budget; undefined for a
 * report whose totals do not parse (it is rejected when applied).
 */
export function remoteSampleUsage(report: unknown): { readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number } | undefined {
  const parsed = ReportUsageSchema.safeParse(report);
  return parsed.success ? parsed.data.totals : undefined;
}

/**
 * Records a worker's report of sample `index` in the owner's store, emits its events and adds its totals, as if the
 * sample had been drawn here; returns its verdict for the vote. The report is checked first: its shape, that every
 * record and event is of this run, task and sample, that a class comes with its vote record and the code with the
 * sample record (the code that represents a class is the one recorded, never a second copy).
 * @throws InvalidArgumentError (`invalid_argument`, parameter `report...`) for a report that does not hold; the
 *   store's errors (a full disk) as an in-process sample would.
 */
export async function applyRemoteSample(ctx: SampleStepContext, index: number, report: unknown): Promise<SampleVerdict> {
  const parsed = parseOptions(RemoteSampleReportSchema, report, 'report');
  const { runId, spec } = ctx;
  const bad = (parameter: string, value: unknown, expected: string): never => {
    throw new InvalidArgumentError({ parameter: `report.${parameter}`, value, expected });
  };
  for (const [at, entry] of parsed.records.entries()) {
    if (entry.record.taskId !== spec.id || entry.record.sampleIndex !== index) bad(`records.${at}`, entry.record.taskId, `a record of task ${spec.id}, sample ${index}`);
  }
  for (const [at, event] of parsed.events.entries()) {
    if (event.runId !== runId || event.taskId !== spec.id || event.sampleIndex !== index) bad(`events.${at}`, event.type, `an event of run ${runId}, task ${spec.id}, sample ${index}`);
  }
  for (const kind of ['sample', 'vote', 'call-failure'] as const) {
    if (parsed.records.filter((entry) => entry.kind === kind).length > 1) bad('records', kind, `at most one ${kind} record per sample`);
  }
  const sample = parsed.records.find((entry) => entry.kind === 'sample')?.record as SampleRecord | undefined;
  const vote = parsed.records.find((entry) => entry.kind === 'vote')?.record as VoteRecord | undefined;
  if (parsed.verdict.classKey !== undefined && (vote?.classKey !== parsed.verdict.classKey || sample?.code === null || sample === undefined)) {
    bad('verdict.classKey', parsed.verdict.classKey, 'a class with its vote record and the sample\'s recorded code');
  }
  if (parsed.verdict.classKey !== undefined && parsed.records.some((entry) => entry.kind === 'red-flag' || (entry.kind === 'layer-result' && entry.record.status === 'fail'))) {
    bad('verdict.classKey', parsed.verdict.classKey, 'no class for a sample that was red-flagged or failed a layer');
  }

  // Recorded in the order the worker would have written them; each record is checked by the store as any other.
  for (const entry of parsed.records) {
    const record = entry.record;
    switch (entry.kind) {
      case 'sample': await ctx.recorder.recordSample(runId, record as unknown as SampleRecord); break;
      case 'call-failure': await ctx.recorder.recordCallFailure(runId, record as unknown as CallFailureRecord); break;
      case 'red-flag': await ctx.recorder.recordRedFlag(runId, record as unknown as RedFlagRecord); break;
      case 'layer-result': await ctx.recorder.recordLayerResult(runId, record as unknown as LayerResultRecord); break;
      case 'vote': await ctx.recorder.recordVote(runId, record as unknown as VoteRecord); break;
    }
  }
  for (const event of parsed.events) ctx.emit(event as unknown as EngineEvent);
  addSampleTotals(ctx.totals, parsed.totals);

  const { verdict } = parsed;
  if (verdict.failed !== undefined) {
    const failure = Object.assign(new Error(verdict.failed.message), { code: recordedFailureCause(verdict.failed.code, verdict.failed.statusCode) });
    if (verdict.stop === 'unavailable') {
      const error = new ModelUnavailableError({ provider: `worker ${parsed.workerId}`, message: verdict.failed.message, code: verdict.failed.code === 'circuit_open' ? 'circuit_open' : 'model_unavailable' });
      return { index, failed: failure, stop: 'unavailable', error };
    }
    return { index, failed: failure };
  }
  if (verdict.stop === 'exhausted') return { index, stop: 'exhausted' };
  if (verdict.classKey === undefined || sample?.code === null || sample === undefined) return { index };
  return { index, classKey: verdict.classKey, code: sample.code, advisoryPassed: verdict.advisoryPassed ?? 0 };
}

/** A recorder that keeps the records in order instead of writing them. */
function capturingRecorder(records: RemoteRecord[]): SampleRecorder {
  const keep = (entry: RemoteRecord) => { records.push(entry); return Promise.resolve(); };
  return {
    recordSample: (_runId, record) => keep({ kind: 'sample', record }),
    recordCallFailure: (_runId, record) => keep({ kind: 'call-failure', record }),
    recordRedFlag: (_runId, record) => keep({ kind: 'red-flag', record }),
    recordLayerResult: (_runId, record) => keep({ kind: 'layer-result', record }),
    recordVote: (_runId, record) => keep({ kind: 'vote', record }),
  };
}

/** The sample job's payload: what a worker needs besides its own model and checks. */
const SampleJobPayloadSchema = z.strictObject({
  kind: z.literal('code'),
  spec: z.unknown(),
  seed: z.number().int(),
  signatureInputs: z.number().int().nonnegative().max(10_000),
  advisoryTests: z.array(TestCaseSchema),
  retrievedContext: z.string().optional(),
  checks: z.strictObject({ pythonTypes: z.boolean() }),
});

/**
 * The verification settings an owner and its workers must share, or the workers' verdicts are not the owner's:
 * sent with every job, compared by the worker (a job of other settings is refused, `checks_mismatch`).
 */
export interface VerificationSettings {
  /** Python candidates type-checked with pyright (`--no-python-types` turns it off). */
  readonly pythonTypes: boolean;
}

/** What a worker runs samples with: its model, red-flag rules, verifier and sandbox runner. */
export interface SampleWorkerDependencies {
  /** This worker's verification settings, compared with each job's. */
  readonly checks: VerificationSettings;
  readonly model: LanguageModel;
  readonly redFlag: (context: RedFlagContext) => Promise<readonly RedFlagHit[]>;
  readonly verify: VerifyCandidate;
  readonly candidateRunner: CandidateRunner;
  readonly workerId: string;
  /** The model proposal samples of `archetype` are drawn with (the worker's routes). Default `model`. */
  readonly modelFor?: ((archetype: string) => LanguageModel) | undefined;
}

/**
 * Draws and judges the sample of a claimed job with the worker's own model and checks, returning the report for
 * the owner. The signature inputs of a task are computed once per worker and kept in `cache` (they are
 * deterministic for the spec, count and seed).
 * @throws InvalidArgumentError for a payload that does not parse (the worker refuses the job, `invalid_job`);
 *   ChecksMismatchError (`checks_mismatch`) for a job of other verification settings; the signal's AbortError.
 */
export async function executeSampleJob(
  deps: SampleWorkerDependencies,
  job: ClaimedSampleJob,
  options: { readonly signal?: AbortSignal; readonly cache?: Map<string, Promise<SignatureRunner>> } = {},
): Promise<RemoteSampleReport> {
  const payload = parseOptions(SampleJobPayloadSchema, job.payload, 'job.payload');
  if (payload.checks.pythonTypes !== deps.checks.pythonTypes) {
    throw new ChecksMismatchError(`the run checks Python types ${payload.checks.pythonTypes ? 'with pyright' : 'not at all (--no-python-types)'}, this worker ${deps.checks.pythonTypes ? 'with pyright' : 'not at all (--no-python-types)'}: start the workers with the owner's verification flags`);
  }
  const spec = parseOptions(TaskSpecSchema, payload.spec, 'job.payload.spec') as TaskSpec;
  if (spec.id !== job.taskId) throw new InvalidArgumentError({ parameter: 'job.payload.spec.id', value: spec.id, expected: `the job's task, ${job.taskId}` });
  const cacheKey = JSON.stringify([job.runId, job.taskId, payload.seed, payload.signatureInputs, payload.advisoryTests.length]);
  const cache = options.cache ?? new Map<string, Promise<SignatureRunner>>();
  let signature = cache.get(cacheKey);
  if (signature === undefined) {
    signature = signatureRunner({ spec, runner: deps.candidateRunner, count: payload.signatureInputs, seed: payload.seed, advisory: payload.advisoryTests });
    cache.set(cacheKey, signature);
    signature.catch(() => cache.delete(cacheKey));
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
  }
  const records: RemoteRecord[] = [];
  const events: EngineEvent[] = [];
  const totals = emptySampleTotals();
  const ctx: SampleStepContext = {
    runId: job.runId, spec, model: deps.model, redFlag: deps.redFlag, verify: deps.verify, recorder: capturingRecorder(records),
    emit: (event) => events.push(event), signature: await signature, advisory: payload.advisoryTests, seed: payload.seed,
    retrievedContext: payload.retrievedContext, signal: options.signal, totals,
  };
  const verdict = await drawSample(ctx, job.sampleIndex);
  const failure = records.find((entry) => entry.kind === 'call-failure')?.record as CallFailureRecord | undefined;
  return {
    records, events, totals, workerId: deps.workerId,
    verdict: {
      ...(verdict.classKey === undefined ? {} : { classKey: verdict.classKey, advisoryPassed: verdict.advisoryPassed ?? 0 }),
      ...(verdict.stop === undefined ? {} : { stop: verdict.stop }),
      ...(failure === undefined ? {} : { failed: { code: failure.code, statusCode: failure.statusCode, message: failure.message } }),
    },
  };
}

/**
 * The owner's side: each sample becomes a job of `queue` under its deterministic id (`sampleJobId`), waited for until
 * a worker completes it. The run is kept registered live while it has jobs in flight (`live`: the engine's
 * {@link LiveRuns}, shared with its proposal drawer; default one of its own with `liveTtlMs`, default 60,000).
 * @throws SampleJobRefusedError when a worker refuses the job; QueueUnavailableError; the signal's reason.
 */
export function queueSampler(queue: WorkQueue, options: { readonly checks: VerificationSettings; readonly priority?: number; readonly liveTtlMs?: number; readonly live?: LiveRuns }): RemoteSampler {
  const live = options.live ?? new LiveRuns(queue, options.liveTtlMs);
  return async (request) => {
    const jobId = sampleJobId(request.runId, request.spec.id, request.sampleIndex, request.draw ?? 0);
    const payload: JsonObject = {
      kind: 'code', spec: request.spec, seed: request.seed, signatureInputs: request.signatureInputs, advisoryTests: request.advisoryTests,
      ...(request.retrievedContext === undefined ? {} : { retrievedContext: request.retrievedContext }),
      checks: { ...options.checks },
    };
    return live.with(request.runId, async () => {
      await queue.enqueueSample({
        jobId, runId: request.runId, taskId: request.spec.id, sampleIndex: request.sampleIndex, protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION,
        ...(options.priority === undefined ? {} : { priority: options.priority }), payload,
      });
      return await queue.awaitSample(jobId, request.signal === undefined ? {} : { signal: request.signal }) as unknown as RemoteSampleReport;
    });
  };
}
