/**
 * @module verify/layers/python-types
 * Layer 2, `types`, for Python: pyright in basic mode on the candidate alone (`static/run-pyright.ts`). TypeScript
 * candidates go to the TypeScript `types` layer given as `typescriptLayer`, so one layer named `types` serves both
 * languages in a pipeline; without it they are `skipped`. No pyright -> `skipped` "pyright is not installed".
 *
 * Not checked yet: that the entry point matches the spec signature (the TypeScript layer does); spec types such as
 * `List[float]` would need the candidate's imports.
 */
import type { TaskSpec } from '../../task-spec/task-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { runPyright } from '../static/run-pyright.js';
import { findPythonSuppressionComment } from '../python/type-suppression-comments.js';

/** Options of {@link PythonTypesLayer}. */
export interface PythonTypesLayerOptions {
  /** Layer for TypeScript candidates (normally `TypesLayer`). Default: none, TypeScript is `skipped`. */
  readonly typescriptLayer?: VerificationLayer;
  /** Path of pyright's CLI script. Default: the installed `pyright` package (`pyright/index.js`). */
  readonly pyrightPath?: string;
  /** Limit of one pyright run in ms. Default 30_000. */
  readonly timeoutMs?: number;
}

/**
 * Fails a candidate with a comment that suppresses or reconfigures pyright (`# type: ignore`, `# pyright: ...`),
 * before pyright runs; else with the first pyright error (`line 2:12: Type "Literal['a']" is not assignable to return type "int"
 * (reportReturnType)`). Details: `{ diagnostics: PyrightDiagnostic[], pyrightMs }`. Never throws for a bad candidate.
 */
export class PythonTypesLayer implements VerificationLayer {
  readonly name = 'types' as const;
  readonly #options: PythonTypesLayerOptions;

  constructor(options: PythonTypesLayerOptions = {}) {
    this.#options = options;
  }

  appliesTo(spec: TaskSpec): boolean {
    return spec.language === 'python' || (this.#options.typescriptLayer?.appliesTo(spec) ?? true);
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const done = (status: LayerResult['status'], reason: string, details?: unknown): LayerResult => ({
      layer: 'types',
      status,
      reason,
      details,
      durationMs: performance.now() - started,
    });
    if (context.candidate.language === 'typescript') {
      const delegate = this.#options.typescriptLayer;
      return delegate === undefined ? done('skipped', 'no TypeScript types layer configured') : delegate.verify(context);
    }
    const suppression = findPythonSuppressionComment(context.candidate.code);
    if (suppression !== undefined) {
      return done('fail', `line ${suppression.line}: the candidate turns type checking off with "# ${suppression.directive}"; comments that suppress or reconfigure pyright (# type: ignore, # pyright: ...) are not allowed`, { suppression });
    }
    const result = await runPyright({
      code: context.candidate.code,
      cliPath: this.#options.pyrightPath,
      ...(this.#options.timeoutMs !== undefined ? { timeoutMs: this.#options.timeoutMs } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (result.status === 'not-installed') return done('skipped', 'pyright is not installed');
    if (result.status === 'tool-error') return done('fail', `pyright could not check the candidate: ${result.message}`, { toolError: true });
    const details = { diagnostics: result.diagnostics, pyrightMs: result.durationMs };
    const first = result.diagnostics[0];
    if (first === undefined) return done('pass', 'no pyright errors (basic mode)', details);
    const more = result.diagnostics.length > 1 ? ` (and ${result.diagnostics.length - 1} more)` : '';
    const message = first.message.split('\n')[0] ?? '';
    return done('fail', `line ${first.line}:${first.column}: ${message} (${first.rule})${more}`, details);
  }
}
