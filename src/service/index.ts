/**
 * @module service
 * Public entry of the run service: runs as resources for the HTTP and MCP edges.
 */
export { createRunService, type RunEventEntry, type RunService, type RunServiceOptions, type RunView, type ServiceRunSummary, type StartedRun } from './run-service.js';
export { RunNotLiveError } from './run-not-live-error.js';
export { ServiceClosedError } from './service-closed-error.js';
export { AdmissionQueue, defaultMaxRunningRuns, DEFAULT_MAX_QUEUED_RUNS, type AdmissionLimits } from './admission-queue.js';
export { RunQueueFullError } from './run-queue-full-error.js';
export { sampleOutcome, taskDetail, type SampleDetail, type SampleOutcome, type TaskDetail } from './task-detail.js';
export { consumeRunJobs, type RunJobConsumerOptions, type RunJobSource } from './run-job-consumer.js';
