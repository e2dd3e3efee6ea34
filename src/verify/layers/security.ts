/**
 * @module verify/layers/security
 * Layer 7, `security`: denies what a pure function never needs - dynamic code, processes, threads, network, file
 * writes, environment reads, process control, global and prototype mutation. TypeScript: eslint-plugin-security's
 * rules (in memory, `security/typescript-security-rules.ts`) plus our own syntax-tree deny list
 * (`security/typescript-deny-list.ts`). Python: an `ast` deny list run in the sandbox (`security/python-security.ts`).
 * Every finding fails the layer; findings on the same line from both sources are kept (each names its rule).
 *
 * ESLint runs in a worker thread ({@link TypeScriptLinter}) under a time limit (`timeoutMs`) and a heap limit
 * (`memoryLimitMb`): a candidate that makes ESLint slow fails this layer (`lint timed out after 5000 ms`).
 */
import { z } from 'zod';
import { parseOptions } from '../../errors/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { PythonToolError } from '../python/run-python-tool.js';
import { findDeniedPython } from '../security/python-security.js';
import { findDeniedTypeScript } from '../security/typescript-deny-list.js';
import { SECURITY_PLUGIN_RULES } from '../security/typescript-security-rules.js';
import { failureReason, sortFindings, type Finding } from '../static/finding.js';
import { DEFAULT_LINT_TIMEOUT_MS, layerLinter, type LintResult, type TypeScriptLinter } from '../static/typescript-linter.js';
import { analysisFailureDetails, isCandidateAnalysisFailure } from '../typescript/analysis-limit-error.js';

/** Dependencies and limits of {@link SecurityLayer}. Units are in the names. */
export interface SecurityLayerOptions {
  /** Runs the Python deny-list walk. */
  readonly sandbox: Sandbox;
  /**
   * Worker-backed linter, shareable with the static-analysis layer. Default: a new one with `memoryLimitMb`,
   * closed by {@link SecurityLayer.close}.
   */
  readonly linter?: TypeScriptLinter;
  /** Wall-clock limit of one candidate's lint, in ms. Default 5_000 (a normal candidate takes 5-30 ms). */
  readonly timeoutMs?: number;
  /** Heap limit of the lint worker the layer creates, in MiB. Default 512. Only without `linter` (it has its own). */
  readonly memoryLimitMb?: number;
}

const OptionsSchema = z.object({
  sandbox: z.custom<Sandbox>((s) => typeof (s as Sandbox | undefined)?.run === 'function', 'a Sandbox'),
  linter: z.custom<TypeScriptLinter>((l) => typeof (l as TypeScriptLinter | undefined)?.lint === 'function', 'a TypeScriptLinter').optional(),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  memoryLimitMb: z.number().int().min(64).max(65_536).optional(),
}).strict();

/**
 * Fails with the first finding (`line 3: child_process import is not allowed (spawns processes)`), or when the lint
 * was stopped: `lint timed out after 5000 ms`, `lint ran out of memory (limit 512 MiB)`, `lint failed: ...`.
 * Details: `{ findings: Finding[] }`; a stopped lint adds `{ limitExceeded, timeoutMs | memoryLimitMb }` or
 * `{ analysisError }`. A candidate that does not parse fails with the parse error.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) for Python when the sandbox cannot run;
 * AnalysisWorkerError (`analysis_worker_failed`, `during: 'start'`) when the lint worker cannot start.
 */
export class SecurityLayer implements VerificationLayer {
  readonly name = 'security' as const;
  readonly #sandbox: Sandbox;
  readonly #linter: TypeScriptLinter;
  readonly #ownsLinter: boolean;
  readonly #timeoutMs: number;

  /** @throws InvalidArgumentError (`invalid_argument`) for bad limits, or `memoryLimitMb` together with `linter`. */
  constructor(options: SecurityLayerOptions) {
    const parsed = parseOptions(OptionsSchema, options);
    this.#sandbox = parsed.sandbox;
    const { linter, owned } = layerLinter(parsed);
    this.#linter = linter;
    this.#ownsLinter = owned;
    this.#timeoutMs = parsed.timeoutMs ?? DEFAULT_LINT_TIMEOUT_MS;
  }

  /** Ends the worker of a linter this layer created (a shared `linter` is closed by its owner). */
  async close(): Promise<void> {
    if (this.#ownsLinter) await this.#linter.close();
  }

  appliesTo(_spec: TaskSpec): boolean {
    return true;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const done = (findings: readonly Finding[], extra: Record<string, unknown> = {}): LayerResult => {
      const sorted = sortFindings(findings);
      const reason = failureReason(sorted);
      return {
        layer: 'security',
        status: reason === undefined ? 'pass' : 'fail',
        reason: reason ?? 'no denied API use found',
        details: { findings: sorted, ...extra },
        durationMs: performance.now() - started,
      };
    };
    const { code, language } = context.candidate;
    if (language === 'typescript') {
      let lint: LintResult;
      try {
        lint = await this.#linter.lint(code, {
          rules: SECURITY_PLUGIN_RULES, timeoutMs: this.#timeoutMs, ...(context.signal === undefined ? {} : { signal: context.signal }),
        });
      } catch (error) {
        if (!isCandidateAnalysisFailure(error)) throw error;
        return { ...done([], analysisFailureDetails(error)), status: 'fail', reason: error.message };
      }
      const plugin: Finding[] = lint.messages.map((m) => ({
        line: m.line,
        rule: m.ruleId ?? 'parse',
        message: `${m.message} (${m.ruleId ?? 'parse error'})`,
        severity: 'error',
      }));
      return done([...findDeniedTypeScript(code), ...plugin]);
    }
    try {
      const result = await findDeniedPython(this.#sandbox, code, context.signal);
      if (result.syntaxError !== undefined) {
        return done([{ line: 0, rule: 'parse', message: result.syntaxError, severity: 'error' }]);
      }
      return done(result.findings);
    } catch (error) {
      if (!(error instanceof PythonToolError)) throw error;
      const finding: Finding = { line: 0, rule: 'tool', message: `the Python analysis could not run: ${error.message}`, severity: 'error' };
      return done([finding], { toolError: true });
    }
  }
}
