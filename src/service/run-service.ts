/**
 * @module service/run-service
 * Runs as resources, shared by the HTTP server and the MCP server (issue 6): starts solve and build runs in the
 * background on one engine and returns their id at once, keeps each run's engine events as a numbered log (for
 * Server-Sent Events resumable with Last-Event-ID), cancels runs, answers escalations, and on start resumes the
 * builds a previous server process left `running`. No engine logic lives here: it only calls the public engine API
 * and reads the run store.
 *
 * The contract (types) comes first; {@link createRunService} below implements it.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Engine } from '../engine.js';
import { parseOptions } from '../errors/parse-options.js';
import { newRunId } from '../orchestrate/run-id.js';
import { parseBuildRequest } from '../orchestrate/build/build-request.js';
import { parseTaskSpec } from '../spec/load-spec.js';
import { RunEventLog } from './run-event-log.js';
import { runView } from './run-view.js';
import { ServiceClosedError } from './service-closed-error.js';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import type { BuildRequestInput } from '../orchestrate/build/build-request.js';
import type { BuildReport } from '../orchestrate/build/build-report.js';
import type { TaskSpecInput } from '../spec/task-spec.js';
import type { EscalationRecord, RunRecord, RunStore, RunSummary } from '../store/run-store.js';

/** One numbered event of a run's log. `id` runs 1, 2, 3, ... per run (the SSE `id:` field). */
export interface RunEventEntry {
  readonly id: number;
  readonly event: EngineEvent;
}

/** What `GET /v1/runs/:id` and MCP `run_status` return. */
export interface RunView {
  readonly id: string;
  readonly kind: string;
  /** Store status; `running` also for a run this process is working on right now. */
  readonly status: string;
  readonly model: string;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  /** True while this process works on the run. */
  readonly live: boolean;
  /** Tasks with their latest decision (outcome, votes, runner-up, samples) or null while undecided. */
  readonly tasks: readonly {
    readonly taskId: string;
    readonly decision: { readonly outcome: string; readonly votes: number; readonly runnerUpVotes: number; readonly samples: number; readonly reason: string } | null;
    readonly samples: number;
    readonly redFlagsByRule: Readonly<Record<string, number>>;
    readonly failedLayers: Readonly<Record<string, number>>;
    readonly votesPerClass: Readonly<Record<string, number>>;
  }[];
  /** A build's DAG (from its checkpoints): nodes with dependencies and state, or null for a solve run. */
  readonly dag: { readonly nodes: readonly { readonly id: string; readonly dependencies: readonly string[]; readonly state: 'pending' | 'decomposing' | 'settled' | 'escalated' }[] } | null;
  readonly escalations: readonly EscalationRecord[];
  readonly totals: { readonly samples: number; readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number; readonly wallMs: number };
  /** The build report once the build paused or completed (null otherwise). */
  readonly report: BuildReport | null;
  readonly summary: Readonly<Record<string, unknown>> | null;
}

/** The run service. */
export interface RunService {
  /** Starts solving one spec in the background; resolves once the run is recorded (202 semantics). */
  startSolve(input: { readonly spec: TaskSpecInput; readonly k?: number; readonly maxSamples?: number }): Promise<{ readonly runId: string }>;
  /** Starts a build in the background into `<outRoot>/<runId>`; resolves once the run is recorded. */
  startBuild(input: { readonly request: BuildRequestInput }): Promise<{ readonly runId: string }>;
  /** Recent runs, most recent first. */
  list(options?: { readonly limit?: number }): Promise<readonly RunSummary[]>;
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
  /** Runs this process works on now, and whether the service was closed (for `GET /status` and `GET /ready`). */
  status(): { readonly live: readonly string[]; readonly closed: boolean };
  /**
   * Ids of the builds found `running` in the store at creation and resumed in the background (empty when
   * `resumeInterrupted` is false). Resolves once they were started.
   */
  readonly resumedInterrupted: Promise<readonly string[]>;
  /** Cancels live runs (builds pause), waits for them and for their last events to be stored; closes nothing it was given. */
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
}

