/**
 * @module service
 * Public entry of the run service: runs as resources for the HTTP and MCP edges.
 */
export { createRunService, type RunEventEntry, type RunService, type RunServiceOptions, type RunView } from './run-service.js';
export { RunNotLiveError } from './run-not-live-error.js';
export { ServiceClosedError } from './service-closed-error.js';
