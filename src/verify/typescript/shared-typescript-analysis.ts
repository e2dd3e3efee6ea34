/**
 * @module verify/typescript/shared-typescript-analysis
 * One worker thread for both the `types` and the `security`/`static-analysis` layers' TypeScript analysis: a
 * {@link TypeScriptTypeChecker} and a {@link TypeScriptLinter} that share it, so that TypeScript loads and its lib is
 * parsed once instead of once per worker (about 0.8 CPU-s less on a cold start). Meant for one-shot commands such as
 * `zerr verify`; an engine that verifies many candidates at once keeps the two workers apart, so that a type check
 * and a lint can run at the same time. Requests run one at a time in call order; a type check or lint that times
 * out or runs out of memory ends the shared worker, and the next request of either kind starts a new one.
 */
import { z } from 'zod';
import { parseOptions } from '../../errors/index.js';
import type { LintResult } from '../static/typescript-lint-engine.js';
import { TypeScriptLinter } from '../static/typescript-linter.js';
import { BoundedWorker, DEFAULT_ANALYSIS_MEMORY_LIMIT_MB, DEFAULT_ANALYSIS_START_TIMEOUT_MS, siblingModule, type AnalysisChannel, type BoundedRunOptions } from './bounded-worker.js';
import type { AnalysisRequest } from './typescript-analysis-worker.js';
import type { TypeCheckResult } from './typescript-compiler-service.js';
import { TypeScriptTypeChecker } from './typescript-type-checker.js';

/** Options of {@link SharedTypeScriptAnalysis}. Units are in the names. */
export interface SharedTypeScriptAnalysisOptions {
  /** Heap limit of the shared worker (`resourceLimits.maxOldGenerationSizeMb`), in MiB. Default 512. */
  readonly memoryLimitMb?: number;
  /** Limit on starting the worker, loading TypeScript and ESLint and parsing the lib, in ms. Default 60_000. */
  readonly startTimeoutMs?: number;
  /**
   * Where the requests go instead of a worker of its own: the analysis daemon's channel
   * (`analysis-daemon/daemon-analysis-channel.ts`), which keeps such a worker warm in a process of its own.
   * `memoryLimitMb` and `startTimeoutMs` then only describe that worker.
   */
  readonly channel?: AnalysisChannel<AnalysisRequest, TypeCheckResult | LintResult>;
}

const OptionsSchema = z.object({
  memoryLimitMb: z.number().int().min(32).max(65_536).optional(),
  startTimeoutMs: z.number().int().positive().max(600_000).optional(),
  channel: z.custom<AnalysisChannel<AnalysisRequest, TypeCheckResult | LintResult>>((c) => typeof (c as { run?: unknown } | undefined)?.run === 'function', 'an AnalysisChannel').optional(),
}).strict();

/**
 * A bounded worker thread that type checks and lints (`typescript-analysis-worker.ts`), started on first use.
 * @param options.memoryLimitMb heap limit in MiB; `options.startTimeoutMs` limit on its start and warm-up, in ms.
 */
export function analysisWorker(options: { readonly memoryLimitMb: number; readonly startTimeoutMs: number }): BoundedWorker<AnalysisRequest, TypeCheckResult | LintResult> {
  return new BoundedWorker<AnalysisRequest, TypeCheckResult | LintResult>({
    entry: siblingModule(import.meta.url, 'typescript-analysis-worker'),
    what: 'analysis',
    ...options,
  });
}

/** A type checker and a linter over one worker thread (see the module note). */
export class SharedTypeScriptAnalysis {
  /** Checks types in the shared worker; its `close()` ends the shared worker. */
  readonly typeChecker: TypeScriptTypeChecker;
  /** Lints in the shared worker; its `close()` ends the shared worker. */
  readonly linter: TypeScriptLinter;
  readonly #worker: AnalysisChannel<AnalysisRequest, TypeCheckResult | LintResult>;

  /** @throws InvalidArgumentError (`invalid_argument`) for a limit that is not a positive integer in range. */
  constructor(options: SharedTypeScriptAnalysisOptions = {}) {
    const parsed = parseOptions(OptionsSchema, options);
    const memoryLimitMb = parsed.memoryLimitMb ?? DEFAULT_ANALYSIS_MEMORY_LIMIT_MB;
    const worker = parsed.channel ?? analysisWorker({ memoryLimitMb, startTimeoutMs: parsed.startTimeoutMs ?? DEFAULT_ANALYSIS_START_TIMEOUT_MS });
    this.#worker = worker;
    const share = { prestart: () => { worker.prestart(); }, close: () => worker.close() };
    this.typeChecker = new TypeScriptTypeChecker({ memoryLimitMb }, {
      ...share,
      run: async (request, runOptions) => (await worker.run({ kind: 'types', request }, { ...runOptions, what: 'type check' })) as TypeCheckResult,
    });
    this.linter = new TypeScriptLinter({ memoryLimitMb }, {
      ...share,
      run: async (request, runOptions) => (await worker.run({ kind: 'lint', request }, { ...runOptions, what: 'lint' })) as LintResult,
    });
  }

  /**
   * Runs one type check or lint as the `typeChecker` or `linter` would (the analysis daemon serves its clients with
   * it). Errors as `BoundedWorker.run`'s.
   */
  run(request: AnalysisRequest, options: BoundedRunOptions): Promise<TypeCheckResult | LintResult> {
    return this.#worker.run(request, options);
  }

  /** Starts and warms up the shared worker in the background (see `BoundedWorker.prestart`). */
  prestart(): void {
    this.#worker.prestart();
  }

  /** Terminates the shared worker; a later request of either kind starts a new one. */
  close(): Promise<void> {
    return this.#worker.close();
  }
}
