/**
 * @module orchestrate/project-build/run-build
 * `zerr build`: requirements -> decomposition DAG -> each atomic task through the solve loop -> integrated,
 * verified project in git (seed implementation guide §3 and §4.1; Code-God's plan -> decompose -> dependency
 * graph -> execute with retrieved context -> validate -> integrate -> git workflow; MAKER §3.1 maximal
 * decomposition). Every state change is a checkpoint in the run store before it takes effect, so a killed build
 * resumes from exactly where it stopped (see `build-journal.ts`). Failures follow the seed's fallbacks in order
 * (§5): best partial result, simplify and retry (halve the limits, re-decompose the node), escalate to a person.
 */
import { ownCode } from '../prompting/assemble-candidate.js';
import type { LanguageModel } from '../../llm/language-model.js';
import { ModelUnavailableError } from '../../llm/model-errors.js';
import { checkProposal, DEFAULT_MAX_SUBTASKS } from '../../decompose/proposal-red-flags.js';
import { decomposeNode } from '../../decompose/decompose-node.js';
import { countingDrawer, type ProposalDrawer, type RemoteUsageSink } from '../../decompose/proposal-draw.js';
import type { DecompositionProposal, Service } from '../../decompose/decomposition-proposal.js';
import { TaskGraph } from '../../decompose/task-graph.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import { RunLease } from '../../store/run-lease.js';
import { answerSpec } from '../escalation-answer.js';
import { RunNotFoundError } from '../../store/errors/run-not-found-error.js';
import { isStoreUnavailable } from '../../store/errors/store-unavailable-error.js';
import { recordedUnlessStoreFails } from '../store-failure.js';
import type { DecisionRecord, RunRecord, RunStore } from '../../store/run-store.js';
import { taskProgress } from '../../store/task-progress.js';
import type { EngineEvent } from '../engine-events.js';
import type { SolveTaskOptions, SolveTaskResult } from '../solve-task.js';
import { BuildBudgetTracker, runWallMs } from './build-budget.js';
import { BudgetExceededError, BuildNotResumableError, IntegrationUntracedError } from './build-errors.js';
import {
  applyCheckpoint, attemptSpec, decomposeTaskId, foldCheckpoints, taskGraphOf, type BuildNode, type BuildState, type CheckpointBody,
  type CheckpointKind,
} from './build-journal.js';
import { buildFiles, planFiles } from './build-files.js';
import { buildReport, writeReport, type BuildReport } from './build-report.js';
import { buildTaskAdaptive, type BuildBudgets, type BuildRequest } from './build-request.js';
import { contextCode } from './context-code.js';
import { GitRepository } from './git-repository.js';
import { ProjectTypeChecker } from './integrate/project-type-checker.js';
import { verifyProject } from './integrate/verify-project.js';
import { proposalToNodes } from './proposal-to-nodes.js';

/** What a build needs; the engine wires the real ones. */
export interface BuildDependencies {
  readonly model: LanguageModel;
  /** The decomposer's model (`routes.decomposer`); default `model`. */
  readonly decomposerModel?: LanguageModel;
  readonly store: RunStore;
  readonly sandbox: Sandbox;
  readonly emit: (event: EngineEvent) => void;
  /**
   * The solve loop (red-flag, verify, vote) with the engine's shared layers, drawing samples from `model` (or, on a
   * queue, from the workers: what their calls spent goes to `onRemoteUsage`).
   */
  readonly solve: (model: LanguageModel, options: SolveTaskOptions, onRemoteUsage?: RemoteUsageSink) => Promise<SolveTaskResult>;
  /** Draws the decomposer's samples on a queue's workers; default: `decomposerModel` in this process. */
  readonly proposalDrawer?: ProposalDrawer | undefined;
  /** Runs the verification layers on one piece of code (used for a person's answer to an escalation). */
  readonly verify: (spec: TaskSpec, code: string, signal?: AbortSignal) => Promise<{ readonly passed: boolean; readonly failedLayer?: string | undefined; readonly failedReason?: string | undefined }>;
  /** Clock in ms; default `Date.now`. */
  readonly now?: () => number;
}

/** Options of {@link runBuild}. */
export interface RunBuildOptions {
  readonly runId: string;
  /** Model URI recorded with a new run. */
  readonly modelName: string;
  /**
   * A new build: its request, output folder and optionally the epoch (ms) commit dates count from (default: the
   * start time; the CLI passes `SOURCE_DATE_EPOCH` for reproducible histories). Absent: resume `runId`.
   */
  readonly start?: { readonly request: BuildRequest; readonly outDir: string; readonly commitEpochMs?: number };
  /** Budgets replacing the stored ones (e.g. raised on resume). */
  readonly budgets?: BuildBudgets;
  /** How long to wait for answers when only escalations block, in ms. Default 0: pause at once. */
  readonly escalationWaitMs?: number;
  /** Poll interval for answers while waiting, in ms. Default 500. */
  readonly escalationPollMs?: number;
  readonly signal?: AbortSignal;
}

