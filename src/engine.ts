/**
 * @module engine
 * The composition root: `createEngine` wires a model, a run store and a sandbox into the solve loop. No
 * module-level singletons; edges (CLI, server, MCP) hold an Engine and read its event stream.
 */
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decomposeNode } from './decompose/decompose-node.js';
import { specifyTask, type SpecifyTaskResult } from './decompose/specify-task.js';
import { reviewClass, reviewFromDecision, reviewTaskId } from './decompose/review-class.js';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import { specKey } from './memory/spec-key.js';
import { CODER_NAMESPACE } from './memory/memory-chunk.js';
import { retrieveContext } from './memory/retrieve-context.js';
import type { SqliteMemoryStore } from './memory/sqlite-memory-store.js';
import type { DecompositionProposal } from './decompose/decomposition-proposal.js';
import type { LanguageModel } from './llm/language-model.js';
import { EventBus } from './orchestrate/event-bus.js';
import type { EngineEvent, EngineEventListener } from './orchestrate/engine-events.js';
import type { LayerResult } from './verify/verification-layer.js';
import { newRunId } from './orchestrate/run-id.js';
import { solveTask, type SolveTaskDependencies, type SolveTaskResult } from './orchestrate/solve-task.js';
import { queueSampler, remoteSampleUsage, type RemoteUsageSink } from './orchestrate/remote-sample.js';
import { queueProposalDrawer } from './orchestrate/remote-proposal.js';
import { LiveRuns } from './orchestrate/live-runs.js';
import { countingDrawer, type ProposalDrawer } from './decompose/proposal-draw.js';
import { runSampleWorker, type SampleWorkerOptions } from './orchestrate/sample-worker.js';
import type { WorkQueue } from './queue/work-queue.js';
import { parseBuildRequest, type BuildBudgets, type BuildRequestInput } from './orchestrate/project-build/build-request.js';
import { readBuildMarker, writeBuildMarker } from './orchestrate/project-build/build-marker.js';
import { BudgetExceededError, BuildNotResumableError } from './orchestrate/project-build/build-errors.js';
import { BuildBudgetTracker } from './orchestrate/project-build/build-budget.js';
import { GitError } from './orchestrate/project-build/git-repository.js';
import { runBuild, type BuildResult } from './orchestrate/project-build/run-build.js';
import { RedFlagger } from './redflag/red-flagger.js';
import type { RedFlagRule } from './redflag/red-flag-rule.js';
import { defaultRedFlagRules } from './redflag/index.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { SandboxCandidateRunner } from './sandbox/sandbox-candidate-runner.js';
import { TaskSpecSchema, type TaskSpec, type TestCase } from './task-spec/task-spec.js';
import { assertSolvable } from './orchestrate/solvable.js';
import type { RunRecord, RunStore } from './store/run-store.js';
import { RunLease } from './store/run-lease.js';
import { RunNotFoundError } from './store/errors/run-not-found-error.js';
import { isStoreUnavailable } from './store/errors/store-unavailable-error.js';
import { pausedIfStoreFails, recordedUnlessStoreFails } from './orchestrate/store-failure.js';
import { taskProgress } from './store/task-progress.js';
import { adaptiveForRun, resultFromRecords, RunNotResumableError, RunPausedError, SolveRunConfigSchema, type SolveRunConfig } from './orchestrate/solve-run.js';
import { createCodeTokenizer } from './verify/tokenize/index.js';
import { createDefaultVerifier } from './verify/index.js';
import { preflightSpec, SandboxJudge } from './preflight/index.js';
import type { VerificationReport, Verifier } from './verify/verifier.js';
import type { VerificationLayer } from './verify/verification-layer.js';
import {
  commitOnNewBranch, implementCommitMessage, ImplementTargetError, prepareImplement, previewDiff, ProjectTypesLayer, RepoTestsLayer,
  spliceCandidate, type PreparedImplement,
} from './orchestrate/implement/index.js';
import { ownCode } from './orchestrate/prompting/assemble-candidate.js';

/** What an engine is built from. */
export interface EngineOptions {
  /** The model every sample is drawn from (already wrapped in middleware). */
  readonly model: LanguageModel;
  /** How the model was named (`replay:codet`, `llama-cpp:./m.gguf`), recorded with each run. */
  readonly modelName: string;
  readonly store: RunStore;
  readonly sandbox: Sandbox;
  /** Red-flag rules; default `defaultRedFlagRules`. */
  readonly redFlagRules?: readonly RedFlagRule[];
  /** Verifier; default `createDefaultVerifier` (the eight layers). */
  readonly verifier?: Verifier;
  /** Python type checking with pyright in the default verifier (1.5-4.5 s per candidate). Default true. */
  readonly pythonTypes?: boolean;
  /** Start the default verifier's analysis workers at once (they warm up while the first samples are drawn). Default false. */
  readonly prestartAnalysis?: boolean;
  /**
   * Models of the archetypes other than the coder (`routes.<archetype>` of zerr.config.yaml), each already wrapped in
   * middleware, with the name recorded for it. An archetype without one uses `model`. `close()` closes them.
   */
  readonly archetypeModels?: Readonly<Partial<Record<NonCoderArchetype, ArchetypeModel>>>;
  /**
   * The project's memory (`memory/`), used by runs with `RunOptions.memory`: the verified-solution cache and the
   * record of failures. `close()` closes it.
   */
  readonly memory?: SolutionMemory;
  /**
   * Scale-out (`--redis`): the queue new samples of solve and build runs go through. Workers (`zerr worker`, or
   * {@link Engine.work} of another engine) draw and judge them; this engine records their reports, votes and decides
   * (`orchestrate/remote-sample.ts`). `zerr implement`'s project layers run here. `close()` closes it. Default none:
   * every sample is drawn in this process.
   */
  readonly queue?: WorkQueue;
}

/** What a run needs of the memory. */
export type SolutionMemory = Pick<SqliteMemoryStore, 'add' | 'find' | 'search' | 'close'>;

/** The archetypes whose model may differ from the coder's. */
export type NonCoderArchetype = 'decomposer' | 'specifier' | 'reviewer';

/** One archetype's model and how it was named (`route:specifier`, `openai:...`). */
export interface ArchetypeModel {
  readonly model: LanguageModel;
  readonly name: string;
}

