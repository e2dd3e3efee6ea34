/**
 * @module service/run-service
 * Runs as resources, shared by the HTTP server and the MCP server (issue 6): starts solve and build runs in the
 * background on one engine and returns their id at once, keeps each run's engine events as a numbered log (for
 * Server-Sent Events resumable with Last-Event-ID), cancels runs, answers escalations, and on start resumes the
 * builds a previous server process left `running`. Admission control: at most `maxRunningRuns` runs work at once;
 * further runs wait in a FIFO queue (status `queued`, their place in `queuePosition`) of at most `maxQueuedRuns`,
 * beyond which a new run is refused with `run_queue_full` (see `admission-queue.ts`); with a cluster's run queue
 * (`cluster`, `zerr serve --redis`), new runs wait there instead, for any server's free slot. No engine logic lives
 * here: it only calls the public engine API and reads the run store.
 *
 * The contract (types) comes first; {@link createRunService} below implements it.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Engine } from '../engine.js';
import { parseOptions } from '../errors/parse-options.js';
import { newRunId } from '../orchestrate/run-id.js';
import { assertSolvable } from '../orchestrate/solvable.js';
import { parseBuildRequest } from '../orchestrate/project-build/build-request.js';
import { parseTaskSpec } from '../task-spec/load-spec.js';
import { AnswerRejectedError, checkCodeAnswer } from '../orchestrate/escalation-answer.js';
import { AdmissionQueue } from './admission-queue.js';
import { RunEventLog } from './run-event-log.js';
import { runView } from './run-view.js';
import { ServiceClosedError } from './service-closed-error.js';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import type { BuildRequestInput } from '../orchestrate/project-build/build-request.js';
import type { BuildReport } from '../orchestrate/project-build/build-report.js';
import type { TaskSpec, TaskSpecInput } from '../task-spec/task-spec.js';
import type { EscalationRecord, RunRecord, RunStore, RunSummary } from '../store/run-store.js';
import type { RunJobRequest, SubmittedRunView } from '../queue/redis/bullmq-run-queue.js';
import { RunQueueFullError } from './run-queue-full-error.js';

/** One numbered event of a run's log. `id` runs 1, 2, 3, ... per run (the SSE `id:` field). */
export interface RunEventEntry {
  readonly id: number;
  readonly event: EngineEvent;
}

/** What `GET /v1/runs/:id` and MCP `run_status` return. */
export interface RunView {
  readonly id: string;
  readonly kind: string;
  /**
   * Store status; `running` also for a run this process is working on right now; `queued` while the run waits for
   * a slot (admission control), and `cancelled` / `failed` for a queued run that was cancelled or failed to start
   * before anything was recorded.
   */
  readonly status: string;
  /** 1-based place in the queue while `status` is `queued` (1: next to start), else null. */
  readonly queuePosition: number | null;
  readonly model: string;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  /** True while this process works on the run. */
  readonly live: boolean;
  /** Tasks with their latest decision (outcome, votes, runner-up, samples) or null while undecided. */
  readonly tasks: readonly {
    readonly taskId: string;
    /** The task's first-to-ahead-by-k margin (its decision's, else the run's configuration), or null when unknown. */
    readonly k: number | null;
    readonly decision: { readonly outcome: string; readonly votes: number; readonly runnerUpVotes: number; readonly samples: number; readonly reason: string } | null;
    readonly samples: number;
    readonly redFlagsByRule: Readonly<Record<string, number>>;
    readonly failedLayers: Readonly<Record<string, number>>;
    readonly votesPerClass: Readonly<Record<string, number>>;
  }[];
  /** A build's DAG (from its checkpoints): nodes with dependencies and state, or null for a solve run. */
  readonly dag: { readonly nodes: readonly { readonly id: string; readonly dependencies: readonly string[]; readonly state: 'pending' | 'decomposing' | 'settled' | 'escalated' }[] } | null;
  /**
   * Escalations with the outcome of each answer already checked (`resolutions`: accepted, or rejected with the
   * failing layer's reason) and the settled code of the task's dependencies (`dependencies`; empty for solve runs).
   */
  readonly escalations: readonly (EscalationRecord & {
    readonly resolutions: readonly { readonly accepted: boolean; readonly reason: string }[];
    readonly dependencies: readonly { readonly id: string; readonly code: string | null }[];
  })[];
  readonly totals: { readonly samples: number; readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number; readonly wallMs: number };
  /** Per model that answered samples of the run (a routed run has several): samples, tokens and cost, most samples first. */
  readonly models: readonly { readonly model: string; readonly samples: number; readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number }[];
  /** The build report once the build paused or completed (null otherwise). */
  readonly report: BuildReport | null;
  readonly summary: Readonly<Record<string, unknown>> | null;
}

