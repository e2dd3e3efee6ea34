/**
 * @module verify/judge/python-judge-harness
 * Source of the Python judge (`judge.py`): a sandboxed process that has never run candidate code. Same request and
 * answer as the JavaScript judge (`node-judge-harness.ts`); expressions are compiled with `compile(..., 'eval')` and
 * evaluated in a scope holding the parameters, `result`, the builtins and the modules `math`, `re`, `itertools`,
 * `functools`, `collections`, `string`, `heapq`, `bisect` (spec expressions see nothing of the candidate). Values are
 * decoded to their exact Python types (tuples, sets, frozensets, dicts with any keys, bytes). Each call's
 * evaluation has a timer; past it the verdict is a spec error.
 */
import { PYTHON_CODEC_SOURCE } from '../../sandbox/harness/python-codec.js';

export const PYTHON_JUDGE_SOURCE = String.raw`import bisect, collections, functools, heapq, itertools, json, math, os, re, signal, string, sys

request = json.loads(sys.stdin.readline())
MODULES = {'math': math, 're': re, 'itertools': itertools, 'functools': functools, 'collections': collections,
           'string': string, 'heapq': heapq, 'bisect': bisect}


class _JudgeTimeout(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _JudgeTimeout()


signal.signal(signal.SIGALRM, _on_alarm)


${PYTHON_CODEC_SOURCE}


def text(e):
    try:
        return (type(e).__name__ + ': ' + str(e))[:300]
    except BaseException:
        return '<unprintable>'


groups = {}
spec_error = None
for by, key in (('precondition', 'pre'), ('invariant', 'inv'), ('check', 'chk')):
    groups[by] = []
    for i, source in enumerate(request[key]):
        try:
            groups[by].append(compile(source.strip(), '<' + by + '>', 'eval'))
        except SyntaxError as e:
            if spec_error is None:
                spec_error = {'v': 'spec-error', 'by': by, 'index': i, 'message': str(e)[:300]}
            groups[by].append(None)
names = request['parameters']


def first(by, values, result):
    for i, code in enumerate(groups[by]):
        scope = dict(MODULES)
        scope.update(zip(names, values))
        scope['result'] = result
        try:
            if not eval(code, scope):
                return {'index': i}
        except _JudgeTimeout:
            raise
        except Exception as e:
            return {'index': i, 'error': text(e)}
    return None


def judge(call, mode):
    args = _decode(call['args'])
    f = first('precondition', args, None)
    if f is not None:
        return dict(f, v='skip', by='precondition')
    f = first('invariant', args, None)
    if f is not None:
        return dict(f, v='skip', by='invariant')
    if mode == 'pre':
        return {'v': 'ok'}
    o = call.get('outcome')
    if type(o) is not dict:
        return {'v': 'error', 'message': 'no outcome'}
    if o.get('k') == 'timeout':
        return {'v': 'timeout'}
    if o.get('k') == 'error':
        return {'v': 'threw', 'errorType': str(o.get('errorType'))[:300], 'message': str(o.get('message'))[:300]}
    if o.get('k') != 'value':
        return {'v': 'error', 'message': 'malformed outcome'}
    result = _decode(o.get('v'))
    if groups['invariant']:
        after = _decode(o['a']) if type(o.get('a')) is list else args
        f = first('invariant', after, result)
        if f is not None:
            return dict(f, v='violated', by='invariant')
    f = first('check', _decode(call['args']), result)
    if f is not None:
        return dict(f, v='violated', by='check')
    return {'v': 'ok'}


timeout = max(0.001, float(request['timeoutMs']) / 1000.0)
verdicts = []
for call in request['calls']:
    if spec_error is not None:
        verdicts.append(spec_error)
        continue
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        verdicts.append(judge(call, request['mode']))
        signal.setitimer(signal.ITIMER_REAL, 0)
    except _JudgeTimeout:
        verdicts.append({'v': 'spec-error', 'by': 'check', 'index': 0,
                         'message': 'evaluating the spec expressions took longer than ' + str(request['timeoutMs']) + ' ms'})
sys.stdout.write(json.dumps({'verdicts': verdicts}, separators=(',', ':')) + '\n')
sys.stdout.flush()
os._exit(0)
`;
