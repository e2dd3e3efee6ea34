/**
 * @module verify/contracts/run-checks
 * Runs a {@link CheckPlan} on many inputs with the judge apart from the candidate: (1) the judge evaluates the
 * preconditions and invariants on the inputs (cached: they depend only on the spec); (2) the candidate's sandboxed
 * process computes the results on the inputs that pass, and nothing else; (3) the judge, a separate sandboxed
 * process that has never run candidate code, evaluates invariants and postconditions (or properties) over the
 * serialized outcomes. No expression of the spec ever runs in the candidate's process or realm. The judge is spared
 * where its verdicts need no evaluation (`fast-path-verdicts.ts`): fast-path preconditions and invariants, and a plan
 * with nothing to check after the call.
 */
import type { CallOutcome, CandidateRunner } from '../../sandbox/index.js';
import type { SandboxJudge } from '../judge/sandbox-judge.js';
import type { CandidateSource } from '../verification-layer.js';
import { encodeTagged } from '../../sandbox/value-encoding.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import type { CheckPlan, CheckVerdict } from './check-plan.js';
import { checkNeedsJudge, fastPathPreVerdicts, outcomeVerdict } from './fast-path-verdicts.js';
import { findTypeScriptSyntaxError } from './expression-syntax.js';

/** Request of {@link runChecks}. */
export interface RunChecksRequest {
  readonly runner: CandidateRunner;
  readonly judge: SandboxJudge;
  readonly candidate: CandidateSource;
  readonly plan: CheckPlan;
  /**
   * The spec the plan was made from, when its preconditions and invariants are the plan's: those on the fast path are
   * then evaluated without the judge (`fast-path-verdicts.ts`). Default: every expression goes to the judge.
   */
  readonly spec?: TaskSpec;
  /** Argument tuples, one call each. */
  readonly calls: readonly (readonly unknown[])[];
  /** Wall-clock limit of one call of the candidate (and of one call's expressions in the judge), in ms. */
  readonly perCallTimeoutMs: number;
  /** Wall-clock budget of each sandbox run (candidate, judge), in ms; past it the run is reported as `timeout`. */
  readonly maxRunMs: number;
  readonly signal?: AbortSignal;
}

/** One verdict per call, or why the run as a whole failed (`load-error`, `crashed`, `timeout`, `output-limit`, `judge`). */
export type RunChecksResult =
  | { readonly kind: 'ran'; readonly verdicts: readonly CheckVerdict[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly message: string };

/**
 * Runs the checks. A TypeScript expression that does not parse gives a `spec-error` verdict for every call without
 * running anything.
 * @throws the caller's `signal` reason when the caller aborts; SandboxUnavailableError from the runner or judge.
 */
export async function runChecks(request: RunChecksRequest): Promise<RunChecksResult> {
  const { plan, candidate } = request;
  if (candidate.language === 'typescript') {
    const bad = findTypeScriptSyntaxError(plan);
    if (bad) return { kind: 'ran', verdicts: request.calls.map(() => ({ v: 'spec-error', ...bad })) };
  }
  const judgeOptions = { plan, timeoutMs: request.perCallTimeoutMs, maxRunMs: request.maxRunMs, ...(request.signal ? { signal: request.signal } : {}) };
  const verdicts: (CheckVerdict | undefined)[] = request.calls.map(() => undefined);
  let kept = request.calls.map((args, index) => ({ args, index }));
  if (plan.preconditions.length + plan.invariants.length > 0) {
    const fast = request.spec !== undefined && plan.language === 'typescript' ? fastPathPreVerdicts(request.spec, request.calls) : undefined;
    const pre = fast === undefined
      ? await request.judge.judge({ ...judgeOptions, mode: 'pre', calls: request.calls.map((args) => ({ args })) })
      : { kind: 'ran' as const, verdicts: fast };
    if (pre.kind === 'failed') return { kind: 'failed', reason: 'judge', message: pre.message };
    pre.verdicts.forEach((verdict, index) => {
      if (verdict.v !== 'ok') verdicts[index] = verdict;
    });
    kept = kept.filter(({ index }) => verdicts[index] === undefined);
  }
  if (kept.length > 0) {
    const budget = AbortSignal.timeout(request.maxRunMs);
    const signal = request.signal ? AbortSignal.any([request.signal, budget]) : budget;
    let run;
    try {
      run = await request.runner.run({
        language: candidate.language,
        code: candidate.code,
        entryPoint: plan.entryPoint,
        calls: kept.map((k) => k.args),
        ...(plan.parameterTypes === undefined ? {} : { argumentTypes: plan.parameterTypes }),
        perCallTimeoutMs: request.perCallTimeoutMs,
        returnArguments: plan.invariants.length > 0,
        signal,
      });
    } catch (error) {
      if (request.signal?.aborted !== true && budget.aborted) {
        return { kind: 'failed', reason: 'timeout', message: `the run went over its budget of ${request.maxRunMs} ms` };
      }
      throw error;
    }
    if (run.kind === 'failed') return { kind: 'failed', reason: run.reason, message: run.message };
    if (!checkNeedsJudge(plan)) {
      kept.forEach((k, i) => {
        const outcome = run.outcomes[i];
        verdicts[k.index] = outcome === undefined ? { v: 'error', message: 'no outcome' } : outcomeVerdict(outcome);
      });
      return { kind: 'ran', verdicts: verdicts.map((v) => v ?? { v: 'error', message: 'no verdict' }) };
    }
    const wire = run.wire ?? run.outcomes.map((outcome) => JSON.stringify(outcomeWire(outcome)));
    const judged = await request.judge.judge({
      ...judgeOptions,
      mode: 'check',
      calls: kept.map((k, i) => ({ args: k.args, outcomeWire: wire[i] ?? 'null' })),
    });
    if (judged.kind === 'failed') return { kind: 'failed', reason: 'judge', message: judged.message };
    kept.forEach((k, i) => {
      verdicts[k.index] = judged.verdicts[i] ?? { v: 'error', message: 'no verdict' };
    });
  }
  return { kind: 'ran', verdicts: verdicts.map((v) => v ?? { v: 'error', message: 'no verdict' }) };
}

/** The wire form of an outcome a runner gave without its wire line (runners other than the sandbox's). */
export function outcomeWire(outcome: CallOutcome): unknown {
  if (outcome.kind === 'value') return { k: 'value', v: encodeTaggedSafe(outcome.value) };
  if (outcome.kind === 'error') return { k: 'error', errorType: outcome.errorType, message: outcome.message };
  return { k: 'timeout' };
}

function encodeTaggedSafe(value: unknown): unknown {
  try {
    return encodeTagged(value);
  } catch {
    return null;
  }
}
