/**
 * @module verify/layers/syntax
 * Layer 1, `syntax`: TypeScript parse diagnostics (warm in-memory compiler) or Python `ast.parse` in the sandbox.
 */
import type { Sandbox } from '../../sandbox/index.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { checkPythonSyntax } from '../python/python-syntax.js';
import { PythonToolError } from '../python/run-python-tool.js';
import { formatDiagnostic } from '../typescript/typescript-diagnostic.js';
import type { TypeScriptCompilerService } from '../typescript/typescript-compiler-service.js';

/** Dependencies of {@link SyntaxLayer}. */
export interface SyntaxLayerOptions {
  readonly typescript: TypeScriptCompilerService;
  /** Runs Python's parser for Python candidates. */
  readonly sandbox: Sandbox;
}

/**
 * Fails with `line L:C: message` of the first parse error. Details: `{ diagnostics: [{ line, column, message }] }`.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) for Python when the sandbox cannot run.
 */
export class SyntaxLayer implements VerificationLayer {
  readonly name = 'syntax' as const;
  readonly #options: SyntaxLayerOptions;

  constructor(options: SyntaxLayerOptions) {
    this.#options = options;
  }

  appliesTo(_spec: TaskSpec): boolean {
    return true;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const done = (status: 'pass' | 'fail', reason: string, details: unknown): LayerResult => ({
      layer: 'syntax',
      status,
      reason,
      details,
      durationMs: performance.now() - started,
    });
    const { code, language } = context.candidate;
    if (language === 'typescript') {
      const diagnostics = this.#options.typescript.checkSyntax(code);
      const first = diagnostics[0];
      if (first === undefined) return done('pass', 'TypeScript parses without errors', { diagnostics });
      const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
      return done('fail', `${formatDiagnostic(first)}${more}`, { diagnostics });
    }
    try {
      const result = await checkPythonSyntax(this.#options.sandbox, code, context.signal);
      if (result.ok) return done('pass', 'Python parses without errors (ast.parse)', { diagnostics: [] });
      const diagnostic = { line: result.line, column: result.column, message: result.message };
      return done('fail', `line ${result.line}:${result.column}: ${result.message}`, { diagnostics: [diagnostic] });
    } catch (error) {
      if (!(error instanceof PythonToolError)) throw error;
      return done('fail', `the Python parser could not process the candidate: ${error.message}`, { toolError: true });
    }
  }
}
