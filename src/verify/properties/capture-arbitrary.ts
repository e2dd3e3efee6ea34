/**
 * @module verify/properties/capture-arbitrary
 * A fast-check arbitrary that records every `fc.Value` it generates, so `fc.sample` under a fixed seed yields the
 * values together with their shrink contexts (needed to shrink a counterexample found outside `fc.check`).
 */
import fc from 'fast-check';

/** Delegates to `inner` and pushes each generated `Value` (value and shrink context) onto `sink`. */
export class CaptureArbitrary<T> extends fc.Arbitrary<T> {
  readonly #inner: fc.Arbitrary<T>;
  readonly #sink: fc.Value<T>[];

  constructor(inner: fc.Arbitrary<T>, sink: fc.Value<T>[]) {
    super();
    this.#inner = inner;
    this.#sink = sink;
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    const value = this.#inner.generate(mrng, biasFactor);
    this.#sink.push(value);
    return value;
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.#inner.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.#inner.shrink(value, context);
  }
}

/** `count` values of `arbitrary` with their contexts, from `fc.sample` with `seed` (same seed, same values). */
export function sampleValues<T>(arbitrary: fc.Arbitrary<T>, options: { readonly seed: number; readonly count: number }): fc.Value<T>[] {
  const sink: fc.Value<T>[] = [];
  fc.sample(new CaptureArbitrary(arbitrary, sink), { seed: options.seed, numRuns: options.count });
  return sink.slice(0, options.count);
}