/** What a run service needs of the cluster's run queue (`BullmqRunQueue`). */
export interface ClusterRunQueue {
  /** Adds a run with its id (`request.runId`). @throws QueueUnavailableError. */
  submitRun(request: RunJobRequest): Promise<void>;
  /** Where a submitted run's job is; undefined when there is none. */
  findRun(runId: string): Promise<SubmittedRunView | undefined>;
  /** Submitted runs still waiting for a server, oldest first. */
  waitingRuns(): Promise<readonly SubmittedRunView[]>;
  /** Removes a waiting run's job or flags a running one; false when there is none (or it ended). */
  cancelRun(runId: string): Promise<boolean>;
}

/** What starting a run gives: its id and, when every slot was taken, its place in the queue. */
export interface StartedRun {
  readonly runId: string;
  /** 1-based place in the queue when the run waits for a slot; null when it started at once (and is recorded). */
  readonly queuePosition: number | null;
}

/** A line of {@link RunService.list}: a stored run, or a new run still waiting in the queue (status `queued`). */
export type ServiceRunSummary = Omit<RunSummary, 'status'> & { readonly status: RunSummary['status'] | 'queued'; readonly queuePosition: number | null };

/** The run service. */
export interface RunService {
  /**
   * Starts solving one spec in the background; resolves once the run is recorded (202 semantics), or once it was
   * queued when every slot is taken.
   * @throws InvalidSpecError, InvalidArgumentError, ServiceClosedError, RunQueueFullError (`run_queue_full`).
   */
  startSolve(input: {
    readonly spec: TaskSpecInput; readonly k?: number; readonly maxSamples?: number;
    /** `adaptive`: adaptive k (decision 022) with error target `target` (default 0.95). Default plain first-to-ahead-by-k. */
    readonly vote?: 'first-to-ahead-by-k' | 'adaptive'; readonly target?: number;
  }): Promise<StartedRun>;
  /** Starts a build in the background into `<outRoot>/<runId>`; resolves as {@link RunService.startSolve} does. */
  startBuild(input: { readonly request: BuildRequestInput }): Promise<StartedRun>;
  /**
   * Starts here, now, a run taken from the cluster's run queue (`run-job-consumer.ts`: the caller took it because a
   * slot is free), under its `runId` when it has one.
   * @throws InvalidSpecError, InvalidArgumentError for a request that does not hold; ServiceClosedError.
   */
  startQueued(request: RunJobRequest): Promise<StartedRun>;
  /** Recent runs, most recent first: new runs waiting in the queue first, then the store's. */
  list(options?: { readonly limit?: number }): Promise<readonly ServiceRunSummary[]>;
  /** A run's view, or undefined when the store has no such run. */
  get(runId: string): Promise<RunView | undefined>;
  /** The raw record (for MCP resources / `runs show`). */
  record(runId: string): Promise<RunRecord | undefined>;
  /**
   * Events of `runId` with id > `afterId` (default 0), then live ones as they come, until the run ends or `signal`
   * aborts. The log is kept in the run store, so it also holds the events of earlier processes, and ids go on
   * where they stopped (a client's `Last-Event-ID` stays valid across a restart). Empty for an unknown run.
   */
  events(runId: string, options?: { readonly afterId?: number; readonly signal?: AbortSignal }): AsyncIterable<RunEventEntry>;
  /** Cancels a live run (a build pauses cleanly, resumable); false when the run is not live here. */
  cancel(runId: string): Promise<boolean>;
  listEscalations(filter?: { readonly runId?: string; readonly status?: 'open' | 'answered' }): Promise<readonly (EscalationRecord & { readonly runId: string })[]>;
  /** Answers an escalation; a live build picks the answer up, a paused build is resumed in the background. */
  answerEscalation(runId: string, escalationId: string, answer: { readonly answer: unknown; readonly answeredBy: string }): Promise<EscalationRecord>;
  /** Resolves when the run is no longer live here (immediately when it is not). */
  settled(runId: string): Promise<void>;
  /**
   * Runs this process works on now, runs waiting for a slot (first to start first), the admission limits, and
   * whether the service was closed (for `GET /status` and `GET /ready`).
   */
  status(): { readonly live: readonly string[]; readonly queued: readonly string[]; readonly maxRunningRuns: number; readonly maxQueuedRuns: number; readonly closed: boolean };
  /**
   * Ids of the builds found `running` in the store at creation and resumed in the background (empty when
   * `resumeInterrupted` is false). Resolves once they were started.
   */
  readonly resumedInterrupted: Promise<readonly string[]>;
  /**
   * Drops the queue (queued new runs end `cancelled`, queued resumes stay as stored), cancels live runs (builds
   * pause), waits for them and for their last events to be stored; closes nothing it was given.
   */
  close(): Promise<void>;
}

