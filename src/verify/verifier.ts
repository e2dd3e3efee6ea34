/**
 * @module verify/verifier
 * The `Verifier`: runs verification layers in pipeline order, stopping at the first failing layer unless asked to
 * run all (seed implementation guide §1.3).
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';
import { encodeTagged } from '../sandbox/value-encoding.js';
import { hasMembers } from '../task-spec/checks/class-spec.js';
import type { TaskSpec } from '../task-spec/task-spec.js';
import type { LayerName, LayerResult, VerificationContext, VerificationLayer } from './verification-layer.js';

/** Options of {@link Verifier.verify}. */
export interface VerifyOptions {
  /** Run every layer even after one fails (to collect all diagnostics). Default false. */
  readonly runAll?: boolean;
  /** Called after each layer, skipped ones included (the `verify-layer-end` event). */
  readonly onLayerEnd?: (result: LayerResult) => void;
}

/** Outcome of a verification. `passed` is true when no layer failed; skipped layers are listed with their reason. */
export interface VerificationReport {
  readonly passed: boolean;
  readonly results: readonly LayerResult[];
  /** The first layer that failed, or null. */
  readonly failedLayer: LayerName | null;
}

const LayersSchema = z.array(
  z.custom<VerificationLayer>(
    (l) => typeof (l as VerificationLayer | undefined)?.verify === 'function' && typeof (l as VerificationLayer).name === 'string',
    'a VerificationLayer',
  ),
);

/** Composes layers in the order given (normally syntax, types, contracts, unit-tests, ...). */
export class Verifier {
  readonly layers: readonly VerificationLayer[];
  readonly #onClose: (() => Promise<void>) | undefined;

  /**
   * @param options.onClose releases resources shared by several layers (a linter or type checker the creator
   *   made), after every layer's own `close`.
   * @throws InvalidArgumentError (`invalid_argument`) when an element is not a layer or a name repeats.
   */
  constructor(layers: readonly VerificationLayer[], options: { readonly onClose?: () => Promise<void> } = {}) {
    this.#onClose = options.onClose;
    const parsed = LayersSchema.safeParse(layers);
    if (!parsed.success) {
      throw new InvalidArgumentError({ parameter: 'layers', value: layers, expected: 'an array of VerificationLayer' });
    }
    const names = layers.map((l) => l.name);
    if (new Set(names).size !== names.length) {
      throw new InvalidArgumentError({ parameter: 'layers', value: names, expected: 'distinct layer names' });
    }
    this.layers = [...layers];
  }

  /**
   * Closes every layer that can be closed (their analysis workers end), then `onClose`. Idempotent as far as the
   * layers are; a verifier is not used after it.
   */
  async close(): Promise<void> {
    await Promise.all(this.layers.map((layer) => layer.close?.()));
    await this.#onClose?.();
  }

  /**
   * Runs the layers. Layers whose `appliesTo(spec)` is false are reported as `skipped`. Errors a layer throws
   * (sandbox unavailable, abort) propagate.
   * @throws the `signal`'s reason when aborted between layers.
   */
  async verify(context: VerificationContext, options: VerifyOptions = {}): Promise<VerificationReport> {
    const results: LayerResult[] = [];
    let failedLayer: LayerName | null = null;
    for (const layer of this.layers) {
      context.signal?.throwIfAborted();
      const result = layer.appliesTo(context.spec)
        ? jsonSafeResult(await layer.verify(context))
        : {
            layer: layer.name,
            status: 'skipped' as const,
            reason: `layer '${layer.name}' does not apply to this spec${skipNote(layer.name, context.spec)}`,
            durationMs: 0,
          };
      results.push(result);
      options.onLayerEnd?.(result);
      if (result.status === 'fail') {
        failedLayer ??= layer.name;
        if (options.runAll !== true) break;
      }
    }
    return { passed: failedLayer === null, results, failedLayer };
  }
}

/** Why a layer does not apply, in parentheses, where there is more to say than that. */
function skipNote(layer: LayerName, spec: TaskSpec): string {
  if (layer === 'unit-tests') return hasMembers(spec) ? ' (no call sequences)' : ' (no test cases)';
  if (layer === 'performance' && hasMembers(spec)) return ` (it does not time ${spec.taskType} specs yet)`;
  return '';
}

/**
 * The result with bigints in its details replaced by their tagged form `{"$zerr":"bigint","v":"<digits>"}`
 * (sandbox/value-encoding), so that it can be recorded in the run store and streamed as JSON. A generated program
 * may return an integer beyond 2^53 (Python does so freely); its test outcome then holds a bigint.
 */
function jsonSafeResult(result: LayerResult): LayerResult {
  return result.details === undefined ? result : { ...result, details: withoutBigints(result.details, new Set()) };
}

function withoutBigints(value: unknown, seen: Set<object>): unknown {
  if (typeof value === 'bigint') return encodeTagged(value);
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => withoutBigints(item, seen));
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutBigints(item, seen)]));
  } finally {
    seen.delete(value);
  }
}
