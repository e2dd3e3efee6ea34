/**
 * @module verify/layers/static-analysis
 * Layer 6, `static-analysis`: cyclomatic complexity per function against `spec.limits.maxComplexity`, code lines
 * against `spec.limits.maxLines`, and (TypeScript) a curated ESLint rule set run in memory, type-aware.
 *
 * What fails the layer: complexity over the limit, code lines over the limit, and the error-level lint rules listed
 * in `static/typescript-lint-rules.ts` (unreachable code, duplicate keys, self-comparison, fallthrough, ...).
 * Report-only findings (unused variables, `eqeqeq`, unnecessary conditions) are in `details.findings` with
 * severity `warning`. Python gets complexity and lines only (no linter in the sandbox image).
 *
 * A candidate that starts with the spec's `contextCode` (verified dependency code, see `contextPrefix`) is judged on
 * its own code only: the context's code lines are subtracted before comparing with `maxLines`, and findings inside
 * the context (a dependency's complexity, a lint finding in its lines) are left out: that code was verified under
 * its own task's limits, and counting it here would fail every answer to a task whose limits are lower (issue 13 #5).
 *
 * ESLint runs in a worker thread ({@link TypeScriptLinter}) under a time limit (`timeoutMs`) and a heap limit
 * (`memoryLimitMb`): a candidate that makes ESLint slow fails this layer (`lint timed out after 5000 ms`).
 */
import { z } from 'zod';
import { parseOptions } from '../../errors/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { contextPrefix, type Language, type TaskSpec } from '../../task-spec/task-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { PythonToolError } from '../python/run-python-tool.js';
import { failureReason, sortFindings, type Finding } from '../static/finding.js';
import { analysePythonStatic } from '../static/python-static.js';
import { COMPLEXITY_RULE, complexityMessage, staticAnalysisRules } from '../static/typescript-lint-rules.js';
import { DEFAULT_LINT_TIMEOUT_MS, layerLinter, type LintResult, type TypeScriptLinter } from '../static/typescript-linter.js';
import { analysisFailureDetails, isCandidateAnalysisFailure } from '../typescript/analysis-limit-error.js';

/** Dependencies and limits of {@link StaticAnalysisLayer}. Units are in the names. */
export interface StaticAnalysisLayerOptions {
  /** Runs the Python analysis script. */
  readonly sandbox: Sandbox;
  /**
   * Worker-backed linter, shareable with the security layer. Default: a new one with `memoryLimitMb` (starts on the
   * first lint, about 1.5-3 s), closed by {@link StaticAnalysisLayer.close}.
   */
  readonly linter?: TypeScriptLinter;
  /** Run the type-aware rules (builds a `ts.Program` per candidate, about +20-40 ms). Default true. */
  readonly typeAware?: boolean;
  /** Wall-clock limit of one candidate's lint, in ms. Default 5_000 (a normal candidate takes 5-60 ms). */
  readonly timeoutMs?: number;
  /** Heap limit of the lint worker the layer creates, in MiB. Default 512. Only without `linter` (it has its own). */
  readonly memoryLimitMb?: number;
}

const OptionsSchema = z.object({
  sandbox: z.custom<Sandbox>((s) => typeof (s as Sandbox | undefined)?.run === 'function', 'a Sandbox'),
  linter: z.custom<TypeScriptLinter>((l) => typeof (l as TypeScriptLinter | undefined)?.lint === 'function', 'a TypeScriptLinter').optional(),
  typeAware: z.boolean().optional(),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  memoryLimitMb: z.number().int().min(64).max(65_536).optional(),
}).strict();

/** Finding of the line count: `line 0: 92 code lines > maxLines 80`. */
function linesFinding(codeLines: number, maxLines: number): Finding[] {
  if (codeLines <= maxLines) return [];
  return [{ line: 0, rule: 'max-lines', message: `${codeLines} code lines > maxLines ${maxLines}`, severity: 'error' }];
}

/** How many context line counts a layer keeps (one per task being solved is what is reused). */
const CONTEXT_CACHE_SIZE = 16;

/**
 * Fails with the first error finding (`line 7: complexity 18 > maxComplexity 15 (function solve)`), or when the lint
 * was stopped: `lint timed out after 5000 ms`, `lint ran out of memory (limit 512 MiB)`, `lint failed: ...`.
 * Details: `{ findings: Finding[], codeLines, contextCodeLines?, functions? }`: `codeLines` counts the candidate's
 * own code lines (those after the spec's `contextCode`, when the candidate starts with it), `contextCodeLines` the
 * context's (only with a context); `functions`: Python complexities. A stopped lint: `{ findings: [],
 * limitExceeded: 'timeoutMs' | 'memoryLimitMb', timeoutMs | memoryLimitMb }` or `{ findings: [], analysisError }`.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) for Python when the sandbox cannot run;
 * AnalysisWorkerError (`analysis_worker_failed`, `during: 'start'`) when the lint worker cannot start.
 */
export class StaticAnalysisLayer implements VerificationLayer {
  readonly name = 'static-analysis' as const;
  readonly #sandbox: Sandbox;
  readonly #linter: TypeScriptLinter;
  readonly #ownsLinter: boolean;
  readonly #typeAware: boolean;
  readonly #timeoutMs: number;
  /** Code lines of recent contexts, keyed by language and text: one count per task, not one per candidate. */
  readonly #contextLines = new Map<string, Promise<number>>();

