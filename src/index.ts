/**
 * @module zero-error
 * The public entry of Zero-Error. Edges (CLI, HTTP server, MCP server) and library users import only from here.
 */
export * from './errors/index.js';
export * from './task-spec/index.js';
export * from './llm/index.js';
export * from './redflag/index.js';
export * from './vote/index.js';
export * from './sandbox/index.js';
export * from './store/index.js';
export * from './verify/index.js';
export { preflightSpec, checkSpecPreconditions, type CheckPreconditionsOptions } from './preflight/index.js';
export type { EngineEvent, EngineEventType, EngineEventListener, TaskOutcome } from './orchestrate/engine-events.js';
export { EventBus } from './orchestrate/event-bus.js';
export { newRunId } from './orchestrate/run-id.js';
export { solveTask, type SolveTaskDependencies, type SolveTaskOptions, type SolveTaskResult, type ClassTally } from './orchestrate/solve-task.js';
export { planNextRound, type RoundPlanInput } from './orchestrate/sampling-plan.js';
export { checkCodeAnswer, AnswerRejectedError, answerSpec, describeAnswerCheck, ANSWER_LIMITS, type AnswerCheck } from './orchestrate/escalation-answer.js';
export { RunPausedError, RunNotResumableError, resultFromRecords, SolveRunConfigSchema, type SolveRunConfig } from './orchestrate/solve-run.js';
export { buildSamplePrompt, continuationStops, PYTHON_CONTINUATION_STOPS, TYPESCRIPT_CONTINUATION_STOPS, type SamplePrompt } from './orchestrate/prompting/build-prompt.js';
export { assembleCandidate, ownCode, type AssembledCandidate } from './orchestrate/prompting/assemble-candidate.js';
export { PROMPT_VARIANTS, temperatureForSample, promptVariantForSample, type PromptVariant } from './orchestrate/prompting/prompt-variants.js';
export { createEngine, summarize, type Engine, type EngineOptions, type RunOptions, type RunResult, type BuildOptions, type ResumeBuildOptions, type DecomposeOptions, type DecomposeResult, type SpecifyOptions, type SpecifyResult, type ArchetypeModel, type NonCoderArchetype, type ImplementOptions, type ImplementResult } from './engine.js';
export { DirtyTreeError, ImplementTargetError, prepareImplement, readImplementTarget, symbolSpec, spliceCandidate, ZERR_AUTHOR, type PreparedImplement, type SourceSymbol } from './orchestrate/implement/index.js';
export { parseBuildRequest, BuildRequestSchema, type BuildRequest, type BuildRequestInput, type BuildBudgets } from './orchestrate/project-build/build-request.js';
export { BudgetExceededError, BuildJournalError, BuildNotResumableError } from './orchestrate/project-build/build-errors.js';
export { runBuild, type BuildDependencies, type BuildResult, type RunBuildOptions } from './orchestrate/project-build/run-build.js';
export { buildReport, reportMarkdown, type BuildReport, type TaskReport, type AttemptReport } from './orchestrate/project-build/build-report.js';
export { foldCheckpoints, type BuildNode, type BuildState, type CheckpointKind } from './orchestrate/project-build/build-journal.js';
export { buildMarkerPath, readBuildMarker } from './orchestrate/project-build/build-marker.js';
export * from './decompose/index.js';
export * from './service/index.js';
export * from './telemetry/index.js';
export { SqliteMemoryStore, MEMORY_CHUNK_TYPES, specKey, retrieveContext, chunkPaths, type MemoryChunkInput, type MemoryChunkType, type MemoryHit, type MemoryFilter, type MemorySearchResult, type MemoryStats } from './memory/index.js';
export * from './queue/index.js';
export { runSampleWorker, type SampleJobOutcome, type SampleWorkerOptions } from './orchestrate/sample-worker.js';
export { queueSampler, executeSampleJob, applyRemoteSample, type RemoteSampleReport, type RemoteSampler } from './orchestrate/remote-sample.js';
