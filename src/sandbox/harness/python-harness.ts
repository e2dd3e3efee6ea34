/**
 * @module sandbox/harness/python-harness
 * Source of the Python harness that runs a candidate inside the sandbox (as `harness.py`, system python3 -I -B),
 * interactively, with the same line protocol as the node harness (`node-harness.ts`): a setup line, `ready` or
 * `load-error`, then one outcome line per `{"args": [...]}` line. It only computes results; it never decides a verdict.
 *
 * The candidate shares this process and can rewrite anything in it, including the outcome it sends: that is no more
 * than returning those values, because every verdict is decided elsewhere (the engine and the judge process, which
 * never run candidate code) and every call is timed by the host. What this harness does guarantee is the shape of
 * what it sends: only plain data of exact built-in types (`type(v) is int`, never a subclass with its own `__eq__`),
 * tagged as in `value-encoding.ts` (tuples, sets, frozensets, dicts with non-string keys and bytes keep their type),
 * nesting at most 256 levels, cycles refused. The protocol runs on private copies of stdin/stdout; the candidate's
 * own `print` goes to stderr and its stdin is /dev/null.
 *
 * Each call gets a per-call timer (`signal.setitimer`, raising a `BaseException` subclass so `except Exception` in the
 * candidate cannot swallow it) covering the call and the serialization of its result.
 */
