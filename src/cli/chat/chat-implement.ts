/**
 * @module cli/chat/chat-implement
 * `/implement <file>[#function]` in `zerr chat`: `zerr implement` on the chat's engine (decision 027) - the function's
 * spec from its signature and doc comment, candidates verified with the project's types and the repository's tests,
 * the winner committed alone on a new branch - with live progress and the diff written to the chat.
 */
import type { Engine } from '../../index.js';
import { formatCounts } from '../format-counts.js';
import { ProgressDisplay } from '../progress-display.js';

/** What the chat hands to `/implement`. */
export interface ImplementRequest {
  /** The file, as typed (relative to the chat's working folder). */
  readonly file: string;
  /** The function after `#`, or null for the file's only stub. */
  readonly symbol: string | null;
  /** Model and budgets the chat was started with. */
  readonly model: string;
  readonly k: number;
  readonly maxSamples: number;
  /** Ctrl-C in the chat aborts it. */
  readonly signal: AbortSignal;
  /** Writes progress and results to the chat's output. */
  readonly write: (text: string) => void;
}

/** What came of `/implement`. */
export interface ImplementOutcome {
  /** `implemented`: written and committed; `not-implemented`: no consensus (nothing written); `paused`: Ctrl-C. */
  readonly status: 'implemented' | 'not-implemented' | 'paused';
  /** One line for the chat and its history. */
  readonly message: string;
  readonly runId?: string;
}

/** The shape of an `/implement` handler. */
export type ImplementHandler = (request: ImplementRequest) => Promise<ImplementOutcome>;

/**
 * The `/implement` handler over `engine`: `engine.implement` with the chat's k, budget and seed, the target resolved
 * against `cwd`; progress on `progressStream`; the result, the diff and the commit (or why nothing was written)
 * through `request.write`. Errors the user can fix (a dirty tree, an unknown function) propagate to the chat, which
 * prints them as one line.
 */
export function engineImplementHandler(engine: Engine, options: { readonly cwd: string; readonly seed: number; readonly progressStream: NodeJS.WriteStream }): ImplementHandler {
  return async (request) => {
    const target = request.symbol === null ? request.file : `${request.file}#${request.symbol}`;
    const progress = await ProgressDisplay.create({ stream: options.progressStream });
    const unsubscribe = engine.on(progress.onEvent);
    try {
      const outcome = await engine.implement({ target, cwd: options.cwd, k: request.k, maxSamples: request.maxSamples, seed: options.seed, signal: request.signal });
      progress.stop();
      const { result } = outcome;
      request.write(`${target}: ${result.outcome} - ${result.reason}\n`);
      request.write(`  samples ${result.samples}, red-flagged ${result.redFlagged}${formatCounts(result.redFlagsByRule)}, failed verification ${result.failedVerification}${formatCounts(result.failedByLayer)}, verified ${result.verified}\n`);
      if (outcome.diff !== null) request.write(`${outcome.diff.trimEnd()}\n`);
      if (outcome.commit !== null) {
        return { status: 'implemented', runId: outcome.runId, message: `committed ${outcome.commit.sha.slice(0, 10)} on branch ${outcome.commit.branch} (from ${outcome.commit.from}); /undo reverts it` };
      }
      return { status: 'not-implemented', runId: outcome.runId, message: `nothing was written${outcome.notWritten === undefined ? '' : `: ${outcome.notWritten}`}` };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const runId = (error as { runId?: unknown }).runId;
      if (code === 'run_paused' && typeof runId === 'string') {
        return { status: 'paused', runId, message: `stopped: run ${runId} is paused; continue it with: zerr implement ${target} --resume ${runId}` };
      }
      throw error;
    } finally {
      progress.stop();
      unsubscribe();
    }
  };
}