/** Options of a run. Defaults: k 3, maxSamples 20, fallback `best-partial`. */
export interface RunOptions {
  /** Run id; a new one when absent. */
  readonly runId?: string;
  /** Kind recorded with the run (`solve`, `demo`). Default `solve`. */
  readonly kind?: string;
  readonly k?: number;
  /**
   * Adaptive k (decision 022): contested tasks need the margin their vote split calls for against a per-task error
   * target of 1 - target^(1/tasks), `target` being the probability that every task of the run is decided right
   * (default 0.95). Absent: plain first-to-ahead-by-k.
   */
  readonly adaptiveK?: { readonly target?: number; readonly confidence?: number };
  readonly maxSamples?: number;
  readonly parallelism?: number;
  readonly fallback?: 'best-partial' | 'escalate';
  readonly seed?: number;
  /**
   * Advisory tests per task id (tests of unknown reliability, e.g. model-written): see
   * `SolveTaskOptions.advisoryTests`. Default none.
   */
  readonly advisoryTests?: Readonly<Record<string, readonly TestCase[]>>;
  /** Share of the best class's advisory passes a class needs to take part in the vote. Default 0.5. */
  readonly advisoryThreshold?: number;
  /**
   * Cost budget of the run in USD: when the priced answers (`costUsd`, set by the model's pricing) reach it, the run
   * pauses (`RunPausedError`, resumable with a higher budget). Unpriced answers count 0. Default none.
   */
  readonly maxCostUsd?: number;
  /**
   * The reviewer as a vote filter (`SolveTaskOptions.review`): the class a vote is about to choose is reviewed by
   * the reviewer's model (`archetypeModels.reviewer`, else `model`); a rejection by consensus takes it out of the
   * vote. Recorded with the run, so `resume` keeps it. Default false.
   */
  readonly review?: boolean;
  /**
   * Use the engine's memory (`EngineOptions.memory`): a spec equal, after normalisation (`specKey`), to one a
   * consensus verified before reuses that code once it passes every verification layer again - no model call, the
   * decision's reason says so; otherwise the task's chat prompts carry the context the memory retrieves for it
   * (`retrieveContext`: its earlier failures and the best chunks, within 1,024 tokens; recorded as a checkpoint of
   * kind `retrieved-context`); every code a consensus chooses is remembered with its spec key, and each task's red
   * flags and failed layers are remembered as `error` chunks. Recorded with the run. Default false.
   * @throws InvalidArgumentError (`invalid_argument`, parameter `runOptions.memory`) when the engine has no memory.
   */
  readonly memory?: boolean;
  readonly signal?: AbortSignal;
  /**
   * What an aborted `signal` makes of the run: `paused` (recorded `paused`, {@link Engine.resumeRun} continues it;
   * `RunPausedError` is thrown) or `cancelled` (recorded `cancelled`; the signal's reason is thrown). Default
   * `paused` (Ctrl-C in the CLI); the HTTP service's cancel passes `cancelled`.
   */
  readonly stopAs?: 'paused' | 'cancelled';
}

/** Result of a run: one result per task, in order. */
export interface RunResult {
  readonly runId: string;
  readonly results: readonly SolveTaskResult[];
}

/** Options of {@link Engine.build}. */
export interface BuildOptions {
  /** Output folder: a git repository with the project, `report.json` and `REPORT.md`. */
  readonly outDir: string;
  readonly runId?: string;
  /** Epoch (ms) the commit dates count from, for reproducible histories (`SOURCE_DATE_EPOCH`). Default: start time. */
  readonly commitEpochMs?: number;
  /** How long to wait for answers when only escalations block, in ms. Default 0 (pause at once). */
  readonly escalationWaitMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link Engine.decompose}. Defaults: k 2, maxSamples 8, maxLines 40, maxComplexity 10, typescript. */
