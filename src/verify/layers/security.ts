/**
 * @module verify/layers/security
 * Layer 7, `security`: denies what a pure function never needs - dynamic code, processes, threads, network, file
 * writes, environment reads, process control, global and prototype mutation. TypeScript: eslint-plugin-security's
 * rules (in memory, `security/typescript-security-rules.ts`) plus our own syntax-tree deny list
 * (`security/typescript-deny-list.ts`). Python: an `ast` deny list run in the sandbox (`security/python-security.ts`).
 * Every finding fails the layer; findings on the same line from both sources are kept (each names its rule).
 */
import type { Sandbox } from '../../sandbox/index.js';
import type { TaskSpec } from '../../spec/task-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { PythonToolError } from '../python/run-python-tool.js';
import { findDeniedPython } from '../security/python-security.js';
import { findDeniedTypeScript } from '../security/typescript-deny-list.js';
import { SECURITY_PLUGIN_RULES } from '../security/typescript-security-rules.js';
import { failureReason, sortFindings, type Finding } from '../static/finding.js';
import { TypeScriptLinter } from '../static/typescript-linter.js';

/** Dependencies of {@link SecurityLayer}. */
export interface SecurityLayerOptions {
  /** Runs the Python deny-list walk. */
  readonly sandbox: Sandbox;
  /** Warm linter, shareable with the static-analysis layer. Default: a new one. */
  readonly linter?: TypeScriptLinter;
}

/**
 * Fails with the first finding (`line 3: child_process import is not allowed (spawns processes)`).
 * Details: `{ findings: Finding[] }`. A candidate that does not parse fails with the parse error.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) for Python when the sandbox cannot run.
 */
export class SecurityLayer implements VerificationLayer {
  readonly name = 'security' as const;
  readonly #sandbox: Sandbox;
  readonly #linter: TypeScriptLinter;

  constructor(options: SecurityLayerOptions) {
    this.#sandbox = options.sandbox;
    this.#linter = options.linter ?? new TypeScriptLinter();
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
      const lint = this.#linter.lint(code, { rules: SECURITY_PLUGIN_RULES });
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
