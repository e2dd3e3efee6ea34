/**
 * @module cli/model-call-options
 * The flags every model-using command shares for its model calls: `--model-timeout-ms` and `--model-retries`
 * (retry and timeout are on by default; these tune or turn them off).
 */
import type { Command } from 'commander';
import { nonNegativeInt } from './option-parsers.js';

/** The parsed flags, as commander gives them. */
export interface ModelCallFlags {
  /** Limit of one model call attempt in ms; 0 turns the limit off. Undefined: the provider's default. */
  readonly modelTimeoutMs?: number;
  /** Retries after a retryable failure; 0 turns retrying off. Undefined: 3. */
  readonly modelRetries?: number;
}

/** Adds `--model-timeout-ms` and `--model-retries` to `command`; returns it. */
export function withModelCallOptions(command: Command): Command {
  return command
    .option(
      '--model-timeout-ms <ms>',
      'limit of one model call attempt; a hung call is aborted and retried (default 120000, llama-cpp 600000; 0: no limit)',
      nonNegativeInt('--model-timeout-ms'),
    )
    .option(
      '--model-retries <n>',
      'retries of a model call after a network error, 5xx or 429 (exponential backoff with jitter, Retry-After honoured up to 60 s; default 3, 0: none)',
      nonNegativeInt('--model-retries'),
    );
}

/** The flags that were given, for `openEngine` (absent ones keep the engine's defaults). */
export function modelCallOptionsOf(flags: ModelCallFlags): ModelCallFlags {
  return {
    ...(flags.modelTimeoutMs === undefined ? {} : { modelTimeoutMs: flags.modelTimeoutMs }),
    ...(flags.modelRetries === undefined ? {} : { modelRetries: flags.modelRetries }),
  };
}