/** What a run service is built from. */
export interface RunServiceOptions {
  readonly engine: Engine;
  readonly store: RunStore;
  /** Folder under which each build gets `<runId>/`. */
  readonly outRoot: string;
  /** Builds waiting on escalations poll for answers this long before pausing (ms). Default 0. */
  readonly escalationWaitMs?: number;
  /**
   * Resume builds left `running` by an earlier process when the service starts. Default true. Only safe when no
   * other process (e.g. a `zerr build` in a terminal) is working on a build in the same store right now.
   */
  readonly resumeInterrupted?: boolean;
  /** Receives failures of background work nobody awaits (a resumed build that failed). Default: ignored. */
  readonly onBackgroundError?: (error: unknown, runId: string) => void;
  /** Runs worked on at once; more wait in the queue. Default `defaultMaxRunningRuns()` (half the CPUs, 2 to 8). */
  readonly maxRunningRuns?: number;
  /** Runs that may wait for a slot; a new run beyond them is refused (`run_queue_full`). Default 16. */
  readonly maxQueuedRuns?: number;
  /** The engine's model name, shown for runs still waiting in the queue (nothing is recorded for them yet). Default `''`. */
  readonly modelName?: string;
  /**
   * The cluster's run queue (`zerr serve --redis`: `BullmqRunQueue`). With one, a new run (`startSolve`,
   * `startBuild`) is checked here, then waits in the cluster's queue for the first server with a free slot (this one
   * too, through `run-job-consumer.ts`): admission is cluster-wide, and `maxQueuedRuns` bounds the runs submitted to
   * the cluster's servers that wait (batches and schedules are not counted). Default none: runs wait in this
   * process's queue.
   */
  readonly cluster?: ClusterRunQueue | undefined;
  /**
   * Epoch (ms) the commit dates of new builds count from (`SOURCE_DATE_EPOCH` × 1000), for reproducible histories,
   * as `zerr build` does. Default: each build's start time.
   */
  readonly commitEpochMs?: number;
}

/** Event logs of finished runs kept in memory (the oldest finished ones are dropped beyond this; the store keeps them). */
const MAX_FINISHED_LOGS = 200;

const SolveInputSchema = z.object({
  spec: z.unknown(),
  k: z.number().int().positive().optional(),
  maxSamples: z.number().int().positive().optional(),
  vote: z.enum(['first-to-ahead-by-k', 'adaptive']).optional(),
  target: z.number().gt(0, 'a number in (0, 1)').lt(1, 'a number in (0, 1)').optional(),
}).strict().refine((input) => input.target === undefined || input.vote === 'adaptive', { message: 'vote "adaptive" (target sets its error target)', path: ['target'] });

