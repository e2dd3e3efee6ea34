/**
 * @module orchestrate/escalation-answer
 * Checking a person's answer to a `code` escalation when it is given (issue 13 #5), the same way a build checks it
 * when it continues: the code, after the task's verified dependency code (`spec.contextCode`), through every
 * verification layer. A person's code is held to the task's behaviour (tests, contracts, properties, security), not
 * to the size limits the engine set for model samples: `maxLines` and `maxComplexity` are raised so that they never
 * reject an answer (simplify-and-retry may have halved them below anything a whole answer needs).
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';
import { contextPrefix, TaskSpecSchema, type TaskSpec } from '../task-spec/task-spec.js';
import type { VerificationReport } from '../verify/verifier.js';

/** Limits an answer is checked under: high enough that size and complexity never reject a person's code. */
export const ANSWER_LIMITS = { maxLines: 100_000, maxComplexity: 10_000 } as const;

/** The verdict on an answer: accepted, or rejected with the failing layer and its reason. */
export type AnswerCheck =
  | { readonly accepted: true; readonly reason: string }
  | { readonly accepted: false; readonly failedLayer: string | null; readonly reason: string };

/** `spec` with the size limits of {@link ANSWER_LIMITS} (other limits, e.g. `timeoutMs`, unchanged). */
export function answerSpec(spec: TaskSpec): TaskSpec {
  return { ...spec, limits: { ...spec.limits, ...ANSWER_LIMITS } };
}

/** One line for a report: `rejected at unit-tests: test 2: clamp(-3, 0, 10) returned -3, expected 0`. */
export function describeAnswerCheck(report: VerificationReport): AnswerCheck {
  if (report.passed) return { accepted: true, reason: 'the answer passed every verification layer' };
  const failed = report.results.find((result) => result.status === 'fail');
  return { accepted: false, failedLayer: failed?.layer ?? null, reason: failed === undefined ? 'verification failed' : `${failed.layer}: ${failed.reason}` };
}

/**
 * Checks `answer` (`{ code }`) to an escalation whose context holds the task's `spec` (with its dependency code in
 * `contextCode`), with `verify` (the engine's layers). `undefined` when the escalation is not about code (a
 * decomposition is checked when the build continues) or its context holds no spec.
 * @throws what `verify` throws (sandbox unavailable).
 */
export async function checkCodeAnswer(
  escalation: { readonly kind: string; readonly context: unknown },
  answer: unknown,
  verify: (spec: TaskSpec, code: string) => Promise<VerificationReport>,
): Promise<AnswerCheck | undefined> {
  if (escalation.kind !== 'code') return undefined;
  const context = escalation.context as { spec?: unknown } | null;
  const parsed = TaskSpecSchema.safeParse(context?.spec);
  if (!parsed.success) return undefined;
  const code = typeof answer === 'object' && answer !== null && typeof (answer as { code?: unknown }).code === 'string'
    ? (answer as { code: string }).code
    : undefined;
  if (code === undefined || code.trim() === '') return { accepted: false, failedLayer: null, reason: 'the answer holds no code' };
  const spec = answerSpec(parsed.data);
  return describeAnswerCheck(await verify(spec, `${contextPrefix(spec)}${code}`));
}

/**
 * A person's answer failed verification when it was given; it was not stored and the escalation stays open.
 *
 * Code: `answer_rejected` (HTTP 422, exit 2). Not retryable unchanged: fix the code and answer again.
 */
export class AnswerRejectedError extends ZeroErrorError {
  readonly failedLayer: string | null;
  readonly reason: string;

  constructor(options: { escalationId: string; failedLayer: string | null; reason: string }) {
    super('answer_rejected', `The answer to ${options.escalationId} was rejected (not stored; the escalation stays open): it failed ${options.reason}`);
    this.failedLayer = options.failedLayer;
    this.reason = options.reason;
  }
}
