/**
 * @module mcp/model-required-error
 * The error of a tool that needs a model (`solve`, `build`, `answer_escalation`) on a server started without one
 * (`zerr mcp` with no `--model`, which serves `verify`, `estimate`, `run_status`, `cancel_run`, `escalations` and the
 * run resources).
 */
import { ZeroErrorError } from '../index.js';

/** Tools that work on a server without a model. */
export const TOOLS_WITHOUT_MODEL: readonly string[] = ['verify', 'estimate', 'run_status', 'cancel_run', 'escalations', 'memory_search'];

/** The tool needs a model and the server has none. Code: `model_required`; not retryable (the server must be restarted with one). */
export class ModelRequiredError extends ZeroErrorError {
  readonly tool: string;

  constructor(options: { tool: string }) {
    super(
      'model_required',
      `the ${options.tool} tool needs a model, and this server was started without one: restart it with \`zerr mcp --model <uri>\` (${TOOLS_WITHOUT_MODEL.join(', ')} work without one)`,
    );
    this.tool = options.tool;
  }
}
