/**
 * @module verify/judge/sandbox-judge
 * The judge: trusted code, in a sandboxed process that has never executed candidate code, that evaluates a spec's
 * preconditions, invariants, postconditions and properties over the inputs and the candidate's serialized outcomes
 * (trust model: docs/decisions/005-sandbox-design.md). The candidate's process only computes results; it never
 * sees an expression, and nothing it does can reach a verdict except through the plain data it returns.
 */
import { ts } from '../../task-spec/typescript-api.js';
import { isPlainJavaScriptExpression } from '../../task-spec/checks/simple-expression.js';
import type { Sandbox, SandboxStartRequest } from '../../sandbox/sandbox.js';
import { parseWire } from '../../sandbox/value-encoding.js';
import { encodeArgumentsByType } from '../../sandbox/typed-encoding.js';
import type { Language } from '../../task-spec/task-spec.js';
import { parseVerdict, type CheckPlan, type CheckVerdict } from '../contracts/check-plan.js';
import { NODE_JUDGE_SOURCE } from './node-judge-harness.js';
import { PYTHON_JUDGE_SOURCE } from './python-judge-harness.js';

/** One call to judge: the inputs as given, and (mode `check`) the candidate's outcome line as received. */
export interface JudgedCall {
  readonly args: readonly unknown[];
  /** The candidate harness's outcome line (validated JSON text), or undefined in mode `pre`. */
  readonly outcomeWire?: string;
}

/** Request of {@link SandboxJudge.judge}. */
export interface JudgeRequest {
  readonly plan: CheckPlan;
  /**
   * `pre`: preconditions and invariants on the inputs only (`ok` or `skip` per call, or `spec-error`);
   * `check`: everything, in the order of `CheckPlan`.
   */
  readonly mode: 'pre' | 'check';
  readonly calls: readonly JudgedCall[];
  /** Time allowed for evaluating one call's expressions, in ms; past it the verdict is a `spec-error`. */
  readonly timeoutMs: number;
  /** Budget of the whole judge process, in ms. */
  readonly maxRunMs: number;
  readonly signal?: AbortSignal;
}

/** Verdicts, one per call, or why the judge itself failed (a machinery failure, never a candidate's). */
export type JudgeResult =
  | { readonly kind: 'judged'; readonly verdicts: readonly CheckVerdict[] }
  | { readonly kind: 'failed'; readonly message: string };

/** Largest judge request sent at once, in characters; larger ones are split over several judge processes. */
const MAX_REQUEST_CHARS = 8 * 1024 * 1024;

/**
 * Runs judges as pre-started sandboxed processes (`judge.cjs` for TypeScript specs, `judge.py` for Python), one
 * process per request, never reused. TypeScript expressions are transpiled here (transpiling is not executing).
 * `pre` verdicts depend only on the spec and the inputs, so they are cached per instance (64 entries, least
 * recently used dropped).
 */
export class SandboxJudge {
  readonly #sandbox: Sandbox;
  readonly #preCache = new Map<string, readonly CheckVerdict[]>();

  constructor(options: { readonly sandbox: Sandbox }) {
    this.#sandbox = options.sandbox;
  }