interface LiveRun {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/** Runs not started yet that the store may not know: waiting for a slot, starting, or ended before they started. */
const MAX_NOT_STARTED = 200;

/** A run admitted to the queue: what to start when a slot frees, and what its view shows meanwhile. */
interface PendingRun {
  readonly runId: string;
  readonly kind: string;
  readonly queuedAt: number;
  /** Whether the store already holds the run (a queued resume) or it is new (nothing recorded until it starts). */
  readonly stored: boolean;
  readonly work: (signal: AbortSignal) => Promise<unknown>;
  state: 'queued' | 'starting' | 'cancelled' | 'failed';
  endedAt: number | null;
  error: string | null;
  /** Resolves when the run started (it is live then), or ended without starting. */
  readonly started: Promise<void>;
  readonly markStarted: () => void;
}

/**
 * Creates the run service on `options.engine` and `options.store`. Builds run into `<outRoot>/<runId>`; on
 * creation, builds the store holds as `running` are resumed in the background (see `resumedInterrupted`).
 * `startSolve` throws SpecValidationError (`invalid_spec`, including the preconditions the judge evaluates) /
 * InvalidArgumentError (`invalid_argument`); `startBuild`
 * InvalidArgumentError; both ServiceClosedError (`service_closed`) after `close`. `answerEscalation` throws what
 * `RunStore.answerEscalation` throws (`run_not_found`, `escalation_not_found`, `escalation_already_answered`).
 */
export function createRunService(options: RunServiceOptions): RunService {
  const { engine, store } = options;
  const outRoot = resolve(options.outRoot);
  const escalationWaitMs = options.escalationWaitMs ?? 0;
  const logs = new Map<string, RunEventLog>();
  const opening = new Map<string, Promise<RunEventLog>>();
  const live = new Map<string, LiveRun>();
  /** Runs this service launched (a build it started is not "interrupted" by an earlier process). */
  const launched = new Set<string>();
  /** Live runs that got an answer while working: resumed if they pause anyway. */
  const answeredWhileLive = new Set<string>();
  const admission = new AdmissionQueue<PendingRun>({
    ...(options.maxRunningRuns === undefined ? {} : { maxRunningRuns: options.maxRunningRuns }),
    ...(options.maxQueuedRuns === undefined ? {} : { maxQueuedRuns: options.maxQueuedRuns }),
  });
  /** Runs admitted to the queue, by id, until they started (new runs that never started are kept, bounded). */
  const pending = new Map<string, PendingRun>();
  let closed = false;
  const unsubscribe = engine.on((event) => { logs.get(event.runId)?.append(event); });
  const reportBackground = (error: unknown, runId: string): void => { options.onBackgroundError?.(error, runId); };

  const ensureOpen = (operation: string): void => {
    if (closed) throw new ServiceClosedError(operation);
  };

  /** The run's event log, backed by the store's: numbering goes on from what earlier processes stored. */
  const logOf = (runId: string): Promise<RunEventLog> => {
    const known = logs.get(runId);
    if (known !== undefined) return Promise.resolve(known);
    const pending = opening.get(runId) ?? (async () => {
      const log = new RunEventLog({
        startId: await store.lastEventId(runId),
        readStored: async (afterId, limit) => (await store.listEvents(runId, { afterId, limit })) as readonly RunEventEntry[],
        persist: (entries) => store.appendEvents(runId, entries),
        onPersistError: (error) => { reportBackground(error, runId); },
      });
      logs.set(runId, log);
      const finished = [...logs.entries()].filter(([, each]) => !each.live && each.settled);
      for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_LOGS))) logs.delete(id);
      return log;
    })().finally(() => { opening.delete(runId); });
    opening.set(runId, pending);
    return pending;
  };

  /**
   * Starts `work` for `runId` in the background, in a slot already taken. Resolves once the run emitted its first
   * event (it is recorded by then), or rejects with the error that stopped it before that. The slot is released
   * once, when the work ended (or failed to start).
   */
  const launch = async (runId: string, work: (signal: AbortSignal) => Promise<unknown>): Promise<void> => {
    launched.add(runId);
    const startedAt = Date.now();
    let released = false;
    const releaseSlot = (ran: boolean): void => {
      if (released) return;
      released = true;
      const next = admission.release(ran ? Date.now() - startedAt : undefined);
      if (next !== undefined) startPending(next);
    };
    let log: RunEventLog;
    try {
      log = await logOf(runId);
    } catch (error) {
      releaseSlot(false);
      throw error;
    }
    const controller = new AbortController();
    const firstId = log.size;
    log.setLive(true);
    let failure: { error: unknown } | undefined;
    const done = Promise.resolve()
      .then(() => work(controller.signal))
      .then(() => undefined, (error: unknown) => {
        failure = { error };
        if (log.size > firstId && !log.endedLast()) {
          log.append({ type: 'run-end', runId, at: Date.now(), status: 'failed', error: error instanceof Error ? error.message : String(error) });
        }
      })
      .finally(() => {
        live.delete(runId);
        log.setLive(false);
        releaseSlot(log.size > firstId);
        if (answeredWhileLive.delete(runId) && !closed) void resumeIfPaused(runId).catch((error: unknown) => { reportBackground(error, runId); });
      });
    live.set(runId, { controller, done });
    for await (const _entry of log.read(firstId)) break;
    if (log.size === firstId && failure !== undefined) throw failure.error;
    if (failure !== undefined && log.size > firstId) reportBackground(failure.error, runId);
    else void done.then(() => { if (failure !== undefined) reportBackground(failure.error, runId); });
  };

  /** Starts a run that waited in the queue, in the slot the run before it released. */
  function startPending(item: PendingRun): void {
    if (closed) {
      // Nothing starts any more: this run and any other still waiting end here, and the slot is freed.
      for (let next: PendingRun | undefined = item; next !== undefined; next = admission.release()) {
        endPending(next, 'cancelled', 'the server shut down before the run started');
      }
      return;
    }
    item.state = 'starting';
    launch(item.runId, item.work).then(() => {
      pending.delete(item.runId);
      item.markStarted();
    }, (error: unknown) => {
      endPending(item, 'failed', error instanceof Error ? error.message : String(error));
      reportBackground(error, item.runId);
    });
  }

  /** A pending run ends without having started: its view says so (new runs), readers of its events stop. */
  function endPending(item: PendingRun, state: 'cancelled' | 'failed', error: string): void {
    item.state = state;
    item.error = error;
    item.endedAt = Date.now();
    if (item.stored) pending.delete(item.runId);
    logs.get(item.runId)?.setLive(false);
    item.markStarted();
    const ended = [...pending.values()].filter((each) => each.state === 'cancelled' || each.state === 'failed');
    for (const old of ended.slice(0, Math.max(0, ended.length - MAX_NOT_STARTED))) pending.delete(old.runId);
  }

  /**
   * Starts `work` for `runId` now when a slot is free, else queues it (`force`: even beyond `maxQueuedRuns`, for work
   * the service owes). Returns the queue position, or null when it started.
   * @throws RunQueueFullError when the queue is full (and not `force`); what `launch` throws.
   */
  const admit = async (runId: string, kind: string, work: (signal: AbortSignal) => Promise<unknown>, admitOptions: { readonly stored: boolean; readonly force?: boolean }): Promise<number | null> => {
    if (admission.tryAcquire()) {
      await launch(runId, work);
      return null;
    }
    let markStarted = (): void => undefined;
    const started = new Promise<void>((resolve) => { markStarted = resolve; });
    const item: PendingRun = { runId, kind, queuedAt: Date.now(), stored: admitOptions.stored, work, state: 'queued', endedAt: null, error: null, started, markStarted };
    const position = admission.enqueue(item, { force: admitOptions.force === true });
    pending.set(runId, item);
    launched.add(runId);
    // Readers of the run's events wait for it to start.
    const log = await logOf(runId);
    if (admission.position(runId) !== undefined) log.setLive(true);
    return position;
  };

  const resumeBuild = async (runId: string): Promise<void> => {
    await admit(runId, 'build', (signal) => engine.resumeBuild(runId, { escalationWaitMs, signal }), { stored: true, force: true });
  };

  const resumeIfPaused = async (runId: string): Promise<boolean> => {
    if (closed || live.has(runId) || pending.get(runId)?.state === 'queued') return false;
    const run = await store.getRun(runId);
    if (run?.kind !== 'build' || run.status !== 'paused') return false;
    await resumeBuild(runId);
    return true;
  };

  const resumedInterrupted = options.resumeInterrupted === false ? Promise.resolve([]) : (async (): Promise<readonly string[]> => {
    const runs = await store.listRuns({ limit: 1000 });
    const interrupted = runs.filter((run) => run.kind === 'build' && run.status === 'running' && !launched.has(run.id)).map((run) => run.id);
    const started: string[] = [];
    for (const runId of interrupted) {
      if (closed) break;
      try {
        await resumeBuild(runId);
        started.push(runId);
      } catch (error) {
        reportBackground(error, runId);
      }
    }
    return started;
  })().catch((error: unknown) => {
    reportBackground(error, '');
    return [];
  });

  /**
   * A solve input parsed, with the whole spec check (preconditions run by the judge) before the run is accepted: a bad
   * spec is a 400 now, not a failed run later. Engine.run checks again (its judge caches the verdicts).
   * @throws InvalidArgumentError naming `name`'s field; SpecValidationError; what `assertSolvable` throws.
   */
  const checkedSolve = async (input: unknown, name: string): Promise<{ readonly parsed: z.output<typeof SolveInputSchema>; readonly spec: TaskSpec }> => {
    const parsed = parseOptions(SolveInputSchema, input, name);
    const spec = parseTaskSpec(parsed.spec, 'spec');
    await engine.checkSpec(spec);
    assertSolvable(spec);
    return { parsed, spec };
  };
  /** The work of a solve run of `spec` under `runId`. */
  const solveWork = (spec: TaskSpec, parsed: z.output<typeof SolveInputSchema>, runId: string) => (signal: AbortSignal) => engine.run([spec], {
    runId, signal, stopAs: 'cancelled', ...(parsed.k === undefined ? {} : { k: parsed.k }), ...(parsed.maxSamples === undefined ? {} : { maxSamples: parsed.maxSamples }),
    ...(parsed.vote === 'adaptive' ? { adaptiveK: parsed.target === undefined ? {} : { target: parsed.target } } : {}),
  });
  /** The work of a build of `request` into `<outRoot>/<runId>`. */
  const buildWork = (request: ReturnType<typeof parseBuildRequest>, runId: string) => (signal: AbortSignal) => {
    const commitEpochMs = options.commitEpochMs;
    return engine.build(request, { outDir: join(outRoot, runId), runId, escalationWaitMs, signal, ...(commitEpochMs === undefined ? {} : { commitEpochMs }) });
  };

  const cluster = options.cluster;
  /**
   * Runs this service put in the cluster's queue that have not started here: readers of their events wait (the log is
   * live) until the run starts here, or another server takes it or it is cancelled (then the log here ends).
   */
  const submitted = new Map<string, NodeJS.Timeout>();
  const unwatch = (runId: string, endLog: boolean): void => {
    const watch = submitted.get(runId);
    if (watch === undefined) return;
    clearInterval(watch);
    submitted.delete(runId);
    if (endLog && !live.has(runId)) logs.get(runId)?.setLive(false);
  };
  /**
   * Puts a checked run in the cluster's queue (admission is cluster-wide: beyond `maxQueuedRuns` runs submitted to
   * the cluster's servers waiting, `run_queue_full`). Returns its place among the waiting runs.
   */
  const submitToCluster = async (queue: ClusterRunQueue, request: RunJobRequest & { readonly runId: string }): Promise<StartedRun> => {
    const { runId } = request;
    // Runs submitted to servers (the API, MCP) count; batches and schedules are bounded by whoever submits them.
    if ((await queue.waitingRuns()).length >= admission.maxQueuedRuns) {
      throw new RunQueueFullError({ maxRunningRuns: admission.maxRunningRuns, maxQueuedRuns: admission.maxQueuedRuns, retryAfterMs: admission.retryAfterMs() });
    }
    const log = await logOf(runId);
    log.setLive(true);
    try {
      await queue.submitRun(request);
    } catch (error) {
      log.setLive(false);
      throw error;
    }
    const watch = setInterval(() => {
      if (launched.has(runId)) { unwatch(runId, false); return; }
      queue.findRun(runId).then((found) => {
        // Taken by another server (it names itself once the run started there), cancelled, or gone.
        if (found === undefined || found.state === 'completed' || found.state === 'failed' || (found.state === 'active' && found.server !== null && !launched.has(runId))) unwatch(runId, true);
      }, () => undefined);
    }, 1_000);
    watch.unref();
    submitted.set(runId, watch);
    const found = await queue.findRun(runId).catch(() => undefined);
    return { runId, queuePosition: found?.state === 'waiting' ? found.position : null };
  };

  return {
    async startSolve(input) {
      ensureOpen('start a run');
      const { parsed, spec } = await checkedSolve(input, 'input');
      const runId = newRunId();
      if (cluster !== undefined) {
        return submitToCluster(cluster, {
          kind: 'solve', runId, spec: parsed.spec as Record<string, unknown>, source: 'POST /v1/runs',
          ...(parsed.k === undefined ? {} : { k: parsed.k }), ...(parsed.maxSamples === undefined ? {} : { maxSamples: parsed.maxSamples }),
          ...(parsed.vote === undefined ? {} : { vote: parsed.vote }), ...(parsed.target === undefined ? {} : { target: parsed.target }),
        });
      }
      return { runId, queuePosition: await admit(runId, 'solve', solveWork(spec, parsed, runId), { stored: false }) };
    },
    async startBuild(input) {
      ensureOpen('start a build');
      const request = parseBuildRequest(input.request);
      const runId = newRunId();
      if (cluster !== undefined) return submitToCluster(cluster, { kind: 'build', runId, request: input.request as Record<string, unknown>, source: 'POST /v1/runs' });
      return { runId, queuePosition: await admit(runId, 'build', buildWork(request, runId), { stored: false }) };
    },
    async startQueued(request) {
      ensureOpen('start a run');
      const runId = request.runId ?? newRunId();
      if (request.runId !== undefined) {
        // Taken again after its server stopped (a lapsed job): already live here (a resumed build), finished, or
        // resumed from what this store recorded of it.
        if (live.has(runId) || pending.has(runId)) return { runId, queuePosition: null };
        const stored = await store.getRun(runId);
        if (stored?.status === 'completed') return { runId, queuePosition: null };
        if (stored !== undefined) {
          const resume = stored.kind === 'build'
            ? (signal: AbortSignal) => engine.resumeBuild(runId, { escalationWaitMs, signal })
            : (signal: AbortSignal) => engine.resumeRun(runId, { signal });
          return { runId, queuePosition: await admit(runId, stored.kind, resume, { stored: true, force: true }) };
        }
      }
      if (request.kind === 'build') {
        const build = parseBuildRequest(request.request as BuildRequestInput);
        return { runId, queuePosition: await admit(runId, 'build', buildWork(build, runId), { stored: false, force: true }) };
      }
      const { parsed, spec } = await checkedSolve({ spec: request.spec, k: request.k, maxSamples: request.maxSamples, vote: request.vote, target: request.target }, 'request');
      return { runId, queuePosition: await admit(runId, 'solve', solveWork(spec, parsed, runId), { stored: false, force: true }) };
    },
    async list(listOptions = {}) {
      const stored = await store.listRuns(listOptions.limit === undefined ? {} : { limit: listOptions.limit });
      const waiting = admission.waiting.filter((item) => !item.stored).reverse().map((item): ServiceRunSummary => ({
        id: item.runId, kind: item.kind, model: options.modelName ?? '', status: 'queued', createdAt: item.queuedAt, finishedAt: null,
        tasks: 0, samples: 0, queuePosition: admission.position(item.runId) ?? null,
      }));
      const known = new Set([...waiting.map((run) => run.id), ...stored.map((run) => run.id)]);
      // Redis out of reach: the list still shows this server's runs.
      const waitingInCluster = cluster === undefined ? [] : (await cluster.waitingRuns().catch(() => [])).filter((run) => !known.has(run.runId)).reverse().map((run): ServiceRunSummary => ({
        id: run.runId, kind: run.kind, model: options.modelName ?? '', status: 'queued', createdAt: run.createdAt, finishedAt: null, tasks: 0, samples: 0, queuePosition: run.position,
      }));
      const runs = [...waitingInCluster, ...waiting, ...stored.map((run): ServiceRunSummary => ({ ...run, queuePosition: admission.position(run.id) ?? null }))];
      return runs.slice(0, listOptions.limit ?? 50);
    },
    async get(runId) {
      const item = pending.get(runId);
      const position = admission.position(runId) ?? null;
      const run = await store.getRun(runId);
      if (run !== undefined) {
        const view = await runView(run, { live: live.has(runId), now: Date.now() });
        return position === null ? view : { ...view, status: 'queued', queuePosition: position };
      }
      if (item !== undefined) return notStartedView(item, position, options.modelName ?? '');
      const found = cluster === undefined ? undefined : await cluster.findRun(runId);
      return found === undefined ? undefined : clusterRunView(found, options.modelName ?? '');
    },
    record: (runId) => store.getRun(runId),
    async *events(runId, eventOptions = {}) {
      // An unknown run reads as an empty log (pruned with the finished ones).
      yield* (await logOf(runId)).read(eventOptions.afterId ?? 0, eventOptions.signal);
    },
    async cancel(runId) {
      const waiting = admission.remove(runId);
      if (waiting !== undefined) {
        endPending(waiting, 'cancelled', 'cancelled by request before it started');
        return true;
      }
      const run = live.get(runId);
      if (run === undefined) {
        // A run in the cluster's queue: removed while it waits, else its server cancels it.
        if (cluster === undefined || !(await cluster.cancelRun(runId))) return false;
        unwatch(runId, true);
        return true;
      }
      answeredWhileLive.delete(runId);
      run.controller.abort(new Error('cancelled by request'));
      return true;
    },
    listEscalations: (filter = {}) => store.listEscalations(filter),
    async answerEscalation(runId, escalationId, answer) {
      // A code answer is verified now: a rejected one is not stored, and the caller learns the failing layer's reason.
      const escalation = (await store.listEscalations({ runId })).find((each) => each.escalationId === escalationId);
      if (escalation !== undefined && escalation.status === 'open') {
        const check = await checkCodeAnswer(escalation, answer.answer, (spec, code) => engine.verify(spec, code));
        if (check?.accepted === false) throw new AnswerRejectedError({ escalationId, failedLayer: check.failedLayer, reason: check.reason });
      }
      const answered = await store.answerEscalation(runId, escalationId, { answer: answer.answer, answeredBy: answer.answeredBy, answeredAt: Date.now() });
      if (live.has(runId)) answeredWhileLive.add(runId);
      // The answer is stored whatever happens next; a resume that fails to start is reported, not thrown.
      else if (!closed) await resumeIfPaused(runId).catch((error: unknown) => { reportBackground(error, runId); });
      return answered;
    },
    settled: async (runId) => {
      await pending.get(runId)?.started;
      await live.get(runId)?.done;
    },
    status: () => ({
      live: [...live.keys()], queued: admission.waiting.map((item) => item.runId),
      maxRunningRuns: admission.maxRunningRuns, maxQueuedRuns: admission.maxQueuedRuns, closed,
    }),
    resumedInterrupted,
    async close() {
      closed = true;
      // Runs this server put in the cluster's queue stay there, for any server to take; readers here stop waiting.
      for (const runId of [...submitted.keys()]) unwatch(runId, true);
      try {
        for (const item of admission.drain()) endPending(item, 'cancelled', 'the server shut down before the run started');
        await resumedInterrupted;
        for (const item of admission.drain()) endPending(item, 'cancelled', 'the server shut down before the run started');
        const running = [...live.values()];
        for (const run of running) run.controller.abort(new Error('the server is shutting down'));
        await Promise.allSettled(running.map((run) => run.done));
        // The last events reach the store before the caller closes it.
        await Promise.all([...logs.values()].map((log) => log.flushed()));
      } finally {
        unsubscribe();
        for (const log of logs.values()) log.setLive(false);
      }
    },
  };
}

