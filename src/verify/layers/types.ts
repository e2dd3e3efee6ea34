/**
 * @module verify/layers/types
 * Layer 2, `types`: TypeScript semantic diagnostics of the candidate, plus a check that the entry point is
 * assignable to the spec's signature. Python is `skipped` (no pyright here), never silently passed.
 */
import type { Signature, TaskSpec } from '../../spec/task-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { formatDiagnostic, type TypeScriptDiagnostic } from '../typescript/typescript-diagnostic.js';
import type { TypeScriptCompilerService } from '../typescript/typescript-compiler-service.js';

/** Name of the variable the signature check declares after the candidate's code. */
export const SIGNATURE_CHECK_NAME = '__zerr_signature_check';

/** The spec signature as a TypeScript function type: `(a: number[], b: number) => boolean`. */
export function signatureType(signature: Signature): string {
  const params = signature.inputs.map((p) => `${p.name}: ${p.type}`).join(', ');
  return `(${params}) => ${signature.output.type}`;
}

/**
 * Fails with the first candidate diagnostic (`line 3:11: Type 'string' is not assignable to type 'number'.`), or
 * `entry point 'f' is not defined` / `entry point 'f' does not match the spec signature (...)`.
 * Details: `{ diagnostics, signatureDiagnostics, expectedSignature }`.
 */
export class TypesLayer implements VerificationLayer {
  readonly name = 'types' as const;
  readonly #typescript: TypeScriptCompilerService;

  constructor(options: { readonly typescript: TypeScriptCompilerService }) {
    this.#typescript = options.typescript;
  }

  appliesTo(_spec: TaskSpec): boolean {
    return true;
  }

  verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const { spec, candidate } = context;
    const result = (status: LayerResult['status'], reason: string, details?: unknown): Promise<LayerResult> =>
      Promise.resolve({ layer: 'types', status, reason, details, durationMs: performance.now() - started });
    if (candidate.language === 'python') {
      return result('skipped', 'pyright type checking for Python is not installed');
    }
    const expectedSignature = signatureType(spec.signature);
    const entry = spec.signature.entryPoint;
    const candidateLines = candidate.code.split('\n').length;
    const code = `${candidate.code}\n;const ${SIGNATURE_CHECK_NAME}: ${expectedSignature} = ${entry};\n`;
    const checked = this.#typescript.checkTypes(code);
    const all: TypeScriptDiagnostic[] = [...checked.syntactic, ...checked.semantic];
    const diagnostics = all.filter((d) => d.line <= candidateLines);
    const signatureDiagnostics = all.filter((d) => d.line > candidateLines);
    const details = { diagnostics, signatureDiagnostics, expectedSignature };
    const first = diagnostics[0];
    if (first !== undefined) {
      const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
      return result('fail', `${formatDiagnostic(first)}${more}`, details);
    }
    const mismatch = signatureDiagnostics[0];
    if (mismatch !== undefined) {
      const reason =
        mismatch.code === 2304 || mismatch.code === 2448 || mismatch.code === 2454
          ? `entry point '${entry}' is not defined`
          : `entry point '${entry}' does not match the spec signature ${expectedSignature}: ${mismatch.message.replace(/\n\s*/g, ' ')}`;
      return result('fail', reason, details);
    }
    return result('pass', `no type errors; '${entry}' matches ${expectedSignature}`, details);
  }
}