  /**
   * Judges the calls.
   * @throws SandboxUnavailableError (`sandbox_unavailable`) from the sandbox; the caller's `signal` reason.
   */
  async judge(request: JudgeRequest): Promise<JudgeResult> {
    const { plan } = request;
    const expressions = compileExpressions(plan);
    // Arguments as the candidate receives them (its declared types: a `set`, a `Map`), so the expressions see the same.
    const argsData = request.calls.map((call) => encodeArgumentsByType(call.args, plan.parameterTypes, plan.language));
    const cacheKey = request.mode === 'pre' ? JSON.stringify([plan.language, expressions, argsData]) : undefined;
    const cached = cacheKey === undefined ? undefined : this.#preCache.get(cacheKey);
    if (cached !== undefined) return { kind: 'judged', verdicts: cached };
    const head = `{"mode":${JSON.stringify(request.mode)},"timeoutMs":${request.timeoutMs},"parameters":${JSON.stringify(plan.parameters)},` +
      `"pre":${JSON.stringify(expressions.pre)},"inv":${JSON.stringify(expressions.inv)},"chk":${JSON.stringify(expressions.chk)},"calls":[`;
    const encoded = request.calls.map((call, index) =>
      `{"args":${JSON.stringify(argsData[index])}${call.outcomeWire === undefined ? '' : `,"outcome":${call.outcomeWire}`}}`);
    const batches: string[][] = [];
    let size = MAX_REQUEST_CHARS;
    for (const call of encoded) {
      if (size + call.length > MAX_REQUEST_CHARS) {
        batches.push([]);
        size = head.length;
      }
      batches.at(-1)?.push(call);
      size += call.length + 1;
    }
    const verdicts: CheckVerdict[] = [];
    for (const batch of batches) {
      const part = await this.#run(plan.language, `${head}${batch.join(',')}]}`, batch.length, request);
      if (part.kind === 'failed') return part;
      verdicts.push(...part.verdicts);
    }
    if (cacheKey !== undefined) {
      this.#preCache.set(cacheKey, verdicts);
      if (this.#preCache.size > 64) this.#preCache.delete(this.#preCache.keys().next().value as string);
    }
    return { kind: 'judged', verdicts };
  }

  /**
   * Launches a judge process for `language` now (where the sandbox keeps started processes), so that the next check
   * finds one started: for a caller with other work to do before it (loading modules, generating inputs).
   */
  prestart(language: Language): void {
    this.#sandbox.prestart?.(judgeStartRequest(language === 'typescript'));
  }

  async #run(language: Language, line: string, count: number, request: JudgeRequest): Promise<JudgeResult> {
    request.signal?.throwIfAborted();
    const node = language === 'typescript';
    const process = await this.#sandbox.start(judgeStartRequest(node));
    const onAbort = (): void => void process.kill();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      process.send(line);
      const answer = await process.nextLine(request.maxRunMs);
      request.signal?.throwIfAborted();
      if (answer.kind !== 'line') {
        const end = await process.kill();
        const why = answer.kind === 'timeout' ? `took longer than ${request.maxRunMs} ms` : `ended without a verdict: ${end.stderr.trim().slice(-300) || 'no message'}`;
        return { kind: 'failed', message: `the judge ${why}` };
      }
      const parsed = parseWire(answer.text) as { verdicts?: unknown };
      if (!Array.isArray(parsed.verdicts) || parsed.verdicts.length !== count) return { kind: 'failed', message: 'the judge answered with the wrong number of verdicts' };
      return { kind: 'judged', verdicts: parsed.verdicts.map(parseVerdict) };
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      void process.kill(); // its end and clean-up are the sandbox's to wait for (close())
    }
  }
}

/**
 * The plan's expressions as the judge evaluates them: Python as written, TypeScript as JavaScript arrow functions
 * (transpiled by the compiler, except plain comparisons and arithmetic, which are JavaScript already).
 */
function compileExpressions(plan: CheckPlan): { pre: string[]; inv: string[]; chk: string[] } {
  const convert = (expression: string): string => {
    if (plan.language === 'python') return expression;
    const params = [...plan.parameters, 'result'].join(', ');
    // Comparisons and arithmetic over names and literals are already JavaScript: no compiler to load for them.
    if (isPlainJavaScriptExpression(expression)) return `(${params}) => (\n${expression}\n)`;
    const out = ts.transpileModule(`(${params}) => (\n${expression}\n);`, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, removeComments: true },
      reportDiagnostics: false,
    }).outputText;
    return out.trim().replace(/;$/, '');
  };
  return {
    pre: plan.preconditions.map(convert),
    inv: plan.invariants.map(convert),
    chk: plan.checks.map((c) => convert(c.expression)),
  };
}

/** The sandbox request of a judge process: node (`judge.cjs`) or Python (`judge.py`). */
function judgeStartRequest(node: boolean): SandboxStartRequest {
  return {
    runtime: node ? 'node' : 'python',
    files: { [node ? 'judge.cjs' : 'judge.py']: node ? NODE_JUDGE_SOURCE : PYTHON_JUDGE_SOURCE },
    entry: node ? 'judge.cjs' : 'judge.py',
    limits: { wallTimeMs: 600_000, cpuTimeSec: 600 },
  };
}
