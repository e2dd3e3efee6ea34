/**
 * @module verify/contracts/typescript-check-wrapper
 * The TypeScript/JavaScript check wrapper: a function appended to the candidate's source that evaluates a
 * {@link CheckPlan} around one call and returns a {@link CheckVerdict}. It is transpiled with the candidate by the
 * runner and only ever runs in the sandbox.
 */
import ts from 'typescript';
import type { CheckPlan, ExpressionGroup } from './check-plan.js';

/** An expression that does not parse, found before anything runs. */
export interface ExpressionSyntaxError {
  readonly by: ExpressionGroup;
  readonly index: number;
  readonly message: string;
}

/** The first expression of `plan` that is not a valid TypeScript expression, or undefined. */
export function findTypeScriptSyntaxError(plan: CheckPlan): ExpressionSyntaxError | undefined {
  const groups: [ExpressionGroup, readonly string[]][] = [
    ['precondition', plan.preconditions],
    ['invariant', plan.invariants],
    ['check', plan.checks.map((c) => c.expression)],
  ];
  for (const [by, expressions] of groups) {
    for (const [index, expression] of expressions.entries()) {
      const out = ts.transpileModule(`(\n${expression}\n);`, { reportDiagnostics: true, compilerOptions: { noResolve: true } });
      const first = out.diagnostics?.[0];
      if (first) return { by, index, message: ts.flattenDiagnosticMessageText(first.messageText, '\n') };
    }
  }
  return undefined;
}

/**
 * Source of `function <name>(...args)` to append to the candidate. Expressions become arrow functions over the
 * parameter names and `result`, so they see the candidate's globals (helpers, constants). Inputs are deep-copied
 * (arrays and plain objects; the vm context has no `structuredClone`) before the call. A promise result is awaited.
 * Call {@link findTypeScriptSyntaxError} first: a bad expression would make the whole module fail to load.
 */
export function typeScriptCheckWrapper(plan: CheckPlan, name: string): string {
  const params = [...plan.parameters, 'result'].join(', ');
  const fns = (expressions: readonly string[]): string =>
    `[${expressions.map((e) => `\n    (${params}) => (\n${e}\n)`).join(',')}]`;
  const entry = plan.entryPoint;
  return `
;function ${name}(...__zerr_args) {
  const __zerr_fn = typeof ${entry} === 'function' ? ${entry}
    : (typeof module === 'object' && module && module.exports && typeof module.exports[${JSON.stringify(entry)}] === 'function')
      ? module.exports[${JSON.stringify(entry)}] : undefined;
  if (__zerr_fn === undefined) return { v: 'no-entry' };
  const __zerr_pre = ${fns(plan.preconditions)};
  const __zerr_inv = ${fns(plan.invariants)};
  const __zerr_post = ${fns(plan.checks.map((c) => c.expression))};
  const __zerr_clone = (v) => Array.isArray(v) ? v.map(__zerr_clone)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, __zerr_clone(x)])) : v;
  const __zerr_text = (e) => { try { return String(e && typeof e === 'object' && 'message' in e ? e.message : e).slice(0, 300); } catch (_) { return '<unprintable>'; } };
  const __zerr_first = (list, args, result) => {
    for (let i = 0; i < list.length; i++) {
      try { if (!list[i](...args, result)) return { index: i }; } catch (e) { return { index: i, error: __zerr_text(e) }; }
    }
    return undefined;
  };
  let __zerr_f = __zerr_first(__zerr_pre, __zerr_args, undefined);
  if (__zerr_f) return { v: 'skip', by: 'precondition', index: __zerr_f.index };
  __zerr_f = __zerr_first(__zerr_inv, __zerr_args, undefined);
  if (__zerr_f) return { v: 'skip', by: 'invariant', index: __zerr_f.index };
  const __zerr_live = __zerr_clone(__zerr_args);
  const __zerr_threw = (e) => ({ v: 'threw', errorType: (e && typeof e.name === 'string' && e.name) || 'Error', message: __zerr_text(e) });
  const __zerr_after = (result) => {
    let f = __zerr_first(__zerr_inv, __zerr_live, result);
    if (f) return { v: 'violated', by: 'invariant', ...f };
    f = __zerr_first(__zerr_post, __zerr_args, result);
    if (f) return { v: 'violated', by: 'check', ...f };
    return { v: 'ok' };
  };
  let __zerr_result;
  try { __zerr_result = __zerr_fn(...__zerr_live); } catch (e) { return __zerr_threw(e); }
  if (__zerr_result !== null && typeof __zerr_result === 'object' && typeof __zerr_result.then === 'function') {
    return Promise.resolve(__zerr_result).then(__zerr_after, __zerr_threw);
  }
  return __zerr_after(__zerr_result);
}
`;
}
