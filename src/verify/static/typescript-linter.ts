/**
 * @module verify/static/typescript-linter
 * The engine's ESLint linter for candidate code, shared by the static-analysis and security layers: the warm
 * {@link TypeScriptLintEngine} (ESLint, typescript-eslint's parser and type-aware rules, eslint-plugin-security) in a
 * worker thread, bounded in time per lint and in memory (`typescript/bounded-worker.ts`). A candidate that makes
 * ESLint slow (enormous nesting, a quadratic rule on a long `else if` chain, a type-level bomb seen by a type-aware
 * rule) costs its layer a failure, `lint timed out after 5000 ms` or `lint ran out of memory (limit 512 MiB)`, never
 * the engine.
 *
 * Nothing heavy loads with this module: the worker starts on the first lint and loads ESLint there (about 1.5-3 s,
 * not counted in that lint's limit). A warm lint costs the engine a message round trip (well under 1 ms) on top of
 * ESLint's 5-60 ms.
 */
import { z } from 'zod';
import type { Linter } from 'eslint';
import { InvalidArgumentError, parseOptions } from '../../errors/index.js';
import {
  BoundedWorker,
  type AnalysisChannel,
  DEFAULT_ANALYSIS_MEMORY_LIMIT_MB,
  DEFAULT_ANALYSIS_START_TIMEOUT_MS,
  siblingModule,
} from '../typescript/bounded-worker.js';
import type { LintResult } from './typescript-lint-engine.js';
import type { LintRequest } from './typescript-lint-worker.js';

export type { LintMessage, LintResult } from './typescript-lint-engine.js';

/** Default wall-clock limit of one lint, in ms. A normal candidate takes 5-60 ms. */
export const DEFAULT_LINT_TIMEOUT_MS = 5_000;

/** Options of {@link TypeScriptLinter}. Units are in the names. */
export interface TypeScriptLinterOptions {
  /** Heap limit of the lint worker (`resourceLimits.maxOldGenerationSizeMb`), in MiB. Default 512. */
  readonly memoryLimitMb?: number;
  /** Limit on starting the worker and loading ESLint, in ms. Default 60_000. */
  readonly startTimeoutMs?: number;
}

/** Options of one {@link TypeScriptLinter.lint}. */
export interface LintCallOptions {
  /** ESLint rules with severities: `error` findings fail a layer, `warn` ones are reported. */
  readonly rules: Linter.RulesRecord;
  /** Build a `ts.Program` so rules that need type information can run (about +20-40 ms). Default false. */
  readonly typeAware?: boolean;
  /** Wall-clock limit of this lint in ms, counted from when the worker receives it. Default 5_000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const positiveLimit = z.number().int().positive();

const OptionsSchema = z.object({
  memoryLimitMb: positiveLimit.min(64).max(65_536).optional(),
  startTimeoutMs: positiveLimit.max(600_000).optional(),
}).strict();

const LintOptionsSchema = z.object({
  rules: z.record(z.string(), z.unknown()),
  typeAware: z.boolean().optional(),
  timeoutMs: positiveLimit.max(600_000).optional(),
  signal: z.instanceof(AbortSignal).optional(),
}).strict();

/**
 * Lints candidates off the main thread. One worker, lints run one at a time in call order. `close()` ends the
 * worker; it is `unref()`ed while idle, so an engine that is not closed still exits.
 */
export class TypeScriptLinter {
  /** Heap limit of the worker, in MiB. */
  readonly memoryLimitMb: number;
  readonly #worker: AnalysisChannel<LintRequest, LintResult>;

  /** @throws InvalidArgumentError (`invalid_argument`) for a limit that is not a positive integer in range. */
  /**
   * @param channel where requests go instead of a worker of its own (`SharedTypeScriptAnalysis` passes its
   *   share); `options.memoryLimitMb` then only reports the shared worker's limit.
   */
  constructor(options: TypeScriptLinterOptions = {}, channel?: AnalysisChannel<LintRequest, LintResult>) {
    const parsed = parseOptions(OptionsSchema, options);
    this.memoryLimitMb = parsed.memoryLimitMb ?? DEFAULT_ANALYSIS_MEMORY_LIMIT_MB;
    this.#worker = channel ?? new BoundedWorker({
      entry: siblingModule(import.meta.url, 'typescript-lint-worker'),
      what: 'lint',
      memoryLimitMb: this.memoryLimitMb,
      startTimeoutMs: parsed.startTimeoutMs ?? DEFAULT_ANALYSIS_START_TIMEOUT_MS,
    });
  }

  /**
   * Lints `code` with `options.rules`. Plugins available to rule sets: `@typescript-eslint`, `security`.
   * @throws AnalysisTimeoutError (`analysis_timed_out`), AnalysisOutOfMemoryError (`analysis_out_of_memory`),
   * AnalysisWorkerError (`analysis_worker_failed`; `during: 'start'` when the worker cannot start),
   * InvalidArgumentError for bad options, the signal's reason when aborted.
   */
  lint(code: string, options: LintCallOptions): Promise<LintResult> {
    const parsed = parseOptions(LintOptionsSchema, options);
    const request: LintRequest = { code, options: { rules: options.rules, ...(parsed.typeAware === undefined ? {} : { typeAware: parsed.typeAware }) } };
    return this.#worker.run(request, {
      timeoutMs: parsed.timeoutMs ?? DEFAULT_LINT_TIMEOUT_MS,
      ...(parsed.signal === undefined ? {} : { signal: parsed.signal }),
    });
  }

  /** Starts and warms up the worker in the background (see `BoundedWorker.prestart`). */
  prestart(): void {
    this.#worker.prestart();
  }

  /** Terminates the worker; a later lint starts a new one. */
  close(): Promise<void> {
    return this.#worker.close();
  }
}

/**
 * The linter of a layer's options: the given one (`owned: false`, closed by its owner) or a new one with
 * `memoryLimitMb` (`owned: true`, closed by the layer).
 * @throws InvalidArgumentError (`invalid_argument`) for `memoryLimitMb` together with `linter`.
 */
export function layerLinter(options: { readonly linter?: TypeScriptLinter | undefined; readonly memoryLimitMb?: number | undefined }): {
  readonly linter: TypeScriptLinter;
  readonly owned: boolean;
} {
  if (options.linter !== undefined && options.memoryLimitMb !== undefined) {
    throw new InvalidArgumentError({
      parameter: 'options.memoryLimitMb', value: options.memoryLimitMb, expected: 'no memoryLimitMb with a linter (set it on the TypeScriptLinter)',
    });
  }
  if (options.linter !== undefined) return { linter: options.linter, owned: false };
  return { linter: new TypeScriptLinter(options.memoryLimitMb === undefined ? {} : { memoryLimitMb: options.memoryLimitMb }), owned: true };
}
