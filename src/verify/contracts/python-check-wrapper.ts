/**
 * @module verify/contracts/python-check-wrapper
 * The Python check wrapper: a function appended to the candidate's source that evaluates a {@link CheckPlan} around
 * one call and returns a {@link CheckVerdict} dict. Expressions travel as string literals and are compiled inside
 * the sandbox (a `SyntaxError` is a `spec-error` verdict, not a load failure); they are evaluated with `eval` in a
 * copy of the module globals extended with the parameters and `result` (a plain globals dict, so comprehensions
 * see the parameters too).
 */
import type { CheckPlan } from './check-plan.js';

/** A Python string literal for `text` (JSON string syntax is valid Python; `JSON.stringify` never writes `\/`). */
function pyString(text: string): string {
  return JSON.stringify(text);
}

function pyList(items: readonly string[]): string {
  return `[${items.map(pyString).join(', ')}]`;
}

/**
 * Source of `def <name>(*args)` to append to the candidate. Inputs are copied with `copy.deepcopy` before the call;
 * the harness's per-call timeout (a `BaseException` named `_ZerrTimeout`) is re-raised, never reported as a throw.
 */
export function pythonCheckWrapper(plan: CheckPlan, name: string): string {
  return `

def ${name}(*__zerr_args):
    import copy as __zerr_copy
    __zerr_g = globals()
    __zerr_names = ${pyList(plan.parameters)}
    __zerr_groups = (('precondition', ${pyList(plan.preconditions)}), ('invariant', ${pyList(plan.invariants)}),
                     ('check', ${pyList(plan.checks.map((c) => c.expression))}))
    __zerr_code = {}
    for __zerr_by, __zerr_list in __zerr_groups:
        __zerr_code[__zerr_by] = []
        for __zerr_i, __zerr_e in enumerate(__zerr_list):
            try:
                __zerr_code[__zerr_by].append(compile(__zerr_e.strip(), '<' + __zerr_by + '>', 'eval'))
            except SyntaxError as __zerr_err:
                return {'v': 'spec-error', 'by': __zerr_by, 'index': __zerr_i, 'message': str(__zerr_err)[:300]}
    __zerr_fn = __zerr_g.get(${pyString(plan.entryPoint)})
    if not callable(__zerr_fn):
        return {'v': 'no-entry'}

    def __zerr_first(by, values, result):
        for i, code in enumerate(__zerr_code[by]):
            scope = dict(__zerr_g)
            scope.update(zip(__zerr_names, values))
            scope['result'] = result
            try:
                if not eval(code, scope):
                    return {'index': i}
            except Exception as e:
                return {'index': i, 'error': (type(e).__name__ + ': ' + str(e))[:300]}
        return None

    f = __zerr_first('precondition', __zerr_args, None)
    if f is not None:
        return {'v': 'skip', 'by': 'precondition', 'index': f['index']}
    f = __zerr_first('invariant', __zerr_args, None)
    if f is not None:
        return {'v': 'skip', 'by': 'invariant', 'index': f['index']}
    __zerr_live = __zerr_copy.deepcopy(list(__zerr_args))
    try:
        result = __zerr_fn(*__zerr_live)
    except BaseException as e:
        if type(e).__name__ == '_ZerrTimeout':
            raise
        return {'v': 'threw', 'errorType': type(e).__name__, 'message': str(e)[:300]}
    f = __zerr_first('invariant', __zerr_live, result)
    if f is not None:
        return dict(f, v='violated', by='invariant')
    f = __zerr_first('check', __zerr_args, result)
    if f is not None:
        return dict(f, v='violated', by='check')
    return {'v': 'ok'}
`;
}