/** How a build session ended. */
export interface BuildResult {
  readonly runId: string;
  /** `completed`: integrated, verified and committed. `paused`: stopped cleanly; `zerr resume` continues. */
  readonly status: 'completed' | 'paused';
  readonly reason: string;
  readonly outDir: string;
  readonly report: BuildReport;
}

/** Error codes of machinery that could not run (no verdict was reached): the build pauses instead of failing. */
const MACHINERY_FAILURES = new Set([
  'python_tool_failed', 'sandbox_unavailable',
  // The queue to the workers (`--redis`): unreachable, a job refused, or a report that did not hold.
  'queue_unavailable', 'sample_job_refused', 'remote_verdict_rejected',
]);

/** Key of the requirements' decomposition in the work queue (not a node id). */
const ROOT = Symbol('root');

/**
 * Runs (or resumes) a build until it is complete or has to pause.
 * @throws RunNotFoundError / BuildNotResumableError (`build_not_resumable`) when resuming something that is not a
 *   resumable build; ModelUnavailableError after pausing the build (resumable once the model is back);
 *   SandboxUnavailableError; GitError.
 */
export async function runBuild(deps: BuildDependencies, options: RunBuildOptions): Promise<BuildResult> {
  const now = deps.now ?? Date.now;
  const { store } = deps;
  if (options.start !== undefined) {
    const { request, outDir } = options.start;
    const startedAt = now();
    await store.createRun({ id: options.runId, kind: 'build', model: options.modelName, config: { ...request, outDir }, createdAt: startedAt });
    const commitEpochMs = options.start.commitEpochMs ?? startedAt;
    try {
      await store.recordCheckpoint(options.runId, { kind: 'build-start', body: { request, outDir, startedAt, commitEpochMs }, createdAt: startedAt });
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      // A build without its start cannot be resumed; nothing was sampled (`engine.build` starts anew in `outDir`).
      await recordedUnlessStoreFails(() => store.finishRun(options.runId, { status: 'failed', finishedAt: now(), summary: { error: error.message } }));
      throw error.duringRun({ runId: options.runId, state: 'not-started' });
    }
  }
  // One process works on a build at a time: claimed before anything of it is read or changed.
  const lease = await RunLease.acquire(store, options.runId, { ...(deps.now === undefined ? {} : { now: deps.now }) }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'run_not_found') throw new RunNotFoundError({ runId: options.runId });
    // The claim could not be written: nothing of the build changed, it is as resumable as before.
    if (isStoreUnavailable(error)) throw error.duringRun({ runId: options.runId, state: 'paused', statusRecorded: false });
    throw error;
  });
  try {
    if (options.start === undefined) {
      const existing = await store.getRun(options.runId);
      if (existing === undefined) throw new RunNotFoundError({ runId: options.runId });
      if (existing.kind !== 'build') throw new BuildNotResumableError(`run ${options.runId} is a ${existing.kind} run, not a build`);
      if (foldCheckpoints(existing.checkpoints).completed) throw new BuildNotResumableError(`build ${options.runId} is already complete`);
      await store.reopenRun(options.runId);
    }
    const snapshot = await store.getRun(options.runId);
    if (snapshot === undefined) throw new RunNotFoundError({ runId: options.runId });
    const state = foldCheckpoints(snapshot.checkpoints);
    const session = new BuildSession(deps, { ...options, signal: options.signal === undefined ? lease.lost : AbortSignal.any([options.signal, lease.lost]) }, state, snapshot, now);
    return await session.run();
  } catch (error) {
    // Before the session started (reading the build back, reopening it): nothing changed, it is resumable as before.
    if (isStoreUnavailable(error) && error.run === undefined) throw error.duringRun({ runId: options.runId, state: 'paused', statusRecorded: false });
    throw error;
  } finally {
    await lease.release();
  }
}

type WorkKey = typeof ROOT | string;

class BuildSession {
  readonly #deps: BuildDependencies;
  readonly #options: RunBuildOptions;
  readonly #state: BuildState;
  /** The run as stored when this session started: decisions and progress of work in flight when it stopped. */
  readonly #snapshot: RunRecord;
  readonly #now: () => number;
  readonly #controller = new AbortController();
  readonly #budget: BuildBudgetTracker;
  readonly #model: LanguageModel;
  /** The decomposer's model under the same budget as the coder's (the same object when no route gives another). */
  readonly #decomposerModel: LanguageModel;
  /** The queue's proposal drawer with its answers counted in the budget; undefined without a queue. */
  readonly #draw: ProposalDrawer | undefined;
  #git: GitRepository | undefined;
  /** One warm type checker per session: a fresh one parses @types/node again (seconds). */
  #typeChecker: ProjectTypeChecker | undefined;