/** Event logs of finished runs kept in memory (the oldest finished ones are dropped beyond this; the store keeps them). */
const MAX_FINISHED_LOGS = 200;

const SolveInputSchema = z.object({
  spec: z.unknown(),
  k: z.number().int().positive().optional(),
  maxSamples: z.number().int().positive().optional(),
}).strict();

interface LiveRun {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * Creates the run service on `options.engine` and `options.store`. Builds run into `<outRoot>/<runId>`; on
 * creation, builds the store holds as `running` are resumed in the background (see `resumedInterrupted`).
 * `startSolve` throws InvalidSpecError (`invalid_spec`) / InvalidArgumentError (`invalid_argument`); `startBuild`
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
   * Starts `work` for `runId` in the background. Resolves once the run emitted its first event (it is recorded by
   * then), or rejects with the error that stopped it before that.
   */
  const launch = async (runId: string, work: (signal: AbortSignal) => Promise<unknown>): Promise<void> => {
    launched.add(runId);
    const log = await logOf(runId);
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
        if (answeredWhileLive.delete(runId) && !closed) void resumeIfPaused(runId).catch((error: unknown) => { reportBackground(error, runId); });
      });
    live.set(runId, { controller, done });
    for await (const _entry of log.read(firstId)) break;
    if (log.size === firstId && failure !== undefined) throw failure.error;
    if (failure !== undefined && log.size > firstId) reportBackground(failure.error, runId);
    else void done.then(() => { if (failure !== undefined) reportBackground(failure.error, runId); });
  };

  const resumeBuild = (runId: string): Promise<void> =>
    launch(runId, (signal) => engine.resumeBuild(runId, { escalationWaitMs, signal }));

  const resumeIfPaused = async (runId: string): Promise<boolean> => {
    if (closed || live.has(runId)) return false;
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

  return {
    async startSolve(input) {
      ensureOpen('start a run');
      const parsed = parseOptions(SolveInputSchema, input, 'input');
      const spec = parseTaskSpec(parsed.spec, 'spec');
      const runId = newRunId();
      await launch(runId, (signal) => engine.run([spec], {
        runId, signal, ...(parsed.k === undefined ? {} : { k: parsed.k }), ...(parsed.maxSamples === undefined ? {} : { maxSamples: parsed.maxSamples }),
      }));
      return { runId };
    },
    async startBuild(input) {
      ensureOpen('start a build');
      const request = parseBuildRequest(input.request);
      const runId = newRunId();
      await launch(runId, (signal) => engine.build(request, { outDir: join(outRoot, runId), runId, escalationWaitMs, signal }));
      return { runId };
    },
    list: (listOptions = {}) => store.listRuns(listOptions.limit === undefined ? {} : { limit: listOptions.limit }),
    async get(runId) {
      const run = await store.getRun(runId);
      return run === undefined ? undefined : runView(run, { live: live.has(runId), now: Date.now() });
    },
    record: (runId) => store.getRun(runId),
    async *events(runId, eventOptions = {}) {
      // An unknown run reads as an empty log (pruned with the finished ones).
      yield* (await logOf(runId)).read(eventOptions.afterId ?? 0, eventOptions.signal);
    },
    async cancel(runId) {
      const run = live.get(runId);
      if (run === undefined) return false;
      answeredWhileLive.delete(runId);
      run.controller.abort(new Error('cancelled by request'));
      return true;
    },
    listEscalations: (filter = {}) => store.listEscalations(filter),
    async answerEscalation(runId, escalationId, answer) {
      const answered = await store.answerEscalation(runId, escalationId, { answer: answer.answer, answeredBy: answer.answeredBy, answeredAt: Date.now() });
      if (live.has(runId)) answeredWhileLive.add(runId);
      // The answer is stored whatever happens next; a resume that fails to start is reported, not thrown.
      else if (!closed) await resumeIfPaused(runId).catch((error: unknown) => { reportBackground(error, runId); });
      return answered;
    },
    settled: async (runId) => { await live.get(runId)?.done; },
    status: () => ({ live: [...live.keys()], closed }),
    resumedInterrupted,
    async close() {
      closed = true;
      try {
        await resumedInterrupted;
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
