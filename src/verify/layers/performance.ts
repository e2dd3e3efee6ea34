/**
 * @module verify/layers/performance
 * Layer 8, `performance`: median wall time of each call over `repeat` runs (round by round over all inputs, so one
 * stall of the machine costs at most one repetition of each), timed by the host around each exchange
 * with the sandboxed process (not including process start-up), against `spec.limits.timeoutMs`; and a growth check
 * on generated inputs of doubling size that flags accidentally quadratic code (thresholds in
 * `verify/performance/growth-check`).
 *
 * Transport overhead: a host-timed call also pays for sending the arguments and reading the result (about 1 ms for
 * a few thousand numbers), which is linear in the input and would flatten a quadratic curve at small sizes. Before
 * judging growth, the layer times the same ladder against a trusted stub of the same signature that returns at once
 * (once per signature, cached), and subtracts the stub's fastest time at each size. The stub runs in its own
 * sandboxed process, so the candidate cannot touch the baseline.
 */
import type { CandidateRunner, CandidateRunResult } from '../../sandbox/index.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import { hasMembers } from '../../task-spec/checks/class-spec.js';
import { signatureInputTypes } from '../../task-spec/type-ref.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { judgeGrowth, type GrowthVerdict, type SizedTiming } from '../performance/growth-check.js';
import { median } from '../performance/median.js';
import { isSized, parameterTypes, renderSizedCall, sizedArgs } from '../performance/sized-inputs.js';

/** Options of {@link PerformanceLayer}. */
export interface PerformanceLayerOptions {
  readonly runner: CandidateRunner;
  /** Runs per input; the median is judged. Default 5. */
  readonly repeat?: number;
  /** Growth check on generated inputs. Default: on when a parameter is an array/list or a string. */
  readonly growthCheck?: boolean;
  /** Sizes of the growth ladder: `minSize, 2*minSize, ...` up to `maxSize`. Defaults 256 and 4096. */
  readonly minSize?: number;
  readonly maxSize?: number;
  /** Growth ratio above which a doubling is flagged. Default 3. */
  readonly maxGrowthRatio?: number;
  /** Times below this are too noisy for a ratio, in ms. Default 1. */
  readonly minMeasurableMs?: number;
  /**
   * Per-call limit of the timing run as a multiple of `timeoutMs`, so that a median above `timeoutMs` is measured
   * rather than cut off. Default 2.
   */
  readonly measureLimitFactor?: number;
}

/** One timed call in `details.calls`. */
export interface TimedCall {
  readonly call: string;
  readonly medianMs: number | 'timeout';
  readonly timesMs: readonly number[];
}

/**
 * Fails with `median 840 ms > timeoutMs 500 for f([1,2,3])` (a test-case input), or `accidentally quadratic: time
 * grows 4.1x per doubling of the input, from 2.1 ms at n=1024 to 35.3 ms for f([...4096 items]) (limit 3x at
 * n >= 256)`, or with the run failure. Applies when the spec has test cases or sized parameters.
 * Details: `{ calls: TimedCall[], growth?: { ladder, verdict } }`.
 *
 * Trust: every time is taken by the host around the exchange, so a candidate cannot report a shorter time than the
 * one it took; the transport baseline comes from a trusted stub in another process.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when the sandbox cannot run.
 */
export class PerformanceLayer implements VerificationLayer {
  readonly name = 'performance' as const;
  readonly #options: PerformanceLayerOptions;
  /** Transport baseline per signature: fastest stub time per ladder size, in ms (see the module note). */
  readonly #baselines = new Map<string, Promise<readonly number[] | undefined>>();

  constructor(options: PerformanceLayerOptions) {
    this.#options = options;
  }

