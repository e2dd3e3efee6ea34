/**
 * @module verify/layers/types
 * Layer 2, `types`: TypeScript semantic diagnostics of the candidate, plus a check that the entry point is
 * assignable to the spec's signature. Python is `skipped` (no pyright here), never silently passed.
 *
 * The check runs in a worker thread ({@link TypeScriptTypeChecker}) under a time limit (`timeoutMs`) and a heap
 * limit (`memoryLimitMb`): a candidate whose types are too expensive to check fails this layer
 * (`type check timed out after 5000 ms`), and the engine goes on with the next candidate.
 */
import { z } from 'zod';
import { InvalidArgumentError, parseOptions } from '../../errors/index.js';
import { typedParameters, type Signature, type TaskSpec } from '../../task-spec/task-spec.js';
import { hasMembers } from '../../task-spec/checks/class-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { analysisFailureDetails, isCandidateAnalysisFailure } from '../typescript/analysis-limit-error.js';
import type { TypeCheckResult } from '../typescript/typescript-compiler-service.js';
import { findSuppressionComment } from '../typescript/suppression-comments.js';
import { formatDiagnostic, type TypeScriptDiagnostic } from '../typescript/typescript-diagnostic.js';
import { DEFAULT_TYPE_CHECK_TIMEOUT_MS, TypeScriptTypeChecker } from '../typescript/typescript-type-checker.js';

/** Name of the variable the signature check declares after the candidate's code. */
export const SIGNATURE_CHECK_NAME = '__zerr_signature_check';

/** The spec signature as a TypeScript function type: `(a: number[], b: number) => boolean`. */
export function signatureType(signature: Signature): string {
  return `(${typedParameters(signature.inputs)}) => ${signature.output.type}`;
}

/**
 * The type the candidate's entry point must have: {@link signatureType} for a function spec; for a class spec a
 * construct signature whose instances have the declared methods and fields:
 * `new (capacity: number) => { push(item: number): void; size: number }`; for a module spec the object type of its
 * functions and constants (`{ area(r: number): number; PI: number }`), checked against `{ area, PI }`.
 */
export function entryPointType(spec: Pick<TaskSpec, 'taskType' | 'signature' | 'methods' | 'fields'>): string {
  if (!hasMembers(spec)) return signatureType(spec.signature);
  const members = [
    ...spec.methods.map((m) => `${m.name}(${typedParameters(m.inputs)}): ${m.output.type}`),
    ...spec.fields.map((f) => `${f.name}: ${f.type}`),
  ];
  if (spec.taskType === 'module') return `{ ${members.join('; ')} }`;
  return `new (${typedParameters(spec.signature.inputs)}) => { ${members.join('; ')} }`;
}

/** What {@link entryPointType} is checked against: the entry point, or for a module spec `{ f, g, PI }` (its members). */
export function entryPointExpression(spec: Pick<TaskSpec, 'taskType' | 'signature' | 'methods' | 'fields'>): string {
  if (spec.taskType !== 'module') return spec.signature.entryPoint;
  return `{ ${[...spec.methods.map((m) => m.name), ...spec.fields.map((f) => f.name)].join(', ')} }`;
}

/** Options of {@link TypesLayer}. Units are in the names. */
export interface TypesLayerOptions {
  /** Worker-backed checker, shareable. Default: a new one with `memoryLimitMb`, closed by {@link TypesLayer.close}. */
  readonly checker?: TypeScriptTypeChecker;
  /** Wall-clock limit of one candidate's type check, in ms. Default 5_000 (a normal candidate takes 3-30 ms). */
  readonly timeoutMs?: number;
  /** Heap limit of the worker the layer creates, in MiB. Default 512. Only without `checker` (it has its own). */
  readonly memoryLimitMb?: number;
}

const OptionsSchema = z.object({
  checker: z.custom<TypeScriptTypeChecker>((c) => typeof (c as TypeScriptTypeChecker | undefined)?.checkTypes === 'function', 'a TypeScriptTypeChecker').optional(),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  memoryLimitMb: z.number().int().min(32).max(65_536).optional(),
}).strict();