/** The view of a run the store does not hold yet: waiting in the queue, starting, or ended before it started. */
/** The view of a run in the cluster's queue that this server's store does not hold: waiting, or on another server. */
function clusterRunView(found: SubmittedRunView, model: string): RunView {
  return {
    id: found.runId, kind: found.kind, status: found.state === 'waiting' ? 'queued' : found.state === 'active' ? 'running' : found.state,
    queuePosition: found.position, model, createdAt: found.createdAt, finishedAt: null, live: false, tasks: [], dag: null, escalations: [],
    totals: { samples: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, wallMs: Date.now() - found.createdAt }, models: [], report: null,
    // Its records are in the store of the server that runs it.
    summary: found.server === null && found.result === null ? null : { ...(found.server === null ? {} : { server: found.server }), ...(found.result === null ? {} : { result: found.result }) },
  };
}

function notStartedView(item: PendingRun, position: number | null, model: string): RunView {
  const status = item.state === 'starting' ? 'running' : item.state;
  return {
    id: item.runId, kind: item.kind, status, queuePosition: item.state === 'queued' ? position : null, model,
    createdAt: item.queuedAt, finishedAt: item.endedAt, live: item.state === 'starting', tasks: [], dag: null, escalations: [],
    totals: { samples: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, wallMs: (item.endedAt ?? Date.now()) - item.queuedAt },
    models: [],
    report: null, summary: item.error === null ? null : { error: item.error },
  };
}