  appliesTo(spec: TaskSpec): boolean {
    if (hasMembers(spec)) return false; // its calls are call sequences; not timed yet
    return spec.testCases.length > 0 || this.#ladder(spec).length > 0;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const { spec } = context;
    const done = (status: 'pass' | 'fail', reason: string, details: unknown): LayerResult => ({
      layer: 'performance',
      status,
      reason,
      details,
      durationMs: performance.now() - started,
    });
    const ladder = this.#ladder(spec);
    const inputs = [...spec.testCases.map((t) => t.inputs), ...ladder.map((l) => l.args)];
    const run = await this.#run(context, inputs);
    if (run.kind === 'failed') return done('fail', `the candidate could not be timed (${run.reason}): ${run.message}`, { runFailure: run });
    const limit = spec.limits.timeoutMs;
    const calls: TimedCall[] = inputs.map((args, i) => {
      const timeout = run.outcomes[i]?.kind === 'timeout' && (run.callTimesMs?.[i]?.length ?? 0) <= 1;
      const timesMs = run.callTimesMs?.[i] ?? [];
      return { call: renderSizedCall(spec.signature.entryPoint, args), medianMs: timeout ? 'timeout' : (median(timesMs) ?? 0), timesMs };
    });
    const testCalls = calls.slice(0, spec.testCases.length);
    const slow = testCalls.find((c) => c.medianMs === 'timeout' || c.medianMs > limit);
    if (slow) return done('fail', slowReason(slow, limit), { calls });
    if (ladder.length === 0) return done('pass', passReason(calls, limit), { calls });
    const baseline = await this.#baseline(context, ladder);
    const timings: SizedTiming[] = ladder.map((l, i) => {
      const call = calls[spec.testCases.length + i];
      if (call === undefined || call.medianMs === 'timeout') return { size: l.size, medianMs: 'timeout' };
      return { size: l.size, medianMs: Math.max(0, Math.min(...call.timesMs) - (baseline?.[i] ?? 0)) };
    });
    const verdict = judgeGrowth(timings, {
      timeoutMs: limit,
      ...(this.#options.maxGrowthRatio !== undefined ? { maxRatio: this.#options.maxGrowthRatio } : {}),
      minSize: this.#options.minSize ?? 256,
      ...(this.#options.minMeasurableMs !== undefined ? { minMeasurableMs: this.#options.minMeasurableMs } : {}),
    });
    const details = { calls, growth: { ladder: timings, verdict, ...(baseline ? { transportMs: baseline } : {}) } };
    const thresholds = { maxRatio: this.#options.maxGrowthRatio ?? 3, minSize: this.#options.minSize ?? 256 };
    if (verdict.kind === 'flagged') return done('fail', growthReason(spec, ladder, verdict, thresholds), details);
    return done('pass', `${passReason(testCalls, limit)}; growth: ${describeGrowth(verdict)}`, details);
  }

  /** The growth ladder of generated inputs (empty when off or nothing is sized). */
  #ladder(spec: TaskSpec): { size: number; args: unknown[] }[] {
    const types = parameterTypes(spec.language, spec.signature);
    if (types === undefined || this.#options.growthCheck === false || !types.some(isSized)) return [];
    const ladder: { size: number; args: unknown[] }[] = [];
    for (let size = this.#options.minSize ?? 256; size <= (this.#options.maxSize ?? 4096); size *= 2) {
      const args = sizedArgs(types, size);
      if (args === undefined) return [];
      ladder.push({ size, args });
    }
    return ladder;
  }

  /**
   * The fastest time per ladder size of a trusted stub with the candidate's entry point that returns at once: the
   * cost of sending the arguments and reading a result. `undefined` when the stub could not be timed (then nothing
   * is subtracted, which can only make growth look smaller, never flag a linear candidate).
   */
  #baseline(context: VerificationContext, ladder: readonly { size: number; args: unknown[] }[]): Promise<readonly number[] | undefined> {
    const { spec } = context;
    const key = JSON.stringify([context.candidate.language, spec.signature, ladder.map((l) => l.size)]);
    let baseline = this.#baselines.get(key);
    if (baseline === undefined) {
      const entry = spec.signature.entryPoint;
      const code = context.candidate.language === 'python' ? `def ${entry}(*_args):\n    return None\n` : `function ${entry}(..._args: unknown[]): null { return null; }\n`;
      baseline = this.#run(context, ladder.map((l) => l.args), code).then(
        (run) => (run.kind === 'ran' && run.callTimesMs?.length === ladder.length ? run.callTimesMs.map((times) => Math.min(...times)) : undefined),
        () => undefined,
      );
      this.#baselines.set(key, baseline);
      void baseline.then((b) => b === undefined && this.#baselines.delete(key)); // a failed or cancelled stub run is retried next time
    }
    return baseline;
  }

  #run(context: VerificationContext, calls: unknown[][], code = context.candidate.code): Promise<CandidateRunResult> {
    return this.#options.runner.run({
      language: context.candidate.language,
      code,
      entryPoint: context.spec.signature.entryPoint,
      calls,
      argumentTypes: signatureInputTypes(context.spec),
      perCallTimeoutMs: Math.ceil(context.spec.limits.timeoutMs * (this.#options.measureLimitFactor ?? 2)),
      repeat: this.#options.repeat ?? 5,
      ...(context.signal ? { signal: context.signal } : {}),
    });
  }
}

function slowReason(call: TimedCall, limit: number): string {
  return call.medianMs === 'timeout'
    ? `${call.call} timed out (> timeoutMs ${limit})`
    : `median ${Math.round(call.medianMs)} ms > timeoutMs ${limit} for ${call.call}`;
}

function passReason(calls: readonly TimedCall[], limit: number): string {
  const worst = Math.max(0, ...calls.map((c) => (c.medianMs === 'timeout' ? 0 : c.medianMs)));
  return `slowest median ${worst.toFixed(2)} ms <= timeoutMs ${limit} over ${calls.length} inputs`;
}

function describeGrowth(verdict: GrowthVerdict): string {
  if (verdict.kind === 'inconclusive') return `not judged (${verdict.why})`;
  return `${verdict.ratio.toFixed(1)}x per doubling from n=${verdict.n} to n=${verdict.nLast}`;
}

function growthReason(
  spec: TaskSpec,
  ladder: readonly { size: number; args: unknown[] }[],
  verdict: GrowthVerdict,
  thresholds: { readonly maxRatio: number; readonly minSize: number },
): string {
  if (verdict.kind === 'inconclusive') return describeGrowth(verdict);
  const large = ladder.find((l) => l.size === verdict.nLast);
  const call = renderSizedCall(spec.signature.entryPoint, large?.args ?? []);
  const to = verdict.msLast === 'timeout' ? `a timeout at ${spec.limits.timeoutMs} ms` : `${verdict.msLast.toFixed(1)} ms`;
  return (
    `accidentally quadratic: time grows ${verdict.ratio.toFixed(1)}x per doubling of the input, ` +
    `from ${verdict.ms.toFixed(1)} ms at n=${verdict.n} to ${to} for ${call} (limit ${thresholds.maxRatio}x at n >= ${thresholds.minSize})`
  );
}