  /** @throws InvalidArgumentError (`invalid_argument`) for bad limits, or `memoryLimitMb` together with `linter`. */
  constructor(options: StaticAnalysisLayerOptions) {
    const parsed = parseOptions(OptionsSchema, options);
    this.#sandbox = parsed.sandbox;
    const { linter, owned } = layerLinter(parsed);
    this.#linter = linter;
    this.#ownsLinter = owned;
    this.#typeAware = parsed.typeAware ?? true;
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
    const { spec, candidate, signal } = context;
    const { maxComplexity, maxLines } = spec.limits;
    const prefix = contextPrefix(spec);
    const contextLines = prefix !== '' && candidate.code.startsWith(prefix)
      ? await this.#codeLinesOfContext(candidate.language, prefix, signal)
      : undefined;
    const own = (codeLines: number) => Math.max(0, codeLines - (contextLines ?? 0));
    // Lines 1..contextEnd are the context's (it ends with a line break); findings there are not the candidate's.
    const contextEnd = contextLines === undefined ? 0 : prefix.split('\n').length - 1;
    const ours = (finding: Finding): boolean => finding.line === 0 || finding.line > contextEnd;
    const lines = (codeLines: number): Record<string, unknown> =>
      contextLines === undefined ? { codeLines } : { codeLines: own(codeLines), contextCodeLines: contextLines };
    const done = (findings: readonly Finding[], extra: Record<string, unknown>): LayerResult => {
      const sorted = sortFindings(findings.filter(ours));
      const reason = failureReason(sorted);
      const warnings = sorted.length - sorted.filter((f) => f.severity === 'error').length;
      return {
        layer: 'static-analysis',
        status: reason === undefined ? 'pass' : 'fail',
        reason: reason ?? `within maxComplexity ${maxComplexity} and maxLines ${maxLines}; ${warnings} warning(s)`,
        details: { findings: sorted, ...extra },
        durationMs: performance.now() - started,
      };
    };
    if (candidate.language === 'typescript') {
      const rules = staticAnalysisRules({ maxComplexity, entryPoint: spec.signature.entryPoint, typeAware: this.#typeAware });
      let lint: LintResult;
      try {
        lint = await this.#linter.lint(candidate.code, {
          rules, typeAware: this.#typeAware, timeoutMs: this.#timeoutMs, ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        if (!isCandidateAnalysisFailure(error)) throw error;
        return { ...done([], analysisFailureDetails(error)), status: 'fail', reason: error.message };
      }
      const findings: Finding[] = lint.messages.map((m) => ({
        line: m.line,
        rule: m.ruleId ?? 'parse',
        message: m.ruleId === COMPLEXITY_RULE ? complexityMessage(m.message, maxComplexity) : `${m.message} (${m.ruleId ?? 'parse error'})`,
        severity: m.severity,
      }));
      return done([...findings, ...linesFinding(own(lint.codeLines), maxLines)], lines(lint.codeLines));
    }
    try {
      const result = await analysePythonStatic(this.#sandbox, candidate.code, signal);
      if (result.syntaxError !== undefined) {
        return done([{ line: 0, rule: 'parse', message: result.syntaxError, severity: 'error' }], { codeLines: 0 });
      }
      const findings: Finding[] = result.functions
        .filter((f) => f.complexity > maxComplexity)
        .map((f) => ({
          line: f.line,
          rule: COMPLEXITY_RULE,
          message: `complexity ${f.complexity} > maxComplexity ${maxComplexity} (function ${f.name})`,
          severity: 'error' as const,
        }));
      const extra = { ...lines(result.codeLines), functions: result.functions };
      return done([...findings, ...linesFinding(own(result.codeLines), maxLines)], extra);
    } catch (error) {
      if (!(error instanceof PythonToolError)) throw error;
      const finding: Finding = { line: 0, rule: 'tool', message: `the Python analysis could not run: ${error.message}`, severity: 'error' };
      return done([finding], { toolError: true });
    }
  }

  /**
   * Code lines of the context alone, counted the way the candidate's are (the context ends at a line break, so its
   * lines are exactly the candidate's first ones). Cached per language and text. When the Python tool cannot run,
   * non-blank lines that are not comments.
   */
  #codeLinesOfContext(language: Language, text: string, signal: AbortSignal | undefined): Promise<number> {
    const key = `${language}\u0000${text}`;
    const cached = this.#contextLines.get(key);
    if (cached !== undefined) return cached;
    const counted = language === 'typescript'
      ? this.#linter.lint(text, { rules: {}, timeoutMs: this.#timeoutMs, ...(signal === undefined ? {} : { signal }) }).then(
          (result) => result.codeLines,
          (error: unknown) => {
            if (!isCandidateAnalysisFailure(error)) throw error;
            return text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('//')).length;
          },
        )
      : analysePythonStatic(this.#sandbox, text, signal).then(
          (result) => result.codeLines,
          (error: unknown) => {
            if (!(error instanceof PythonToolError)) throw error;
            return text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#')).length;
          },
        );
    this.#contextLines.set(key, counted);
    counted.catch(() => this.#contextLines.delete(key));
    const oldest = this.#contextLines.keys().next();
    if (this.#contextLines.size > CONTEXT_CACHE_SIZE && oldest.done !== true) this.#contextLines.delete(oldest.value);
    return counted;
  }
}