/**
 * Fails a candidate that turns the checker off (`line 1: the candidate turns type checking off with @ts-nocheck; ...`:
 * `@ts-nocheck`, `@ts-ignore` or `@ts-expect-error` in a comment, before any check), with the first candidate
 * diagnostic (`line 3:11: Type 'string' is not assignable to type 'number'.`), or
 * `entry point 'f' is not defined` / `entry point 'f' does not match the spec signature (...)`, or when the check was
 * stopped: `type check timed out after 5000 ms`, `type check ran out of memory (limit 512 MiB)`, `type check failed:
 * RangeError: Maximum call stack size exceeded`.
 * Details: `{ diagnostics, signatureDiagnostics, expectedSignature }`; for a stopped check `{ expectedSignature,
 * limitExceeded: 'timeoutMs' | 'memoryLimitMb', timeoutMs | memoryLimitMb }` or `{ expectedSignature, analysisError }`.
 * @throws AnalysisWorkerError (`analysis_worker_failed`, `during: 'start'`) when the checker's worker cannot start;
 * the signal's reason when aborted.
 */
export class TypesLayer implements VerificationLayer {
  readonly name = 'types' as const;
  readonly #checker: TypeScriptTypeChecker;
  readonly #ownsChecker: boolean;
  readonly #timeoutMs: number;

  /** @throws InvalidArgumentError (`invalid_argument`) for bad limits, or `memoryLimitMb` together with `checker`. */
  constructor(options: TypesLayerOptions = {}) {
    const parsed = parseOptions(OptionsSchema, options);
    if (parsed.checker !== undefined && parsed.memoryLimitMb !== undefined) {
      throw new InvalidArgumentError({
        parameter: 'options.memoryLimitMb', value: parsed.memoryLimitMb, expected: 'no memoryLimitMb with a checker (set it on the TypeScriptTypeChecker)',
      });
    }
    this.#ownsChecker = parsed.checker === undefined;
    this.#checker = parsed.checker ?? new TypeScriptTypeChecker(parsed.memoryLimitMb === undefined ? {} : { memoryLimitMb: parsed.memoryLimitMb });
    this.#timeoutMs = parsed.timeoutMs ?? DEFAULT_TYPE_CHECK_TIMEOUT_MS;
  }

  /** Ends the worker of a checker this layer created (a shared `checker` is closed by its owner). */
  async close(): Promise<void> {
    if (this.#ownsChecker) await this.#checker.close();
  }

  appliesTo(_spec: TaskSpec): boolean {
    return true;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const { spec, candidate, signal } = context;
    const result = (status: LayerResult['status'], reason: string, details?: unknown): LayerResult =>
      ({ layer: 'types', status, reason, details, durationMs: performance.now() - started });
    if (candidate.language === 'python') {
      return result('skipped', 'pyright type checking for Python is not installed');
    }
    const expectedSignature = entryPointType(spec);
    const entry = spec.signature.entryPoint;
    const suppression = findSuppressionComment(candidate.code);
    if (suppression !== undefined) {
      return result('fail', `line ${suppression.line}: the candidate turns type checking off with ${suppression.directive}; comments that suppress type errors (@ts-nocheck, @ts-ignore, @ts-expect-error) are not allowed`, { expectedSignature, suppression });
    }
    const candidateLines = candidate.code.split('\n').length;
    const code = `${candidate.code}\n;const ${SIGNATURE_CHECK_NAME}: ${expectedSignature} = ${entryPointExpression(spec)};\n`;
    let checked: TypeCheckResult;
    try {
      checked = await this.#checker.checkTypes(code, { timeoutMs: this.#timeoutMs, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      if (!isCandidateAnalysisFailure(error)) throw error;
      return result('fail', error.message, { expectedSignature, ...analysisFailureDetails(error) });
    }
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
      // Cannot find name (2304, 2552 with a suggestion), used before its declaration (2448, 2454), no value for a
      // shorthand property (18004).
      const undefinedName = [2304, 2552, 2448, 2454, 18004].includes(mismatch.code);
      const reason =
        undefinedName && spec.taskType === 'module'
          ? `a member of the module ${entry} is not defined: ${mismatch.message.replace(/\n\s*/g, ' ')}`
          : undefinedName
          ? `entry point '${entry}' is not defined`
          : `entry point '${entry}' does not match the spec signature ${expectedSignature}: ${mismatch.message.replace(/\n\s*/g, ' ')}`;
      return result('fail', reason, details);
    }
    return result('pass', `no type errors; '${entry}' matches ${expectedSignature}`, details);
  }
}