  constructor(deps: BuildDependencies, options: RunBuildOptions, state: BuildState, snapshot: RunRecord, now: () => number) {
    this.#deps = deps;
    this.#options = options;
    this.#state = state;
    this.#snapshot = snapshot;
    this.#now = now;
    if (options.signal !== undefined) {
      const outer = options.signal;
      if (outer.aborted) this.#controller.abort(outer.reason);
      else outer.addEventListener('abort', () => this.#controller.abort(outer.reason), { once: true });
    }
    this.#budget = new BuildBudgetTracker({
      budgets: options.budgets ?? state.request.budgets, spent: spentSoFar(snapshot), controller: this.#controller, now,
    });
    this.#model = this.#budget.wrap(deps.model);
    this.#decomposerModel = deps.decomposerModel === undefined || deps.decomposerModel === deps.model ? this.#model : this.#budget.wrap(deps.decomposerModel);
    this.#draw = deps.proposalDrawer === undefined ? undefined : countingDrawer(deps.proposalDrawer, (usage) => this.#budget.add(usage));
  }

  get #runId(): string { return this.#options.runId; }
  get #signal(): AbortSignal { return this.#controller.signal; }

  async run(): Promise<BuildResult> {
    const { store, emit } = this.#deps;
    await this.#checkpoint('session-start', { at: this.#now() });
    emit({ type: 'run-start', runId: this.#runId, at: this.#now(), taskIds: [...this.#state.nodes.keys()], model: this.#snapshot.model, kind: 'build' });
    try {
      this.#git = await GitRepository.open(this.#state.outDir);
      for (;;) {
        await this.#work();
        const blocked = this.#blockedReason();
        if (blocked !== undefined) {
          if (await this.#waitForAnswers()) continue;
          return await this.#pause(blocked);
        }
        if (await this.#integrate()) return await this.#complete();
      }
    } catch (error) {
      const storeFailure = isStoreUnavailable(error) ? error : isStoreUnavailable(this.#signal.reason) ? this.#signal.reason : undefined;
      if (storeFailure !== undefined) {
        // The store cannot be written (disk full, read-only): a machinery failure, not a verdict. The build pauses
        // as far as the store lets it; where it cannot even take the status, it stays `running` (resumable).
        const statusRecorded = await this.#pauseAfterStoreFailure(`${storeFailure.problem} in ${storeFailure.operation}`);
        throw storeFailure.duringRun({ runId: this.#runId, state: 'paused', statusRecorded });
      }
      if (this.#signal.aborted) {
        const reason = this.#signal.reason instanceof BudgetExceededError
          ? this.#signal.reason.message
          : `stopped: ${this.#signal.reason instanceof Error ? this.#signal.reason.message : String(this.#signal.reason ?? 'aborted')}`;
        return await this.#pause(reason);
      }
      if (error instanceof ModelUnavailableError || (error as { code?: unknown }).code === 'circuit_open') {
        await this.#pause(`model unavailable: ${(error as Error).message}`);
        throw error;
      }
      if (MACHINERY_FAILURES.has(String((error as { code?: unknown }).code))) {
        // A tool that could not run (pyright, the sandbox) gave no verdict: the build pauses and resumes where it stopped.
        await this.#pause(`${(error as Error).message}`);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      // The build's own error is the one to report, also when its status cannot be recorded.
      await recordedUnlessStoreFails(() => store.finishRun(this.#runId, { status: 'failed', finishedAt: this.#now(), summary: { error: message } }));
      emit({ type: 'run-end', runId: this.#runId, at: this.#now(), status: 'failed', error: message });
      throw error;
    } finally {
      this.#budget.dispose();
    }
  }

  /** Decomposes and solves until nothing more can be done now (everything settled, or the rest is blocked). */
  async #work(): Promise<void> {
    const running = new Map<WorkKey, Promise<void>>();
    const failures: unknown[] = [];
    for (;;) {
      await this.#pickUpAnswers();
      if (running.size === 0 && this.#decompositionDone() && !this.#hasCommit('decomposition')) await this.#commitDecomposition();
      for (const key of this.#actionable()) {
        if (running.size >= this.#state.request.concurrency) break;
        if (running.has(key)) continue;
        this.#budget.check();
        this.#signal.throwIfAborted();
        const step = this.#step(key)
          .catch((error: unknown) => {
            failures.push(error);
            // Nothing more can be recorded: the other steps stop at once instead of sampling on.
            if (isStoreUnavailable(error)) this.#controller.abort(error);
          })
          .finally(() => { running.delete(key); });
        running.set(key, step);
      }
      if (running.size === 0) {
        // A session resumed after a kill between a task's settlement and its level's commit commits it here.
        await this.#commitLevels();
        return;
      }
      await Promise.race(running.values());
      if (failures.length > 0) {
        await Promise.allSettled(running.values());
        throw failures[0];
      }
      await this.#commitLevels();
    }
  }

  /** Work that can start now, in a deterministic order. Solving starts only after the decomposition commit. */
  #actionable(): WorkKey[] {
    const state = this.#state;
    const escalated = new Set([...state.openEscalations.values()].map((escalation) => escalation.nodeId));
    if (!state.rootDecomposed) return escalated.has('') ? [] : [ROOT];
    const pending = [...state.nodes.values()].filter((node) => !state.settled.has(node.id) && !escalated.has(node.id));
    const decompose = pending.filter((node) => node.needsDecomposition).map((node) => node.id);
    if (!this.#hasCommit('decomposition')) return decompose.sort();
    const ready = pending
      .filter((node) => !node.needsDecomposition && node.dependencies.every((dependency) => state.settled.has(dependency)))
      .sort((a, b) => b.spec.priority - a.spec.priority || a.id.localeCompare(b.id))
      .map((node) => node.id);
    return [...decompose.sort(), ...ready];
  }

  #decompositionDone(): boolean {
    return this.#state.rootDecomposed && [...this.#state.nodes.values()].every((node) => !node.needsDecomposition);
  }

  #hasCommit(label: string): boolean {
    return this.#state.commits.some((commit) => commit.label === label);
  }

  async #step(key: WorkKey): Promise<void> {
    if (key === ROOT) return this.#decompose(null);
    const node = this.#state.nodes.get(key);
    if (node === undefined) return;
    return node.needsDecomposition ? this.#decompose(node) : this.#solve(node);
  }

  /** Decomposes the requirements (node null) or a node, with voting over proposals. */
  async #decompose(node: BuildNode | null): Promise<void> {
    const { request } = this.#state;
    const taskId = decomposeTaskId(node?.id ?? null);
    const decided = this.#decided(taskId);
    let proposal: DecompositionProposal | null;
    let reason: string;
    if (decided !== undefined) {
      proposal = decided.code === null ? null : parseStoredProposal(decided.code, request.language);
      reason = decided.reason;
    } else {
      await this.#recordTask(taskId, node === null ? { requirements: request.requirements } : { decompose: node.spec });
      const result = await decomposeNode(
        { model: this.#decomposerModel, store: this.#deps.store, emit: this.#deps.emit, draw: this.#draw },
        {
          runId: this.#runId, nodeId: node?.id ?? 'root',
          requirements: node === null ? request.requirements : describeNode(node),
          language: request.language,
          limits: node === null
            ? { maxLines: request.maxLines, maxComplexity: request.maxComplexity }
            : { maxLines: node.spec.limits.maxLines, maxComplexity: node.spec.limits.maxComplexity },
          ...(node === null ? {} : { parentEntryPoint: node.spec.signature.entryPoint }),
          reservedEntryPoints: [...this.#state.nodes.values()].filter((other) => other.id !== node?.id).map((other) => other.spec.signature.entryPoint),
          k: request.decomposeK, maxSamples: request.decomposeMaxSamples, seed: request.seed,
          resume: taskProgress(this.#snapshot, taskId), signal: this.#signal,
          // A model that went away pauses the build; the node stays undecided, to be decomposed on resume.
          recordUnavailable: false,
        },
      );
      proposal = result.proposal;
      reason = result.reason;
    }
    if (proposal !== null) {
      await this.#replace(node, proposalToNodes(proposal, node, request), node === null ? proposal.service : undefined);
      return;
    }
    if (node === null) {
      await this.#escalate('', 'decomposition', `the decomposition of the requirements reached no consensus: ${reason}`,
        'Write the decomposition of the requirements as JSON: { "subtasks": [{ "id", "name", "description", "signature", "dependencies", "testCases", "estimatedLines", "estimatedComplexity" }] }',
        { requirements: request.requirements });
    } else if (this.#state.simplified.has(node.id)) {
      const context = contextCode(node, this.#state.nodes, this.#state.settled);
      await this.#escalate(node.id, 'code', `no verified candidate, and its simplified decomposition reached no consensus: ${reason}`,
        `Write the ${taskKind(node.spec)} ${node.spec.signature.entryPoint} (the spec is in the context).`, { spec: context === '' ? node.spec : { ...node.spec, contextCode: context } });
    } else {
      // Too big by its estimate, but the decomposition failed: try it as one atomic task.
      await this.#replace(node, [{ ...node, needsDecomposition: false }]);
    }
  }

  /** Checks a graph change (cycles, unknown dependencies) and records it. */
  async #replace(node: BuildNode | null, nodes: readonly BuildNode[], service?: Service): Promise<void> {
    const next = new Map(this.#state.nodes);
    if (node !== null) next.delete(node.id);
    for (const created of nodes) next.set(created.id, created);
    TaskGraph.fromTasks([...next.values()].map((each) => ({ id: each.id, dependencies: each.dependencies })));
    await this.#checkpoint('nodes-created', { replaces: node?.id ?? null, nodes: [...nodes], ...(service === undefined ? {} : { service }) });
    this.#deps.emit({
      type: 'nodes-created', runId: this.#runId, at: this.#now(), replaces: node?.id ?? null,
      nodes: nodes.map((created) => ({ id: created.id, dependencies: created.dependencies, needsDecomposition: created.needsDecomposition })),
    });
  }

  /** Solves an atomic task with its dependencies' code as context; on failure, simplify or escalate. */
  async #solve(node: BuildNode): Promise<void> {
    const { request } = this.#state;
    const attempt = this.#state.attempts.get(node.id) ?? 0;
    const context = contextCode(node, this.#state.nodes, this.#state.settled);
    const spec = attemptSpec(context === '' ? node.spec : { ...node.spec, contextCode: context }, attempt);
    const decided = this.#decided(spec.id);
    let outcome: string;
    let code: string | null;
    let reason: string;
    if (decided !== undefined) {
      ({ outcome, code, reason } = decided);
    } else {
      await this.#recordTask(spec.id, spec);
      // Adaptive k (decision 022): the build's target split over the most tasks its depth allows.
      const adaptive = buildTaskAdaptive(request, DEFAULT_MAX_SUBTASKS);
      const result = await this.#deps.solve(this.#model, {
        runId: this.#runId, spec, k: request.k, maxSamples: request.maxSamples, seed: request.seed,
        resume: taskProgress(this.#snapshot, spec.id), recordCancellation: false, signal: this.#signal,
        ...(adaptive === undefined ? {} : { adaptive }),
      }, (usage) => this.#budget.add(usage));
      ({ outcome, code, reason } = result);
    }
    if ((outcome === 'consensus' || outcome === 'best-partial') && code !== null) {
      await this.#settle(node.id, outcome, ownCode(spec, code), spec.id);
    } else if (node.depth < request.maxDepth && !this.#state.simplified.has(node.id)) {
      const maxLines = Math.max(1, Math.floor(node.spec.limits.maxLines / 2));
      const maxComplexity = Math.max(1, Math.floor(node.spec.limits.maxComplexity / 2));
      await this.#checkpoint('task-simplified', { nodeId: node.id, maxLines, maxComplexity, reason });
    } else {
      await this.#escalate(node.id, 'code', reason, `Write the ${taskKind(node.spec)} ${node.spec.signature.entryPoint} (the spec is in the context).`,
        { spec, bestCode: code });
    }
  }

  async #settle(nodeId: string, source: 'consensus' | 'best-partial' | 'person', code: string, solveTaskId: string): Promise<void> {
    await this.#checkpoint('task-settled', { nodeId, source, code, solveTaskId });
    this.#deps.emit({ type: 'task-settled', runId: this.#runId, at: this.#now(), taskId: nodeId, source });
  }

  /** Opens an escalation (store first, then the checkpoint; an escalation left half-open by a kill is adopted). */
  async #escalate(nodeId: string, kind: 'code' | 'decomposition', reason: string, question: string, context: unknown): Promise<void> {
    const prefix = escalationPrefix(nodeId);
    const known = [...this.#state.openEscalations.keys(), ...this.#state.resolvedEscalations]
      .filter((id) => id.startsWith(`${prefix}-`) && /^\d+$/.test(id.slice(prefix.length + 1))).length;
    const escalationId = `${prefix}-${known + 1}`;
    const taskId = nodeId === '' ? decomposeTaskId(null) : nodeId;
    try {
      await this.#deps.store.openEscalation(this.#runId, { escalationId, taskId, kind, reason, question, context, createdAt: this.#now() });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'duplicate_record') throw error;
    }
    await this.#checkpoint('escalation-opened', { escalationId, nodeId, kind });
    this.#deps.emit({ type: 'task-escalated', runId: this.#runId, at: this.#now(), taskId, reason });
  }

  /** Picks up answers given (CLI, HTTP) to this build's open escalations, and checks them. */
  async #pickUpAnswers(): Promise<void> {
    if (this.#state.openEscalations.size === 0) return;
    const answered = await this.#deps.store.listEscalations({ runId: this.#runId, status: 'answered' });
    for (const escalation of answered) {
      const open = this.#state.openEscalations.get(escalation.escalationId);
      if (open === undefined) continue;
      if (open.kind === 'decomposition') await this.#acceptDecomposition(escalation.escalationId, open.nodeId, escalation.answer);
      else await this.#acceptCode(escalation.escalationId, open.nodeId, escalation.answer);
    }
  }

  async #acceptDecomposition(escalationId: string, nodeId: string, answer: unknown): Promise<void> {
    const node = nodeId === '' ? null : (this.#state.nodes.get(nodeId) ?? null);
    const proposalJson = JSON.stringify(isRecord(answer) && 'proposal' in answer ? answer['proposal'] : answer);
    const checked = checkProposal(proposalJson, {
      maxSubtasks: 32, maxOutputTokens: Number.MAX_SAFE_INTEGER, outputTokens: 0, finishReason: 'stop', language: this.#state.request.language,
      reservedEntryPoints: [...this.#state.nodes.values()].filter((other) => other.id !== nodeId).map((other) => other.spec.signature.entryPoint),
      ...(node === null ? {} : { parentEntryPoint: node.spec.signature.entryPoint }),
    });
    if (checked.proposal === null || checked.hits.length > 0) {
      const why = checked.hits.map((hit) => `${hit.rule}: ${hit.reason}`).join('; ');
      await this.#checkpoint('escalation-resolved', { escalationId, nodeId, accepted: false, reason: why });
      await this.#escalate(nodeId, 'decomposition', `the answer to ${escalationId} was rejected: ${why}`, 'Write the decomposition again as JSON.', {});
      return;
    }
    await this.#checkpoint('escalation-resolved', { escalationId, nodeId, accepted: true, reason: 'decomposition accepted' });
    await this.#replace(node, proposalToNodes(checked.proposal, node, this.#state.request), node === null ? checked.proposal.service : undefined);
  }

  async #acceptCode(escalationId: string, nodeId: string, answer: unknown): Promise<void> {
    const node = this.#state.nodes.get(nodeId);
    const code = isRecord(answer) && typeof answer['code'] === 'string' ? answer['code'] : undefined;
    if (node === undefined) return;
    let why: string;
    if (code === undefined) {
      why = 'the answer has no "code" string';
    } else {
      const context = contextCode(node, this.#state.nodes, this.#state.settled);
      // Dependency code never counts against the answer, nor do size limits (see orchestrate/escalation-answer).
      const spec = answerSpec(context === '' ? node.spec : { ...node.spec, contextCode: context });
      const full = context === '' ? code : `${context}${code}`;
      const verdict = await this.#deps.verify(spec, full, this.#signal);
      if (verdict.passed) {
        await this.#checkpoint('escalation-resolved', { escalationId, nodeId, accepted: true, reason: 'the answer passed every verification layer' });
        await this.#settle(nodeId, 'person', code, escalationId);
        return;
      }
      why = `the answer failed the ${verdict.failedLayer ?? 'verification'} layer${verdict.failedReason === undefined ? '' : `: ${verdict.failedReason}`}`;
    }
    await this.#checkpoint('escalation-resolved', { escalationId, nodeId, accepted: false, reason: why });
    await this.#escalate(nodeId, 'code', `the answer to ${escalationId} was rejected: ${why}`, `Write the ${taskKind(node.spec)} ${node.spec.signature.entryPoint} again.`, { spec: contextSpec(node, contextCode(node, this.#state.nodes, this.#state.settled)), rejected: code ?? null });
  }

  /** Why nothing more can happen without a person, or undefined when every node is settled. */
  #blockedReason(): string | undefined {
    const open = [...this.#state.openEscalations.entries()];
    if (open.length === 0 && this.#state.rootDecomposed && [...this.#state.nodes.keys()].every((id) => this.#state.settled.has(id))) return undefined;
    if (open.length === 0) return 'no work can start: unsettled tasks remain without an escalation';
    return `waiting on ${open.length} escalation(s): ${open.map(([id, { nodeId }]) => `${id} (${nodeId === '' ? 'the decomposition' : nodeId})`).join(', ')}; answer with zerr escalations answer, then zerr resume ${this.#runId}`;
  }

  /** Polls for answers for up to `escalationWaitMs`; true when one arrived. */
  async #waitForAnswers(): Promise<boolean> {
    const waitMs = this.#options.escalationWaitMs ?? 0;
    const pollMs = this.#options.escalationPollMs ?? 500;
    const deadline = this.#now() + waitMs;
    while (this.#now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      this.#signal.throwIfAborted();
      const before = this.#state.seq;
      await this.#pickUpAnswers();
      if (this.#state.seq !== before) return true;
    }
    return false;
  }

  async #commitDecomposition(): Promise<void> {
    const count = this.#state.nodes.size;
    const lines = [...this.#state.nodes.values()].sort((a, b) => a.id.localeCompare(b.id))
      .map((node) => `- ${node.id}: ${node.spec.name}${node.dependencies.length === 0 ? '' : ` (uses ${node.dependencies.join(', ')})`}`);
    await this.#commit('decomposition', planFiles(this.#state), `zerr: decomposition into ${count} task${count === 1 ? '' : 's'}\n\n${lines.join('\n')}\n`);
  }

  /** Commits every topological level whose tasks (and all lower levels' tasks) are settled, in level order. */
  async #commitLevels(): Promise<void> {
    if (!this.#hasCommit('decomposition')) return;
    const levels = this.#levels();
    for (let level = 0; level < levels.length; level += 1) {
      const label = `level-${level}`;
      if (this.#hasCommit(label)) continue;
      const upTo = levels.slice(0, level + 1).flat();
      if (!upTo.every((id) => this.#state.settled.has(id))) return;
      const names = (levels[level] ?? []).join(', ');
      await this.#commit(label, buildFiles(this.#state, upTo), `zerr: level ${level}: ${names}\n`);
    }
  }

  #levels(): string[][] {
    return taskGraphOf(this.#state).topologicalLevels();
  }

  /** Writes files and commits them; a commit made just before a kill (same message) is adopted, not repeated. */
  async #commit(label: string, files: Readonly<Record<string, string>>, message: string): Promise<void> {
    const git = this.#git as GitRepository;
    let sha = await git.findCommit(message);
    if (sha === undefined) {
      await git.writeFiles(files);
      // Deterministic dates: the same tree, message, parent and date give the same sha after a resume.
      sha = await git.commit(message, { date: new Date(this.#state.commitEpochMs + this.#state.commits.length * 1000) });
    }
    await this.#checkpoint('commit-created', { label, message, sha });
    this.#deps.emit({ type: 'commit-created', runId: this.#runId, at: this.#now(), label, sha, message });
  }

  /** Integrates every settled piece and verifies the whole project; false when tasks were sent back. */
  async #integrate(): Promise<boolean> {
    const state = this.#state;
    const files = buildFiles(state, [...state.nodes.keys()]);
    const verdict = await verifyProject({
      files, pieces: [...state.nodes.values()].map((node) => pieceOf(state, node.id)), name: state.request.name, service: state.service,
      sandbox: this.#deps.sandbox, signal: this.#signal,
      ...(state.request.language === 'typescript' ? { typeChecker: (this.#typeChecker ??= new ProjectTypeChecker()) } : {}),
    });
    const testsPassed = verdict.tests.filter((test) => test.passed).length;
    const body = {
      round: state.integrations.length, passed: verdict.passed, failingNodeIds: [...verdict.failingNodeIds].sort(),
      typeErrors: verdict.typeErrors.length, testsPassed, testsFailed: verdict.tests.length - testsPassed,
    };
    await this.#checkpoint('integration-end', body);
    this.#deps.emit({ type: 'integration-end', runId: this.#runId, at: this.#now(), passed: body.passed, failingTaskIds: body.failingNodeIds, testsPassed, testsFailed: body.testsFailed, typeErrors: body.typeErrors });
    if (verdict.passed) {
      const count = state.nodes.size;
      await this.#commit('integration', files, `zerr: integrate ${count} module${count === 1 ? '' : 's'}, ${testsPassed} tests pass\n`);
      return true;
    }
    if (body.failingNodeIds.length === 0) {
      throw new IntegrationUntracedError(`integration failed and could not be traced to a task: ${[
        ...verdict.typeErrors.map((error) => `${error.file}:${error.line} ${error.message}`),
        ...verdict.tests.filter((test) => !test.passed).map((test) => `${test.file} ${test.name}: ${test.message ?? 'failed'}`),
      ].slice(0, 5).join('; ')}`);
    }
    for (const nodeId of body.failingNodeIds) {
      const attempt = state.attempts.get(nodeId) ?? 0;
      const why = `integration: ${describeFailure(verdict, nodeId)}`;
      const source = state.settled.get(nodeId)?.source;
      await this.#checkpoint('task-reopened', { nodeId, attempt: attempt + 1, reason: why });
      if (attempt >= 1 || source === 'person') {
        const node = state.nodes.get(nodeId);
        await this.#escalate(nodeId, 'code', why, `Write the ${node === undefined ? `${state.request.language === 'python' ? 'Python' : 'TypeScript'} task` : taskKind(node.spec)} ${node?.spec.signature.entryPoint ?? nodeId} so that the project integrates.`, { spec: node?.spec });
      }
    }
    return false;
  }

  async #complete(): Promise<BuildResult> {
    await this.#checkpoint('build-completed', { at: this.#now() });
    const report = await this.#report('completed', 'integrated, verified and committed');
    await this.#deps.store.finishRun(this.#runId, { status: 'completed', finishedAt: this.#now(), summary: report.totals });
    this.#deps.emit({ type: 'run-end', runId: this.#runId, at: this.#now(), status: 'completed' });
    return { runId: this.#runId, status: 'completed', reason: 'integrated, verified and committed', outDir: this.#state.outDir, report };
  }

  /**
   * Pauses after the store failed: the `build-paused` checkpoint, the report and the `paused` status as far as the
   * store (and the disk, for the report) allow; at least the status row is tried. True when the status was recorded.
   */
  async #pauseAfterStoreFailure(reason: string): Promise<boolean> {
    try {
      await this.#pause(reason);
      return true;
    } catch {
      this.#deps.emit({ type: 'run-end', runId: this.#runId, at: this.#now(), status: 'paused', reason });
      return recordedUnlessStoreFails(() => this.#deps.store.finishRun(this.#runId, { status: 'paused', finishedAt: this.#now(), summary: { reason } }));
    }
  }

  async #pause(reason: string): Promise<BuildResult> {
    await this.#checkpoint('build-paused', { reason });
    const report = await this.#report('paused', reason);
    await this.#deps.store.finishRun(this.#runId, { status: 'paused', finishedAt: this.#now(), summary: { ...report.totals, reason } });
    this.#deps.emit({ type: 'run-end', runId: this.#runId, at: this.#now(), status: 'paused', reason });
    return { runId: this.#runId, status: 'paused', reason, outDir: this.#state.outDir, report };
  }

  async #report(status: 'completed' | 'paused', reason: string): Promise<BuildReport> {
    const run = await this.#deps.store.getRun(this.#runId);
    if (run === undefined) throw new RunNotFoundError({ runId: this.#runId });
    const report = buildReport({ run, state: this.#state, status, reason });
    await writeReport(this.#state.outDir, report);
    return report;
  }

  /** Records a task of the run (once: a resumed session finds it recorded already). */
  async #recordTask(taskId: string, spec: unknown): Promise<void> {
    try {
      await this.#deps.store.recordTask(this.#runId, { taskId, spec });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'duplicate_record') throw error;
    }
  }

  #decided(taskId: string): DecisionRecord | undefined {
    return this.#snapshot.decisions.find((decision) => decision.taskId === taskId && decision.outcome !== 'cancelled');
  }

  async #checkpoint<K extends CheckpointKind>(kind: K, body: CheckpointBody<K>): Promise<void> {
    const createdAt = this.#now();
    const seq = await this.#deps.store.recordCheckpoint(this.#runId, { kind, body, createdAt });
    applyCheckpoint(this.#state, { seq, kind, body, createdAt });
  }
}

/** Tokens, cost and wall time spent by earlier sessions of the run. */
function spentSoFar(run: RunRecord): { tokens: number; costUsd: number; wallMs: number } {
  let tokens = 0, costUsd = 0;
  for (const sample of run.samples) {
    tokens += sample.inputTokens + sample.outputTokens;
    costUsd += sample.costUsd ?? 0;
  }
  return { tokens, costUsd, wallMs: runWallMs(run) };
}

function describeNode(node: BuildNode): string {
  const { spec } = node;
  const inputs = spec.signature.inputs.map((input) => `${input.name}: ${input.type}`).join(', ');
  return `${spec.name}: ${spec.description}\nFunction: ${spec.signature.entryPoint}(${inputs}): ${spec.signature.output.type}`;
}

function parseStoredProposal(code: string, language: 'typescript' | 'python'): DecompositionProposal | null {
  const checked = checkProposal(code, { maxSubtasks: 32, maxOutputTokens: Number.MAX_SAFE_INTEGER, outputTokens: 0, finishReason: 'stop', reservedEntryPoints: [], language });
  return checked.proposal;
}

function escalationPrefix(nodeId: string): string {
  return nodeId === '' ? 'esc-decomposition' : `esc-${nodeId}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pieceOf(state: BuildState, nodeId: string) {
  const node = state.nodes.get(nodeId) as BuildNode;
  const settled = state.settled.get(nodeId);
  if (settled === undefined) throw new Error(`task ${nodeId} has no code to integrate`);
  return { nodeId, spec: node.spec, code: settled.code, dependencies: node.dependencies, source: settled.source };
}

/** `Python function`, `TypeScript class`, ..., for the question of an escalation. */
function taskKind(spec: Pick<TaskSpec, 'language' | 'taskType'>): string {
  return `${spec.language === 'python' ? 'Python' : 'TypeScript'} ${spec.taskType === 'class' ? 'class' : 'function'}`;
}

function describeFailure(verdict: Awaited<ReturnType<typeof verifyProject>>, nodeId: string): string {
  const tests = verdict.tests.filter((test) => !test.passed).map((test) => `${test.file} ${test.name}: ${test.message ?? 'failed'}`);
  const types = verdict.typeErrors.map((error) => `${error.file}:${error.line} ${error.message}`);
  return `${[...types, ...tests].slice(0, 3).join('; ')} (traced to ${nodeId})`;
}

/** The node's spec with its dependencies' verified code as `contextCode` (what an answer is checked against). */
function contextSpec(node: BuildNode, context: string): TaskSpec {
  return context === '' ? node.spec : { ...node.spec, contextCode: context };
}