export interface DecomposeOptions {
  readonly runId?: string;
  readonly k?: number;
  readonly maxSamples?: number;
  readonly maxLines?: number;
  readonly maxComplexity?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

/** The decomposition of requirements by {@link Engine.decompose}. */
export interface DecomposeResult {
  readonly runId: string;
  readonly outcome: string;
  /** The chosen proposal, or null without one. */
  readonly proposal: DecompositionProposal | null;
  readonly samples: number;
  readonly redFlagsByRule: Readonly<Record<string, number>>;
  readonly reason: string;
}

/** Options of {@link Engine.specify}. Defaults: typescript, k 3, maxSamples 12, seed 42. */
export interface SpecifyOptions {
  readonly runId?: string;
  readonly language?: 'typescript' | 'python';
  /** The spec's id; default the chosen entry point. */
  readonly id?: string;
  /** Fix the function's name. */
  readonly entryPoint?: string;
  readonly k?: number;
  readonly maxSamples?: number;
  readonly parallelism?: number;
  readonly seed?: number;
  readonly limits?: Partial<TaskSpec['limits']>;
  readonly signal?: AbortSignal;
}

/** What {@link Engine.specify} chose. */
export type SpecifyResult = SpecifyTaskResult & { readonly runId: string; readonly model: string };

/** Options of {@link Engine.implement}. Defaults as {@link RunOptions}'s. */
export interface ImplementOptions {
  /** `<file>[#function]`, the file relative to `cwd` or absolute (`src/strings.ts#slugify`). */
  readonly target: string;
  /** Folder a relative target is resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
  /** A spec to use instead of the doc comment's (its entry point must be the function). */
  readonly spec?: TaskSpec;
  /** Go on with uncommitted changes in tracked files (zerr commits only its file). Default false. */
  readonly allowDirty?: boolean;
  /** Write nothing: choose the code and return the diff. Default false. */
  readonly dryRun?: boolean;
  /** Name of the branch to commit on. Default `zerr/implement-<function>` (`-2`, `-3`... when taken). */
  readonly branch?: string;
  /** Continue this paused `implement` run of the same target (its recorded samples are not sampled again). */
  readonly resume?: string;
  readonly runId?: string;
  readonly k?: number;
  readonly maxSamples?: number;
  readonly parallelism?: number;
  readonly seed?: number;
  readonly review?: boolean;
  readonly signal?: AbortSignal;
}

/** What {@link Engine.implement} did. */
export interface ImplementResult {
  readonly runId: string;
  readonly prepared: PreparedImplement;
  readonly result: SolveTaskResult;
  /** The file with the chosen code in place, or null when no class was chosen. */
  readonly text: string | null;
  /** The unified diff of the file (also when nothing was written: `dryRun`), or null when no class was chosen. */
  readonly diff: string | null;
  /** The commit, or null when nothing was written (no consensus, `dryRun`, or the file changed while zerr worked: see `notWritten`). */
  readonly commit: { readonly branch: string; readonly sha: string; readonly from: string } | null;
  /** Why a chosen code was not written, when it was not. */
  readonly notWritten?: string;
}

/** Options of {@link Engine.resumeBuild}. */
export interface ResumeBuildOptions {
  /** Budgets replacing the ones the build started with. */
  readonly budgets?: BuildBudgets;
  readonly escalationWaitMs?: number;
  readonly signal?: AbortSignal;
}

/** The engine. */
export interface Engine {
  /**
   * Builds a project from requirements (`zerr build`): decomposition DAG, each task through the solve loop,
   * integration, git. When `outDir` holds an unfinished build of this store, that build is resumed instead.
   * @throws InvalidArgumentError for a bad request; BuildNotResumableError (`build_not_resumable`) when `outDir`
   *   holds a finished build; ModelUnavailableError (after pausing the build); SandboxUnavailableError; GitError;
   *   StoreUnavailableError (`store_unavailable`) when the store cannot be written (disk full, read-only): the build
   *   is paused as far as the store allows, and its `run` says so.
   */
  build(request: BuildRequestInput, options: BuildOptions): Promise<BuildResult>;
  /**
   * Resumes a paused, failed or killed `solve`/`demo` run: decided tasks are not solved again, the others continue
   * from their recorded samples (no recorded model call is made again), with the run's recorded settings
   * (`options.maxCostUsd` replaces the recorded cost budget for this session; what was spent before counts).
   * @throws RunNotFoundError; RunNotResumableError (`run_not_resumable`: complete, or a build/decompose run);
   *   RunBusyError (`run_busy`) when another process works on it; RunPausedError (`run_paused`) when stopped again;
   *   as {@link Engine.run}.
   */
  resumeRun(runId: string, options?: { readonly signal?: AbortSignal; readonly maxCostUsd?: number }): Promise<RunResult>;
  /**
   * Resumes a paused or killed build from its last checkpoint: nothing finished is redone, recorded samples are
   * not sampled again.
   * @throws RunNotFoundError; BuildNotResumableError; as {@link Engine.build}.
   */
  resumeBuild(runId: string, options?: ResumeBuildOptions): Promise<BuildResult>;
  /**
   * Runs the verification layers on `code` against `spec` (the MCP `verify` tool, escalation answers), after
   * {@link Engine.checkSpec}. Generated code runs only in the sandbox.
   * @throws SpecValidationError (`invalid_spec`) for a spec that fails its checks; SandboxUnavailableError.
   */
  verify(spec: TaskSpec, code: string, options?: { readonly signal?: AbortSignal }): Promise<VerificationReport>;
  /**
   * Checks `spec` before it costs a sample (`preflight/`): names, types, test cases against the signature,
   * expressions parsed and type-checked, preconditions and invariants evaluated by the sandboxed judge on the visible
   * and generated inputs. Messages start with the spec's id.
   * @throws SpecValidationError (`invalid_spec`) naming each field, value and expectation; SpecCheckError
   *   (`spec_check_failed`) when python3 or the judge cannot run; SandboxUnavailableError.
   */
  checkSpec(spec: TaskSpec, options?: { readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Decomposes requirements once (one level, first-to-ahead-by-k over proposals) in a recorded run of kind
   * `decompose`, without solving anything: what `zerr estimate "<requirements>"` counts steps from.
   * @throws ModelUnavailableError after recording the decision.
   */
  decompose(requirements: string, options?: DecomposeOptions): Promise<DecomposeResult>;
  /**
   * Turns a task in plain words into a {@link TaskSpec} by voting over specifier contracts (`specifyTask`; the
   * specifier's model when one is configured) in a recorded run of kind `specify` (task `specify:root`), without
   * solving it. The spec is checked as every spec is ({@link Engine.checkSpec}) when it is run.
   * @throws InvalidArgumentError (`invalid_argument`) for bad options; ModelUnavailableError after recording the
   *   decision; the signal's reason (the run is recorded `cancelled`).
   */
  specify(requirements: string, options?: SpecifyOptions): Promise<SpecifyResult>;
  /**
   * Solves `specs` one after another in one recorded run, held by this process (a lease in the store). Every spec
   * passes {@link Engine.checkSpec} first.
   * @throws SpecValidationError (`invalid_spec`) before anything is recorded or sampled; ModelUnavailableError
   *   (`model_unavailable`) after recording what was done; SandboxUnavailableError;
   *   RunPausedError (`run_paused`) when `options.signal` aborts: the run is recorded `paused`, resumable with
   *   {@link Engine.resumeRun}; StoreUnavailableError (`store_unavailable`) when the store cannot be written (disk
   *   full, read-only, I/O error): sampling stops, no decision is recorded, the run is `paused` where the store still
   *   takes its status (else it stays `running`), resumable either way; its `run` says which (`not-started` when the
   *   run's tasks could not all be recorded: nothing was sampled, run it again).
   */
  run(specs: readonly TaskSpec[], options?: RunOptions): Promise<RunResult>;
  /**
   * Implements one function of an existing repository in place (`zerr implement`, decision 027): its spec from the
   * signature and doc comment (or `options.spec`), candidates verified by every layer and then, spliced into the
   * file, by the project's own type check (`project-types`) and the repository's tests of the function
   * (`repo-tests`, which can only reject); on consensus the file is written and committed alone on a new branch,
   * authored by `zerr`, with a message naming the vote. A recorded run of kind `implement`; a stopped one is
   * continued with `options.resume`.
   * @throws ImplementTargetError (`invalid_implement_target`) and DirtyTreeError (`dirty_tree`) before anything is
   *   recorded; as {@link Engine.run} (`invalid_spec`, `run_paused`, ...). A commit git refuses is not thrown: the
   *   result's `notWritten` says why, and the repository is left as it was.
   */
  implement(options: ImplementOptions): Promise<ImplementResult>;
  /**
   * Works as a queue worker (`zerr worker`): draws and judges sample jobs of any run from `options.queue` with this
   * engine's model, red-flag rules, verifier and sandbox, and completes them with their reports; records nothing.
   * Runs until `options.signal` aborts (jobs in hand are finished) or `maxJobs` are done. `options.queue` defaults
   * to the engine's (`EngineOptions.queue`).
   * @throws InvalidArgumentError (`invalid_argument`, parameter `options.queue`) when there is neither.
   */
  work(options: Omit<SampleWorkerOptions, 'deps' | 'queue'> & { readonly workerId: string; readonly queue?: WorkQueue }): ReturnType<typeof runSampleWorker>;
  /** Subscribes to the event stream; returns the unsubscribe function. */
  on(listener: EngineEventListener): () => void;
  /** Closes the model, the analysis workers of the default verifier, the sandbox, the store and the queue. */
  close(): Promise<void>;
}

/** Builds an engine. See {@link EngineOptions}. */
export function createEngine(options: EngineOptions): Engine {
  const bus = new EventBus();
  const tokenizer = createCodeTokenizer(options.sandbox);
  const redFlagger = new RedFlagger({ rules: options.redFlagRules ?? defaultRedFlagRules({ tokenizer }) });
  const ownsVerifier = options.verifier === undefined;
  const verifier = options.verifier ?? createDefaultVerifier({
    sandbox: options.sandbox, prestart: options.prestartAnalysis === true,
    ...(options.pythonTypes === undefined ? {} : { pythonTypes: options.pythonTypes }),
  });
  const candidateRunner = new SandboxCandidateRunner(options.sandbox);
  const specJudge = new SandboxJudge({ sandbox: options.sandbox });
  const checkSpec = (spec: TaskSpec, signal?: AbortSignal): Promise<void> =>
    preflightSpec(spec, { judge: specJudge, source: spec.id, ...(signal === undefined ? {} : { signal }) });
  const { store } = options;
  /** The verifier's layers, then (when they pass) `extraLayers` in order (`zerr implement`'s project layers). */
  const verifyWith = (extraLayers: readonly VerificationLayer[]) => async (spec: TaskSpec, code: string, onLayerEnd: (result: LayerResult) => void, signal?: AbortSignal) => {
    const context = { spec, candidate: { language: spec.language, code }, ...(signal === undefined ? {} : { signal }) };
    const verdict = await verifier.verify(context, { onLayerEnd });
    const failed = verdict.results.find((result) => result.status === 'fail');
    if (!verdict.passed || extraLayers.length === 0) return { passed: verdict.passed, failedLayer: verdict.failedLayer ?? undefined, failedReason: failed?.reason };
    for (const layer of extraLayers) {
      signal?.throwIfAborted();
      const result = layer.appliesTo(spec)
        ? await layer.verify(context)
        : { layer: layer.name, status: 'skipped' as const, reason: `layer '${layer.name}' does not apply (no test of the function was found)`, durationMs: 0 };
      onLayerEnd(result);
      if (result.status === 'fail') return { passed: false, failedLayer: layer.name, failedReason: result.reason };
    }
    return { passed: true, failedLayer: undefined, failedReason: undefined };
  };
  const verify = verifyWith([]);
  // On a queue, workers draw the samples: code samples drawn and judged (`remote-sample.ts`), proposal samples drawn
  // (`remote-proposal.ts`); one heartbeat per run keeps it live for them.
  const checks = { pythonTypes: options.pythonTypes ?? true };
  const live = options.queue === undefined ? undefined : new LiveRuns(options.queue);
  const remoteSampler = options.queue === undefined ? undefined : queueSampler(options.queue, { checks, ...(live === undefined ? {} : { live }) });
  const remoteDrawer = options.queue === undefined ? undefined : queueProposalDrawer(options.queue, { ...(live === undefined ? {} : { live }) });
  /**
   * The queue's proposal drawer, its answers' usage added to `onRemoteUsage` (a budget: calls in this process are
   * counted by the budget's model wrapper, a worker's are not); undefined without a queue.
   */
  const drawerFor = (onRemoteUsage?: RemoteUsageSink): ProposalDrawer | undefined =>
    (remoteDrawer === undefined || onRemoteUsage === undefined ? remoteDrawer : countingDrawer(remoteDrawer, onRemoteUsage));
  /** Reviews one class with `reviewModel` (the reviewer filter); a review the run already decided is read back. */
  const reviewWith = (reviewModel: LanguageModel, onRemoteUsage?: RemoteUsageSink): NonNullable<SolveTaskDependencies['review']> => async (request) => {
    const taskId = reviewTaskId(request.spec.id, request.classKey);
    const run = await store.getRun(request.runId);
    const decided = run?.decisions.find((decision) => decision.taskId === taskId);
    if (decided !== undefined) return reviewFromDecision(decided, request.classKey);
    return reviewClass({ model: reviewModel, store, emit: (event) => bus.emit(event), draw: drawerFor(onRemoteUsage) }, {
      runId: request.runId, spec: request.spec, classKey: request.classKey, code: request.code,
      ...(run === undefined ? {} : { resume: taskProgress(run, taskId) }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  };
  /**
   * The solve loop's dependencies: samples from `model` (or the queue's workers), reviews (when asked) from
   * `reviewModel`; `onRemoteUsage` takes what the workers' calls spent.
   */
  // `zerr implement`'s project layers (extraLayers) read the repository here, so its samples stay in this process.
  const solveDependencies = (model: LanguageModel, reviewModel: LanguageModel = model, extraLayers: readonly VerificationLayer[] = [], onRemoteUsage?: RemoteUsageSink): SolveTaskDependencies => ({
    model, redFlag: (context) => redFlagger.check(context), verify: extraLayers.length === 0 ? verify : verifyWith(extraLayers), candidateRunner, store, emit: (event) => bus.emit(event),
    review: reviewWith(reviewModel, onRemoteUsage),
    ...(remoteSampler === undefined || extraLayers.length > 0 ? {} : {
      remoteSampler: onRemoteUsage === undefined ? remoteSampler : async (request) => {
        const report = await remoteSampler(request);
        const usage = remoteSampleUsage(report);
        if (usage !== undefined) onRemoteUsage(usage);
        return report;
      },
    }),
  });
  const modelOf = (archetype: NonCoderArchetype): ArchetypeModel =>
    options.archetypeModels?.[archetype] ?? { model: options.model, name: options.modelName };
  const buildDependencies = {
    model: options.model, decomposerModel: modelOf('decomposer').model, store, sandbox: options.sandbox, emit: (event: EngineEvent) => bus.emit(event),
    solve: (model: LanguageModel, solveOptions: Parameters<typeof solveTask>[1], onRemoteUsage?: RemoteUsageSink) =>
      solveTask(solveDependencies(model, options.archetypeModels?.reviewer?.model ?? model, [], onRemoteUsage), solveOptions),
    ...(remoteDrawer === undefined ? {} : { proposalDrawer: remoteDrawer }),
    verify: (spec: TaskSpec, code: string, signal?: AbortSignal) => verify(spec, code, () => undefined, signal),
  };

  /** Opens the escalation of a solve task that reached no consensus under `--fallback escalate`. */
  const openSolveEscalation = async (runId: string, spec: TaskSpec, result: SolveTaskResult, ordinal: number): Promise<void> => {
    await store.openEscalation(runId, {
      escalationId: `esc-${ordinal}`, taskId: spec.id, kind: 'code', reason: result.reason,
      question: `Write the ${spec.language === 'python' ? 'Python' : 'TypeScript'} function ${spec.signature.entryPoint} (the spec is in the context); the answer is verified when it is given.`,
      context: { spec, bestCode: result.code, classes: result.classes },
      createdAt: Date.now(),
    });
  };

  /**
   * The verified-solution cache: the newest remembered code of a spec with the same key that passes every
   * verification layer again (in the sandbox, as any candidate) becomes the task's decision, with no model call.
   * Undefined when none is remembered or none passes.
   */
  const reuseVerified = async (memory: SolutionMemory, runId: string, spec: TaskSpec, k: number, signal: AbortSignal): Promise<SolveTaskResult | undefined> => {
    const started = Date.now();
    const remembered = await memory.find({ type: 'task', tags: [specKey(spec), 'verified'], namespace: CODER_NAMESPACE }, { limit: 3 });
    for (const chunk of remembered) {
      const verdict = await verify(spec, chunk.text, () => undefined, signal);
      if (!verdict.passed) continue;
      const reason = `reused the code verified for this spec by run ${chunk.source} (task ${chunk.taskId ?? '?'}): it passed every verification layer again; no model was called`;
      bus.emit({ type: 'task-start', runId, at: Date.now(), taskId: spec.id, k, maxSamples: 0 });
      await store.recordDecision(runId, { taskId: spec.id, outcome: 'consensus', classKey: null, code: chunk.text, votes: 0, runnerUpVotes: 0, samples: 0, k, reason, decidedAt: Date.now() });
      bus.emit({ type: 'vote-decided', runId, at: Date.now(), taskId: spec.id, outcome: 'consensus', classKey: null, votes: 0, runnerUpVotes: 0 });
      bus.emit({ type: 'task-end', runId, at: Date.now(), taskId: spec.id, outcome: 'consensus', samples: 0 });
      return {
        taskId: spec.id, outcome: 'consensus', code: chunk.text, classKey: null, votes: 0, runnerUpVotes: 0, k, samples: 0,
        failedCalls: 0, failedCallsByCause: {}, retries: 0, redFlagged: 0, redFlagsByRule: {}, failedVerification: 0, failedByLayer: {},
        verified: 1, classes: [], inputTokens: 0, outputTokens: 0, costUsd: 0, durationMs: Date.now() - started, reason,
        reusedFrom: { runId: chunk.source, taskId: chunk.taskId ?? null },
      };
    }
    return undefined;
  };

  /**
   * Remembers what a solved task taught, in the coder's own namespace (`CODER_NAMESPACE`): the code a consensus chose
   * (type `task`, tagged with the spec key and `verified`), and each red flag and failed layer of its samples (type
   * `error`, tagged with the rule or layer).
   * Never fails the run: the decision is in the run store already.
   */
  const remember = async (memory: SolutionMemory, runId: string, spec: TaskSpec, result: SolveTaskResult): Promise<void> => {
    const base = { source: runId, taskId: spec.id, language: spec.language, symbol: spec.signature.entryPoint, namespace: CODER_NAMESPACE };
    const run = await store.getRun(runId);
    const failures = new Map<string, { text: string; tag: string }>();
    for (const hit of run?.redFlags ?? []) {
      if (hit.taskId === spec.id && hit.reason !== '') failures.set(`red flag ${hit.rule}: ${hit.reason}`, { text: `red flag ${hit.rule}: ${hit.reason}`, tag: hit.rule });
    }
    for (const layer of run?.layerResults ?? []) {
      if (layer.taskId === spec.id && layer.status === 'fail') failures.set(`failed ${layer.layer}: ${layer.reason}`, { text: `failed ${layer.layer}: ${layer.reason}`, tag: layer.layer });
    }
    try {
      await memory.add([
        ...(result.outcome === 'consensus' && result.code !== null ? [{ ...base, type: 'task' as const, text: result.code, tags: [specKey(spec), 'verified'] }] : []),
        ...[...failures.values()].slice(0, 50).map((failure) => ({ ...base, type: 'error' as const, text: failure.text, tags: [failure.tag] })),
      ]);
    } catch {
      // The memory is a cache beside the run store, which holds the decision: a memory that cannot take the chunks
      // (its vectors need an embedding model this run does not have; its disk is full) is left as it is.
    }
  };

  /**
   * Solves `specs` in run `runId` under a lease (one process at a time); tasks in `decided` are not solved again,
   * the others resume from what `snapshot` holds. A signal pauses the run (status `paused`, resumable).
   */
  const solveRun = async (
    runId: string, kind: string, specs: readonly TaskSpec[], config: SolveRunConfig,
    decided: ReadonlyMap<string, SolveTaskResult>, signal: AbortSignal | undefined, snapshot?: RunRecord,
    stopAs: 'paused' | 'cancelled' = 'paused', extraLayers: readonly VerificationLayer[] = [],
  ): Promise<RunResult> => {
    const lease = await RunLease.acquire(store, runId).catch((error: unknown) => {
      // The claim could not be written: nothing of the run changed, it is as resumable as before.
      throw isStoreUnavailable(error) ? error.duringRun({ runId, state: 'paused', statusRecorded: false }) : error;
    });
    // `maxCostUsd`: the build's budget tracker, over the priced answers of every session of the run.
    const budgetStop = new AbortController();
    const budget = config.maxCostUsd === undefined ? undefined : new BuildBudgetTracker({
      budgets: { maxCostUsd: config.maxCostUsd }, controller: budgetStop,
      spent: { tokens: 0, costUsd: (snapshot?.samples ?? []).reduce((sum, sample) => sum + (sample.costUsd ?? 0), 0), wallMs: 0 },
    });
    const stop = AbortSignal.any([...(signal === undefined ? [] : [signal]), lease.lost, budgetStop.signal]);
    const model = budget === undefined ? options.model : budget.wrap(options.model);
    const reviewer = options.archetypeModels?.reviewer?.model;
    const reviewModel = reviewer === undefined || reviewer === options.model ? model : budget === undefined ? reviewer : budget.wrap(reviewer);
    const results: SolveTaskResult[] = [];
    try {
      if (snapshot !== undefined) await store.reopenRun(runId);
      bus.emit({ type: 'run-start', runId, at: Date.now(), taskIds: specs.map((spec) => spec.id), model: options.modelName, kind });
      for (const spec of specs) {
        const done = decided.get(spec.id);
        if (done !== undefined) {
          results.push(done);
          continue;
        }
        budget?.check();
        const memory = config.memory === true ? options.memory : undefined;
        const reused = memory === undefined ? undefined : await reuseVerified(memory, runId, spec, config.k, stop);
        if (reused !== undefined) {
          results.push(reused);
          continue;
        }
        const retrieved = memory === undefined ? undefined : await retrieveContext(memory, spec);
        if (retrieved !== undefined && retrieved.text !== '') {
          await store.recordCheckpoint(runId, {
            kind: 'retrieved-context', createdAt: Date.now(),
            body: { taskId: spec.id, chunks: retrieved.chunks, failures: retrieved.failures, tokens: retrieved.tokens },
          });
        }
        const result = await solveTask(solveDependencies(model, reviewModel, extraLayers, budget === undefined ? undefined : (usage) => budget.add(usage)), {
          runId, spec, k: config.k, maxSamples: config.maxSamples, fallback: config.fallback, seed: config.seed,
          ...(retrieved === undefined || retrieved.text === '' ? {} : { retrievedContext: retrieved.text }),
          ...(config.review === true ? { review: true } : {}),
          ...(config.adaptive === undefined ? {} : { adaptive: config.adaptive }),
          ...(config.parallelism === undefined ? {} : { parallelism: config.parallelism }),
          ...(config.advisoryTests?.[spec.id] === undefined ? {} : { advisoryTests: config.advisoryTests[spec.id] }),
          ...(config.advisoryThreshold === undefined ? {} : { advisoryThreshold: config.advisoryThreshold }),
          ...(snapshot === undefined ? {} : { resume: taskProgress(snapshot, spec.id) }),
          // A stopped task stays undecided, so that `resume` continues it from its recorded samples.
          recordCancellation: false,
          signal: stop,
        });
        results.push(result);
        if (memory !== undefined) await remember(memory, runId, spec, result);
        // `--fallback escalate`: a person is asked; `zerr escalations answer` checks the answer at once.
        if (result.outcome === 'escalated') await openSolveEscalation(runId, spec, result, results.length);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isStoreUnavailable(error)) {
        // The store cannot be written (disk full, read-only): a machinery failure, not a verdict. Sampling stops;
        // the run is paused where the store still takes the status row, and stays `running` (resumable) where not.
        const reason = `paused: ${error.problem} in ${error.operation}`;
        const statusRecorded = await recordedUnlessStoreFails(() => store.finishRun(runId, { status: 'paused', finishedAt: Date.now(), summary: { ...summarize(results), reason } }));
        bus.emit({ type: 'run-end', runId, at: Date.now(), status: 'paused', reason });
        throw error.duringRun({ runId, state: 'paused', statusRecorded });
      }
      if (isQueueFailure(error)) {
        // The queue to the workers is gone or a worker refused a job: machinery, not a verdict. The run pauses with
        // what it recorded; `zerr resume` continues it (with or without the queue).
        const reason = `paused: ${message}`;
        await pausedIfStoreFails(runId, () => store.finishRun(runId, { status: 'paused', finishedAt: Date.now(), summary: { ...summarize(results), reason } }));
        bus.emit({ type: 'run-end', runId, at: Date.now(), status: 'paused', reason });
        throw new RunPausedError({ runId, reason, cause: error });
      }
      if (stop.aborted && stopAs === 'cancelled' && !lease.lost.aborted) {
        await pausedIfStoreFails(runId, () => store.finishRun(runId, { status: 'cancelled', finishedAt: Date.now(), summary: { ...summarize(results), error: message } }));
        bus.emit({ type: 'run-end', runId, at: Date.now(), status: 'cancelled', error: message });
        throw error;
      }
      if (stop.aborted) {
        const why = stop.reason instanceof Error ? stop.reason.message : String(stop.reason ?? 'stopped');
        const reason = `paused: ${why}${stop.reason instanceof BudgetExceededError ? ' (resume with a higher --max-cost-usd)' : ''}`;
        await pausedIfStoreFails(runId, () => store.finishRun(runId, { status: 'paused', finishedAt: Date.now(), summary: { ...summarize(results), reason } }));
        bus.emit({ type: 'run-end', runId, at: Date.now(), status: 'paused', reason });
        throw new RunPausedError({ runId, reason, cause: error });
      }
      // The run's own error is the one to report, also when its status cannot be recorded.
      await recordedUnlessStoreFails(() => store.finishRun(runId, { status: 'failed', finishedAt: Date.now(), summary: { ...summarize(results), error: message } }));
      bus.emit({ type: 'run-end', runId, at: Date.now(), status: 'failed', error: message });
      throw error;
    } finally {
      budget?.dispose();
      await lease.release();
    }
    // Every task is decided; a run whose `completed` cannot be recorded is finished by `zerr resume` (nothing is redone).
    await pausedIfStoreFails(runId, () => store.finishRun(runId, { status: 'completed', finishedAt: Date.now(), summary: summarize(results) }));
    bus.emit({ type: 'run-end', runId, at: Date.now(), status: 'completed' });
    return { runId, results };
  };

  /** The recorded configuration of a solve run of `specs` (defaults: k 3, 20 samples, best-partial, seed 42). */
  const solveConfig = (runOptions: RunOptions, specs: readonly TaskSpec[]): SolveRunConfig => {
    const k = runOptions.k ?? 3;
    const maxSamples = runOptions.maxSamples ?? 20;
    return {
      k, maxSamples, fallback: runOptions.fallback ?? 'best-partial', seed: runOptions.seed ?? 42, sandbox: options.sandbox.kind,
      ...(runOptions.adaptiveK === undefined ? {} : { adaptive: adaptiveForRun(runOptions.adaptiveK, specs.length) }),
      ...(runOptions.parallelism === undefined ? {} : { parallelism: runOptions.parallelism }),
      ...(runOptions.advisoryThreshold === undefined ? {} : { advisoryThreshold: runOptions.advisoryThreshold }),
      ...(runOptions.advisoryTests === undefined ? {} : { advisoryTests: runOptions.advisoryTests }),
      ...(runOptions.maxCostUsd === undefined ? {} : { maxCostUsd: runOptions.maxCostUsd }),
      ...(runOptions.review === true ? { review: true } : {}),
      ...(runOptions.memory === true ? { memory: true } : {}),
      taskOrder: specs.map((spec) => spec.id),
    };
  };

  return {
    on: (listener) => bus.on(listener),
    async work(workOptions) {
      const queue = workOptions.queue ?? options.queue;
      if (queue === undefined) throw new InvalidArgumentError({ parameter: 'options.queue', value: undefined, expected: 'a queue to take jobs from (or EngineOptions.queue)' });
      return runSampleWorker({
        ...workOptions,
        queue,
        deps: {
          model: options.model, redFlag: (context) => redFlagger.check(context), verify, candidateRunner, workerId: workOptions.workerId, checks,
          // Proposal samples with the model this worker's routes give their archetype (zerr.config.yaml), else its one model.
          modelFor: (archetype) => options.archetypeModels?.[archetype as NonCoderArchetype]?.model ?? options.model,
        },
      });
    },
    async run(specs, runOptions = {}) {
      const runId = runOptions.runId ?? newRunId();
      const config = solveConfig(runOptions, specs);
      if (runOptions.memory === true && options.memory === undefined) {
        throw new InvalidArgumentError({ parameter: 'runOptions.memory', value: true, expected: 'false, or an engine with a memory (EngineOptions.memory)' });
      }
      // Specs are checked before anything is recorded or sampled: a spec error is the spec's, never a candidate's.
      // Not under the run's signal: the check is short and bounded, and a stopped run is still recorded as stopped.
      for (const spec of specs) await checkSpec(spec);
      for (const spec of specs) assertSolvable(spec, runOptions.advisoryTests?.[spec.id]?.length ?? 0);
      await store.createRun({ id: runId, kind: runOptions.kind ?? 'solve', model: options.modelName, config, createdAt: Date.now() });
      try {
        for (const spec of specs) await store.recordTask(runId, { taskId: spec.id, spec });
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        // A run without all its tasks cannot be resumed (`resumeRun` refuses it); nothing was sampled.
        await recordedUnlessStoreFails(() => store.finishRun(runId, { status: 'failed', finishedAt: Date.now(), summary: { error: error.message } }));
        throw error.duringRun({ runId, state: 'not-started' });
      }
      return solveRun(runId, runOptions.kind ?? 'solve', specs, config, new Map(), runOptions.signal, undefined, runOptions.stopAs);
    },
    async implement(implementOptions) {
      const { signal } = implementOptions;
      const prepared = await prepareImplement({
        target: implementOptions.target, allowDirty: implementOptions.allowDirty === true,
        ...(implementOptions.cwd === undefined ? {} : { cwd: implementOptions.cwd }),
        ...(implementOptions.branch === undefined ? {} : { branch: implementOptions.branch }),
        ...(implementOptions.spec === undefined ? {} : { spec: implementOptions.spec }),
        ...(signal === undefined ? {} : { signal }),
      });
      const { target, spec } = prepared;
      const identity = { root: target.root, path: target.path, symbol: target.symbol.name };
      let runId: string;
      let config: SolveRunConfig;
      let snapshot: RunRecord | undefined;
      let decided = new Map<string, SolveTaskResult>();
      if (implementOptions.resume !== undefined) {
        runId = implementOptions.resume;
        snapshot = await store.getRun(runId);
        if (snapshot === undefined) throw new RunNotFoundError({ runId });
        const recorded = SolveRunConfigSchema.parse(snapshot.config);
        if (snapshot.kind !== 'implement' || recorded.implement === undefined) throw new RunNotResumableError(`run ${runId} is a ${snapshot.kind} run, not one of zerr implement`);
        if (recorded.implement.path !== identity.path || recorded.implement.symbol !== identity.symbol || recorded.implement.root !== identity.root) {
          throw new ImplementTargetError({ target: implementOptions.target, message: `run ${runId} implements ${recorded.implement.path}#${recorded.implement.symbol} in ${recorded.implement.root}; resume it with that target` });
        }
        if (snapshot.status === 'completed') throw new RunNotResumableError(`run ${runId} is already complete`);
        config = recorded;
        decided = new Map(snapshot.decisions.filter((d) => d.outcome !== 'cancelled').map((d) => [d.taskId, resultFromRecords(snapshot as RunRecord, d)]));
      } else {
        runId = implementOptions.runId ?? newRunId();
        config = {
          ...solveConfig({
            ...(implementOptions.k === undefined ? {} : { k: implementOptions.k }),
            ...(implementOptions.maxSamples === undefined ? {} : { maxSamples: implementOptions.maxSamples }),
            ...(implementOptions.parallelism === undefined ? {} : { parallelism: implementOptions.parallelism }),
            ...(implementOptions.seed === undefined ? {} : { seed: implementOptions.seed }),
            ...(implementOptions.review === true ? { review: true } : {}),
          }, [spec]),
          implement: identity,
        };
        await checkSpec(spec, signal);
        assertSolvable(spec);
        await store.createRun({ id: runId, kind: 'implement', model: options.modelName, config, createdAt: Date.now() });
        await store.recordTask(runId, { taskId: spec.id, spec });
      }
      const layers: VerificationLayer[] = [new ProjectTypesLayer(target), new RepoTestsLayer(target, options.sandbox)];
      let result: SolveTaskResult;
      try {
        const run = await solveRun(runId, 'implement', [spec], config, decided, signal, snapshot, 'paused', layers);
        const first = run.results[0];
        if (first === undefined) throw new Error(`run ${runId} decided no task`);
        result = first;
      } finally {
        await Promise.all(layers.map((layer) => layer.close?.()));
      }
      if (result.outcome !== 'consensus' || result.code === null) {
        return { runId, prepared, result, text: null, diff: null, commit: null };
      }
      const text = spliceCandidate(target.source, target.symbol, ownCode(spec, result.code));
      const diff = await previewDiff(target.path, target.source, text);
      if (implementOptions.dryRun === true) return { runId, prepared, result, text, diff, commit: null, notWritten: 'a dry run writes nothing' };
      const now = await readFile(resolve(target.root, target.path), 'utf8').catch(() => undefined);
      if (now !== target.source) {
        return { runId, prepared, result, text, diff, commit: null, notWritten: `${target.path} changed while zerr worked: nothing was written (the chosen code is in the diff)` };
      }
      try {
        const committed = await commitOnNewBranch({
          root: target.root, path: target.path, text,
          branch: implementOptions.branch ?? `zerr/implement-${target.symbol.name}`,
          message: implementCommitMessage({ prepared, result, runId, model: options.modelName }),
        });
        return { runId, prepared, result, text, diff: committed.diff, commit: { branch: committed.branch, sha: committed.commit, from: committed.from } };
      } catch (error) {
        // The repository is as it was (commitOnNewBranch undoes its steps); the decision stays recorded, the code is in the diff.
        if (!(error instanceof GitError)) throw error;
        return { runId, prepared, result, text, diff, commit: null, notWritten: `${error.message} - the repository was left as it was; the chosen code is in the diff and in run ${runId}` };
      }
    },
    async resumeRun(runId, resumeOptions = {}) {
      const existing = await store.getRun(runId);
      if (existing === undefined) throw new RunNotFoundError({ runId });
      if (existing.kind === 'build') throw new RunNotResumableError(`run ${runId} is a build; zerr resume continues it as one`);
      if (existing.kind !== 'solve' && existing.kind !== 'demo') throw new RunNotResumableError(`run ${runId} is a ${existing.kind} run, which cannot be resumed`);
      if (existing.status === 'completed') throw new RunNotResumableError(`run ${runId} is already complete`);
      const recorded = SolveRunConfigSchema.parse(existing.config);
      const config = resumeOptions.maxCostUsd === undefined ? recorded : { ...recorded, maxCostUsd: resumeOptions.maxCostUsd };
      const specs = existing.tasks.map((task) => TaskSpecSchema.parse(task.spec));
      const order = Array.isArray(existing.config['taskOrder']) ? (existing.config['taskOrder'] as unknown[]).map(String) : undefined;
      const unrecorded = order?.filter((taskId) => !specs.some((spec) => spec.id === taskId)) ?? [];
      if (unrecorded.length > 0) {
        // The store failed (disk full, read-only) while the run was being created: its tasks are not all there.
        throw new RunNotResumableError(`run ${runId} was not recorded completely (no task ${unrecorded.join(', ')}; nothing was sampled): run the command again`);
      }
      if (order !== undefined) specs.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
      const decided = new Map(existing.decisions.filter((d) => d.outcome !== 'cancelled').map((d) => [d.taskId, resultFromRecords(existing, d)]));
      return solveRun(runId, existing.kind, specs, config, decided, resumeOptions.signal, existing);
    },
    async build(requestInput, buildOptions) {
      const request = parseBuildRequest(requestInput);
      const marker = await readBuildMarker(buildOptions.outDir);
      if (marker !== undefined) {
        const existing = await store.getRun(marker.runId);
        // A build whose start the store could not record (disk full) has no checkpoint: a new build replaces it.
        if (existing !== undefined && existing.checkpoints.length > 0) {
          if (existing.status === 'completed') {
            throw new BuildNotResumableError(`${buildOptions.outDir} holds the finished build ${marker.runId}; choose another output folder`);
          }
          return this.resumeBuild(marker.runId, {
            ...(buildOptions.escalationWaitMs === undefined ? {} : { escalationWaitMs: buildOptions.escalationWaitMs }),
            ...(buildOptions.signal === undefined ? {} : { signal: buildOptions.signal }),
          });
        }
      }
      const runId = buildOptions.runId ?? newRunId();
      const outDir = resolve(buildOptions.outDir);
      const present = await readdir(outDir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      if (marker === undefined && present.length > 0) {
        // Never commit someone's files: a build owns its folder.
        throw new BuildNotResumableError(`${buildOptions.outDir} is not empty and holds no build; choose a new or empty output folder`);
      }
      await writeBuildMarker(outDir, { runId });
      return runBuild(buildDependencies, {
        runId, modelName: options.modelName,
        start: { request, outDir, ...(buildOptions.commitEpochMs === undefined ? {} : { commitEpochMs: buildOptions.commitEpochMs }) },
        ...(buildOptions.escalationWaitMs === undefined ? {} : { escalationWaitMs: buildOptions.escalationWaitMs }),
        ...(buildOptions.signal === undefined ? {} : { signal: buildOptions.signal }),
      });
    },
    async resumeBuild(runId, resumeOptions = {}) {
      return runBuild(buildDependencies, {
        runId, modelName: options.modelName,
        ...(resumeOptions.budgets === undefined ? {} : { budgets: resumeOptions.budgets }),
        ...(resumeOptions.escalationWaitMs === undefined ? {} : { escalationWaitMs: resumeOptions.escalationWaitMs }),
        ...(resumeOptions.signal === undefined ? {} : { signal: resumeOptions.signal }),
      });
    },
    checkSpec: (spec, checkOptions = {}) => checkSpec(spec, checkOptions.signal),
    async verify(spec, code, verifyOptions = {}) {
      await checkSpec(spec, verifyOptions.signal);
      return verifier.verify({ spec, candidate: { language: spec.language, code }, ...(verifyOptions.signal === undefined ? {} : { signal: verifyOptions.signal }) });
    },
    async decompose(requirements, decomposeOptions = {}) {
      const runId = decomposeOptions.runId ?? newRunId();
      const k = decomposeOptions.k ?? 2;
      const maxSamples = decomposeOptions.maxSamples ?? 8;
      const decomposerModel = modelOf('decomposer');
      await store.createRun({ id: runId, kind: 'decompose', model: decomposerModel.name, config: { k, maxSamples }, createdAt: Date.now() });
      await store.recordTask(runId, { taskId: 'decompose:root', spec: { requirements } });
      try {
        const result = await decomposeNode({ model: decomposerModel.model, store, emit: (event) => bus.emit(event), draw: remoteDrawer }, {
          runId, nodeId: 'root', requirements, language: 'typescript', reservedEntryPoints: [], k, maxSamples,
          limits: { maxLines: decomposeOptions.maxLines ?? 40, maxComplexity: decomposeOptions.maxComplexity ?? 10 },
          ...(decomposeOptions.seed === undefined ? {} : { seed: decomposeOptions.seed }),
          ...(decomposeOptions.signal === undefined ? {} : { signal: decomposeOptions.signal }),
        });
        await store.finishRun(runId, { status: 'completed', finishedAt: Date.now(), summary: { outcome: result.outcome, samples: result.samples } });
        return { runId, outcome: result.outcome, proposal: result.proposal, samples: result.samples, redFlagsByRule: result.redFlagsByRule, reason: result.reason };
      } catch (error) {
        await recordedUnlessStoreFails(() => store.finishRun(runId, { status: 'failed', finishedAt: Date.now(), summary: { error: error instanceof Error ? error.message : String(error) } }));
        throw error;
      }
    },
    async specify(requirements, specifyOptions = {}) {
      const runId = specifyOptions.runId ?? newRunId();
      const { model, name } = modelOf('specifier');
      const { signal, runId: _runId, ...settings } = specifyOptions;
      const config = { language: 'typescript' as 'typescript' | 'python', k: 3, maxSamples: 12, seed: 42, ...settings };
      await store.createRun({ id: runId, kind: 'specify', model: name, config, createdAt: Date.now() });
      await store.recordTask(runId, { taskId: 'specify:root', spec: { requirements, language: config.language } });
      try {
        const result = await specifyTask({ model, store, emit: (event) => bus.emit(event), draw: remoteDrawer }, { runId, requirements, ...config, ...(signal === undefined ? {} : { signal }) });
        await store.finishRun(runId, { status: 'completed', finishedAt: Date.now(), summary: { outcome: result.outcome, samples: result.samples, classKey: result.classKey } });
        return { ...result, runId, model: name };
      } catch (error) {
        const status = signal?.aborted === true ? 'cancelled' : 'failed';
        await recordedUnlessStoreFails(() => store.finishRun(runId, { status, finishedAt: Date.now(), summary: { error: error instanceof Error ? error.message : String(error) } }));
        throw error;
      }
    },
    async close() {
      try {
        // The coder's model, then each archetype's own (a route may be shared by several archetypes: closed once).
        const models = new Set([options.model, ...Object.values(options.archetypeModels ?? {}).map((entry) => entry.model)]);
        for (const model of models) await model.close();
        await options.memory?.close();
        if (ownsVerifier) await verifier.close(); // its analysis worker threads
      } finally {
        try {
          await options.sandbox.close();
        } finally {
          try {
            await store.close();
          } finally {
            await options.queue?.close();
          }
        }
      }
    },
  };
}

/**
 * A failure of the queue to the workers (`queue_unavailable`, `sample_job_refused`, `remote_verdict_rejected`): the
 * run pauses.
 */
function isQueueFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'queue_unavailable' || code === 'sample_job_refused' || code === 'remote_verdict_rejected';
}

/** Totals over task results, stored as the run's summary. */
export function summarize(results: readonly SolveTaskResult[]): Record<string, unknown> {
  const outcomes: Record<string, number> = {};
  const redFlagsByRule: Record<string, number> = {};
  const failedCallsByCause: Record<string, number> = {};
  let samples = 0, failedCalls = 0, retries = 0, inputTokens = 0, outputTokens = 0, costUsd = 0;
  for (const result of results) {
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    for (const [rule, count] of Object.entries(result.redFlagsByRule)) redFlagsByRule[rule] = (redFlagsByRule[rule] ?? 0) + count;
    for (const [cause, count] of Object.entries(result.failedCallsByCause)) failedCallsByCause[cause] = (failedCallsByCause[cause] ?? 0) + count;
    samples += result.samples;
    failedCalls += result.failedCalls;
    retries += result.retries;
    inputTokens += result.inputTokens;
    outputTokens += result.outputTokens;
    costUsd += result.costUsd;
  }
  return { tasks: results.length, outcomes, samples, failedCalls, failedCallsByCause, retries, redFlagsByRule, inputTokens, outputTokens, costUsd };
}
