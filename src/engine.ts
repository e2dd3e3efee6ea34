/**
 * @module engine
 * The composition root: `createEngine` wires a model, a run store and a sandbox into the solve loop. No
 * module-level singletons; edges (CLI, server, MCP) hold an Engine and read its event stream.
 */
import type { LanguageModel } from './llm/language-model.js';
import { EventBus } from './orchestrate/event-bus.js';
import type { EngineEventListener } from './orchestrate/engine-events.js';
import { newRunId } from './orchestrate/run-id.js';
import { solveTask, type SolveTaskResult } from './orchestrate/solve-task.js';
import { RedFlagger } from './redflag/red-flagger.js';
import type { RedFlagRule } from './redflag/red-flag-rule.js';
import { defaultRedFlagRules } from './redflag/index.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { SandboxCandidateRunner } from './sandbox/sandbox-candidate-runner.js';
import type { TaskSpec, TestCase } from './spec/task-spec.js';
import type { RunStore } from './store/run-store.js';
import { createCodeTokenizer } from './verify/tokenize/index.js';
import { createDefaultVerifier } from './verify/index.js';
import type { Verifier } from './verify/verifier.js';

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
}

/** Options of a run. Defaults: k 3, maxSamples 20, fallback `best-partial`. */
export interface RunOptions {
  /** Run id; a new one when absent. */
  readonly runId?: string;
  /** Kind recorded with the run (`solve`, `demo`). Default `solve`. */
  readonly kind?: string;
  readonly k?: number;
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
  readonly signal?: AbortSignal;
}

/** Result of a run: one result per task, in order. */
export interface RunResult {
  readonly runId: string;
  readonly results: readonly SolveTaskResult[];
}

/** The engine. */
export interface Engine {
  /**
   * Solves `specs` one after another in one recorded run.
   * @throws ModelUnavailableError (`model_unavailable`) after recording what was done; SandboxUnavailableError.
   */
  run(specs: readonly TaskSpec[], options?: RunOptions): Promise<RunResult>;
  /** Subscribes to the event stream; returns the unsubscribe function. */
  on(listener: EngineEventListener): () => void;
  /** Closes the model, the sandbox and the store. */
  close(): Promise<void>;
}

/** Builds an engine. See {@link EngineOptions}. */
export function createEngine(options: EngineOptions): Engine {
  const bus = new EventBus();
  const tokenizer = createCodeTokenizer(options.sandbox);
  const redFlagger = new RedFlagger({ rules: options.redFlagRules ?? defaultRedFlagRules({ tokenizer }) });
  const verifier = options.verifier ?? createDefaultVerifier({ sandbox: options.sandbox, ...(options.pythonTypes === undefined ? {} : { pythonTypes: options.pythonTypes }) });
  const candidateRunner = new SandboxCandidateRunner(options.sandbox);
  const { store } = options;

  return {
    on: (listener) => bus.on(listener),
    async run(specs, runOptions = {}) {
      const runId = runOptions.runId ?? newRunId();
      const k = runOptions.k ?? 3;
      const maxSamples = runOptions.maxSamples ?? 20;
      const config = { k, maxSamples, fallback: runOptions.fallback ?? 'best-partial', seed: runOptions.seed ?? 42, sandbox: options.sandbox.kind };
      await store.createRun({ id: runId, kind: runOptions.kind ?? 'solve', model: options.modelName, config, createdAt: Date.now() });
      bus.emit({ type: 'run-start', runId, at: Date.now(), taskIds: specs.map((spec) => spec.id), model: options.modelName });
      const results: SolveTaskResult[] = [];
      try {
        for (const spec of specs) {
          await store.recordTask(runId, { taskId: spec.id, spec });
          results.push(await solveTask(
            {
              model: options.model,
              redFlag: (context) => redFlagger.check(context),
              verify: async (taskSpec, code, onLayerEnd, signal) => {
                const verdict = await verifier.verify(
                  { spec: taskSpec, candidate: { language: taskSpec.language, code }, ...(signal === undefined ? {} : { signal }) },
                  { onLayerEnd },
                );
                return { passed: verdict.passed, failedLayer: verdict.failedLayer ?? undefined };
              },
              candidateRunner,
              store,
              emit: (event) => bus.emit(event),
            },
            {
              runId, spec, k, maxSamples,
              ...(runOptions.parallelism === undefined ? {} : { parallelism: runOptions.parallelism }),
              ...(runOptions.fallback === undefined ? {} : { fallback: runOptions.fallback }),
              ...(runOptions.seed === undefined ? {} : { seed: runOptions.seed }),
              ...(runOptions.advisoryTests?.[spec.id] === undefined ? {} : { advisoryTests: runOptions.advisoryTests[spec.id] }),
              ...(runOptions.advisoryThreshold === undefined ? {} : { advisoryThreshold: runOptions.advisoryThreshold }),
              ...(runOptions.signal === undefined ? {} : { signal: runOptions.signal }),
            },
          ));
        }
      } catch (error) {
        const cancelled = runOptions.signal?.aborted === true;
        const message = error instanceof Error ? error.message : String(error);
        await store.finishRun(runId, { status: cancelled ? 'cancelled' : 'failed', finishedAt: Date.now(), summary: { ...summarize(results), error: message } });
        bus.emit({ type: 'run-end', runId, at: Date.now(), status: cancelled ? 'cancelled' : 'failed', error: message });
        throw error;
      }
      await store.finishRun(runId, { status: 'completed', finishedAt: Date.now(), summary: summarize(results) });
      bus.emit({ type: 'run-end', runId, at: Date.now(), status: 'completed' });
      return { runId, results };
    },
    async close() {
      try {
        await options.model.close();
      } finally {
        try {
          await options.sandbox.close();
        } finally {
          await store.close();
        }
      }
    },
  };
}

/** Totals over task results, stored as the run's summary. */
export function summarize(results: readonly SolveTaskResult[]): Record<string, unknown> {
  const outcomes: Record<string, number> = {};
  const redFlagsByRule: Record<string, number> = {};
  let samples = 0, inputTokens = 0, outputTokens = 0, costUsd = 0;
  for (const result of results) {
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    for (const [rule, count] of Object.entries(result.redFlagsByRule)) redFlagsByRule[rule] = (redFlagsByRule[rule] ?? 0) + count;
    samples += result.samples;
    inputTokens += result.inputTokens;
    outputTokens += result.outputTokens;
    costUsd += result.costUsd;
  }
  return { tasks: results.length, outcomes, samples, redFlagsByRule, inputTokens, outputTokens, costUsd };
}
