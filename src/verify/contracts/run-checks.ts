/**
 * @module verify/contracts/run-checks
 * Runs a {@link CheckPlan} on many inputs in ONE sandboxed process: the check wrapper is appended to the candidate
 * and run as the entry point by the `CandidateRunner`; each call's outcome becomes a {@link CheckVerdict}.
 */
import { randomBytes } from 'node:crypto';
import type { CallOutcome, CandidateRunner } from '../../sandbox/index.js';
import type { CandidateSource } from '../verification-layer.js';
import { parseVerdict, type CheckPlan, type CheckVerdict } from './check-plan.js';
import { pythonCheckWrapper } from './python-check-wrapper.js';
import { findTypeScriptSyntaxError, typeScriptCheckWrapper } from './typescript-check-wrapper.js';

/** Request of {@link runChecks}. */
export interface RunChecksRequest {
  readonly runner: CandidateRunner;
  readonly candidate: CandidateSource;
  readonly plan: CheckPlan;
  /** Argument tuples, one call each. */
  readonly calls: readonly (readonly unknown[])[];
  /** Wall-clock limit of one call (wrapper and conditions included), in ms. */
  readonly perCallTimeoutMs: number;
  /** Wall-clock budget of the whole sandbox run, in ms; past it the run is aborted and reported as `timeout`. */
  readonly maxRunMs: number;
  readonly signal?: AbortSignal;
}

/** One verdict per call, or why the run as a whole failed (`load-error`, `crashed`, `timeout`, `output-limit`). */
export type RunChecksResult =
  | { readonly kind: 'ran'; readonly verdicts: readonly CheckVerdict[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly message: string };

/**
 * Runs the checks. A TypeScript expression that does not parse gives a `spec-error` verdict for every call without
 * running anything. The wrapper's name carries a fresh random suffix, so a candidate cannot pre-define or replace it.
 * @throws the caller's `signal` reason when the caller aborts; SandboxUnavailableError from the runner.
 */
export async function runChecks(request: RunChecksRequest): Promise<RunChecksResult> {
  const { plan, candidate } = request;
  if (candidate.language === 'typescript') {
    const bad = findTypeScriptSyntaxError(plan);
    if (bad) return { kind: 'ran', verdicts: request.calls.map(() => ({ v: 'spec-error', ...bad })) };
  }
  const name = `__zerr_check_${randomBytes(8).toString('hex')}`;
  const wrapper = candidate.language === 'typescript' ? typeScriptCheckWrapper(plan, name) : pythonCheckWrapper(plan, name);
  const budget = AbortSignal.timeout(request.maxRunMs);
  const signal = request.signal ? AbortSignal.any([request.signal, budget]) : budget;
  try {
    const run = await request.runner.run({
      language: candidate.language,
      code: `${candidate.code}\n${wrapper}`,
      entryPoint: name,
      calls: request.calls,
      perCallTimeoutMs: request.perCallTimeoutMs,
      signal,
    });
    if (run.kind === 'failed') return { kind: 'failed', reason: run.reason, message: run.message };
    return { kind: 'ran', verdicts: request.calls.map((_, i) => toVerdict(run.outcomes[i])) };
  } catch (error) {
    if (request.signal?.aborted !== true && budget.aborted) {
      return { kind: 'failed', reason: 'timeout', message: `the run went over its budget of ${request.maxRunMs} ms` };
    }
    throw error;
  }
}

function toVerdict(outcome: CallOutcome | undefined): CheckVerdict {
  if (outcome === undefined) return { v: 'error', message: 'no outcome' };
  if (outcome.kind === 'timeout') return { v: 'timeout' };
  if (outcome.kind === 'error') return { v: 'error', message: `${outcome.errorType}: ${outcome.message}` };
  return parseVerdict(outcome.value);
}
