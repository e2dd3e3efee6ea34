/**
 * @module verify/typescript/typescript-type-checker
 * The engine's type checker for candidate code: the warm {@link TypeScriptCompilerService} in a worker thread,
 * bounded in time per check and in memory (`bounded-worker.ts`). A candidate whose types are too expensive to check
 * (a type-level bomb: deep mapped or recursive conditional types, a huge union) costs its `types` layer a failure,
 * `type check timed out after 5000 ms` or `type check ran out of memory (limit 512 MiB)`, never the engine.
 *
 * Latency: a warm check is the compiler's few ms plus a message round trip (well under 1 ms). The first check, and
 * the first after a check was stopped, waits for a worker to start and parse the lib (about 1-2 s, not counted in
 * the check's limit).
 */
import { z } from 'zod';
import { parseOptions } from '../../errors/index.js';
import { BoundedWorker, DEFAULT_ANALYSIS_MEMORY_LIMIT_MB, DEFAULT_ANALYSIS_START_TIMEOUT_MS, siblingModule, type AnalysisChannel } from './bounded-worker.js';
import type { TypeCheckRequest } from './typescript-type-check-worker.js';
import type { TypeCheckResult } from './typescript-compiler-service.js';

/** Default wall-clock limit of one type check, in ms. A normal candidate takes 3-30 ms. */
export const DEFAULT_TYPE_CHECK_TIMEOUT_MS = 5_000;

/** Options of {@link TypeScriptTypeChecker}. Units are in the names. */
export interface TypeScriptTypeCheckerOptions {
  /** Heap limit of the worker (`resourceLimits.maxOldGenerationSizeMb`), in MiB. Default 512. */
  readonly memoryLimitMb?: number;
  /** Limit on starting the worker and parsing the lib, in ms. Default 60_000. */
  readonly startTimeoutMs?: number;
}

/** Options of one {@link TypeScriptTypeChecker.checkTypes}. */
export interface CheckTypesOptions {
  /** Wall-clock limit of this check in ms, counted from when the worker receives it. Default 5_000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const positiveLimit = z.number().int().positive();

const OptionsSchema = z.object({
  memoryLimitMb: positiveLimit.min(32).max(65_536).optional(),
  startTimeoutMs: positiveLimit.max(600_000).optional(),
}).strict();

const CheckOptionsSchema = z.object({
  timeoutMs: positiveLimit.max(600_000).optional(),
  signal: z.instanceof(AbortSignal).optional(),
}).strict();

/**
 * Type checks candidates off the main thread. One worker, checks run one at a time in call order. `close()` ends
 * the worker; it is `unref()`ed while idle, so an engine that is not closed still exits.
 */
export class TypeScriptTypeChecker {
  /** Heap limit of the worker, in MiB. */
  readonly memoryLimitMb: number;
  readonly #worker: AnalysisChannel<TypeCheckRequest, TypeCheckResult>;

  /** @throws InvalidArgumentError (`invalid_argument`) for a limit that is not a positive integer in range. */
  /**
   * @param channel where requests go instead of a worker of its own (`SharedTypeScriptAnalysis` passes its
   *   share); `options.memoryLimitMb` then only reports the shared worker's limit.
   */
  constructor(options: TypeScriptTypeCheckerOptions = {}, channel?: AnalysisChannel<TypeCheckRequest, TypeCheckResult>) {
    const parsed = parseOptions(OptionsSchema, options);
    this.memoryLimitMb = parsed.memoryLimitMb ?? DEFAULT_ANALYSIS_MEMORY_LIMIT_MB;
    this.#worker = channel ?? new BoundedWorker({
      entry: siblingModule(import.meta.url, 'typescript-type-check-worker'),
      what: 'type check',
      memoryLimitMb: this.memoryLimitMb,
      startTimeoutMs: parsed.startTimeoutMs ?? DEFAULT_ANALYSIS_START_TIMEOUT_MS,
    });
  }

  /**
   * Syntax and semantic diagnostics of `code` as a standalone file (see `TypeScriptCompilerService.checkTypes`).
   * @throws AnalysisTimeoutError (`analysis_timed_out`), AnalysisOutOfMemoryError (`analysis_out_of_memory`),
   * AnalysisWorkerError (`analysis_worker_failed`; `during: 'start'` when the worker cannot start),
   * InvalidArgumentError for bad options, the signal's reason when aborted.
   */
  checkTypes(code: string, options: CheckTypesOptions = {}): Promise<TypeCheckResult> {
    const parsed = parseOptions(CheckOptionsSchema, options);
    return this.#worker.run({ code }, {
      timeoutMs: parsed.timeoutMs ?? DEFAULT_TYPE_CHECK_TIMEOUT_MS,
      ...(parsed.signal === undefined ? {} : { signal: parsed.signal }),
    });
  }

  /** Starts and warms up the worker in the background (see `BoundedWorker.prestart`). */
  prestart(): void {
    this.#worker.prestart();
  }

  /** Terminates the worker; a later check starts a new one. */
  close(): Promise<void> {
    return this.#worker.close();
  }
}