export const PYTHON_HARNESS_SOURCE = String.raw`import base64, json, math, os, signal, sys

MAX_MESSAGE = 500
MAX_DEPTH = 256
_type = type
_isnan = math.isnan
_copysign = math.copysign


class _ZerrTimeout(BaseException):
    pass


_proto_in = os.dup(0)
_proto_out = os.dup(1)
_nul = os.open(os.devnull, os.O_RDONLY)
os.dup2(_nul, 0)
os.close(_nul)
os.dup2(2, 1)
_pending = [b'']


def _read_line():
    while b'\n' not in _pending[0]:
        chunk = os.read(_proto_in, 65536)
        if not chunk:
            return None
        _pending[0] += chunk
    line, _pending[0] = _pending[0].split(b'\n', 1)
    return line.decode('utf-8')


def _write_line(text):
    out = (text + '\n').encode('utf-8')
    while out:
        out = out[os.write(_proto_out, out):]


def _text(value):
    try:
        return str(value)[:MAX_MESSAGE]
    except BaseException:
        return '<unprintable>'


def _decode(d):
    if _type(d) is list:
        return [_decode(x) for x in d]
    if _type(d) is dict:
        tag = d.get('$zerr')
        if _type(tag) is str and len(d) <= 2:
            v = d.get('v')
            if tag == 'nan': return float('nan')
            if tag == 'inf': return float('inf')
            if tag == '-inf': return float('-inf')
            if tag == '-0': return -0.0
            if tag == 'undefined': return None
            if tag == 'bigint': return int(v)
            if tag == 'tuple': return tuple(_decode(x) for x in v)
            if tag == 'set': return set(_decode(x) for x in v)
            if tag == 'frozenset': return frozenset(_decode(x) for x in v)
            if tag in ('dict', 'map'): return {_decode(p[0]): _decode(p[1]) for p in v}
            if tag == 'bytes': return base64.b64decode(v)
            if tag == 'object': return {k: _decode(x) for k, x in v.items()}
        return {k: _decode(x) for k, x in d.items()}
    return d


def _sorted(items):
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _encode(v, depth, ancestors):
    if depth > MAX_DEPTH:
        raise ValueError('the result is nested deeper than ' + str(MAX_DEPTH) + ' levels')
    t = _type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return v if -(2 ** 53) < v < 2 ** 53 else {'$zerr': 'bigint', 'v': int.__repr__(v)}
    if t is float:
        if _isnan(v): return {'$zerr': 'nan'}
        if v in (float('inf'), float('-inf')): return {'$zerr': 'inf' if v > 0 else '-inf'}
        if v == 0.0 and _copysign(1.0, v) < 0: return {'$zerr': '-0'}
        return v
    if t is bytes:
        return {'$zerr': 'bytes', 'v': base64.b64encode(v).decode('ascii')}
    if t not in (list, tuple, set, frozenset, dict):
        raise TypeError('cannot return a value of type ' + t.__name__ + ': only plain data (None, bool, int, float, str, bytes, list, tuple, dict, set, frozenset) is accepted')
    if id(v) in ancestors:
        raise ValueError('the result is cyclic')
    ancestors.add(id(v))
    try:
        if t is list:
            return [_encode(x, depth + 1, ancestors) for x in list.__iter__(v)]
        if t is tuple:
            return {'$zerr': 'tuple', 'v': [_encode(x, depth + 1, ancestors) for x in tuple.__iter__(v)]}
        if t is set or t is frozenset:
            items = [_encode(x, depth + 1, ancestors) for x in _sorted(list(t.__iter__(v)))]
            return {'$zerr': 'set' if t is set else 'frozenset', 'v': items}
        pairs = list(dict.items(v))
        if all(_type(k) is str for k, _ in pairs):
            out = {k: _encode(x, depth + 1, ancestors) for k, x in pairs}
            return {'$zerr': 'object', 'v': out} if '$zerr' in out else out
        return {'$zerr': 'dict', 'v': [[_encode(k, depth + 2, ancestors), _encode(x, depth + 2, ancestors)] for k, x in pairs]}
    finally:
        ancestors.discard(id(v))


def _main():
    first = _read_line()
    if first is None:
        os._exit(0)
    setup = json.loads(first)
    per_call = max(0.001, float(setup['perCallTimeoutMs']) / 1000.0)
    return_arguments = setup.get('returnArguments') is True
    armed = [False]

    def on_alarm(signum, frame):
        if armed[0]:
            armed[0] = False
            raise _ZerrTimeout()

    signal.signal(signal.SIGALRM, on_alarm)

    def arm():
        armed[0] = True
        signal.setitimer(signal.ITIMER_REAL, per_call)

    def disarm():
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    namespace = {'__name__': '__zerr_candidate__', '__builtins__': __builtins__}
    try:
        arm()
        exec(compile(setup['code'], 'candidate.py', 'exec'), namespace)
        disarm()
    except _ZerrTimeout:
        disarm()
        _write_line(json.dumps({'k': 'load-error', 'errorType': 'Timeout', 'message': 'loading the candidate took longer than ' + str(setup['perCallTimeoutMs']) + ' ms'}))
        os._exit(0)
    except BaseException as e:
        disarm()
        _write_line(json.dumps({'k': 'load-error', 'errorType': _type(e).__name__, 'message': _text(e)}))
        os._exit(0)
    fn = namespace.get(setup['entryPoint'])
    if not callable(fn):
        _write_line(json.dumps({'k': 'load-error', 'errorType': 'EntryPointNotFound',
                                'message': "entry point '" + setup['entryPoint'] + "' is not defined as a function"}))
        os._exit(0)
    _write_line('{"k":"ready"}')
    while True:
        line = _read_line()
        if line is None:
            os._exit(0)
        if line == '':
            continue
        request = json.loads(line)
        args = _decode(request['args'])
        out = {'k': 'timeout'}
        try:
            arm()
            try:
                result = fn(*args)
            except _ZerrTimeout:
                raise
            except BaseException as e:
                out = {'k': 'error', 'errorType': _type(e).__name__, 'message': _text(e)}
            else:
                try:
                    out = {'k': 'value', 'v': _encode(result, 0, set())}
                    if return_arguments:
                        out['a'] = _encode(args, 0, set())
                except _ZerrTimeout:
                    raise
                except BaseException as e:
                    out = {'k': 'error', 'errorType': 'UnserializableResult', 'message': _text(e)}
            disarm()
        except _ZerrTimeout:
            disarm()
            out = {'k': 'timeout'}
        out['i'] = int(request['i'])
        try:
            text = json.dumps(out, allow_nan=False, separators=(',', ':'))
        except BaseException as e:
            text = json.dumps({'i': int(request['i']), 'k': 'error', 'errorType': 'UnserializableResult', 'message': _text(e)})
        _write_line(text)
        del out


_main()
`;
