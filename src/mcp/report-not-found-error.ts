/**
 * @module mcp/report-not-found-error
 * The error of reading `zerr://runs/{runId}/report` for a run that has no build report (yet).
 */
import { ZeroErrorError } from '../index.js';

/** The run exists but has no report: it is not a build, or the build has not paused or completed yet. Code: `report_not_found`. */
export class ReportNotFoundError extends ZeroErrorError {
  readonly runId: string;

  constructor(options: { runId: string; why: string }) {
    super('report_not_found', `Run ${options.runId} has no build report: ${options.why}`);
    this.runId = options.runId;
  }
}
