/**
 * @module sandbox/harness/python-harness
 * Source of the Python harness that runs a candidate inside the sandbox (as `harness.py`, system python3 -I -B).
 * Same protocol as the node harness: nonce on stdin, JSON input file in argv[1], one `<nonce>{...}` line out;
 * with `repeat` each call runs that many times and its outcome carries `timesMs` (`time.perf_counter()` around
 * each call, ms), stopping at the first raise or timeout.
 *
 * Known limit (hostile corpus): Python offers frame introspection (`sys._getframe(1).f_locals`, `gc`), so a
 * candidate can read the nonce and forge the result line, outcomes and timings. A forged outcome is no more than
 * the candidate could return itself; a forged timing is not, so the performance layer treats Python timings as
 * the candidate's claim and cross-checks them against the sandbox's host-measured wall time.
 *
 * The candidate is `exec`uted in a fresh namespace dict; each call gets a per-call timer (`signal.setitimer`,
 * raising a `BaseException` subclass so `except Exception` in the candidate cannot swallow it). Results: tuples
 * become lists, sets sorted lists, dict keys strings (as `json` does), float nan/inf/-0.0 and integers outside
 * +-2^53 are tagged.
 */
export const PYTHON_HARNESS_SOURCE = String.raw`import json, math, os, signal, sys, time

MAX_MESSAGE = 500


class _ZerrTimeout(BaseException):
    pass


def _main():
    nonce = sys.stdin.readline().strip()
    with open(sys.argv[1] if len(sys.argv) > 1 else 'input.json', encoding='utf-8') as f:
        data = json.load(f)
    per_call = max(0.001, float(data['perCallTimeoutMs']) / 1000.0)
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

    def emit(obj):
        try:
            sys.stdout.flush()
        except BaseException:
            pass
        out = ('\n' + nonce + json.dumps(obj, allow_nan=False, separators=(',', ':')) + '\n').encode('utf-8')
        while out:
            out = out[os.write(1, out):]
        os._exit(0)

    def text(value):
        try:
            return str(value)[:MAX_MESSAGE]
        except BaseException:
            return '<unprintable>'

    def decode(d):
        if isinstance(d, list):
            return [decode(x) for x in d]
        if isinstance(d, dict):
            tag = d.get('$zerr')
            if isinstance(tag, str) and len(d) <= 2:
                if tag == 'nan': return float('nan')
                if tag == 'inf': return float('inf')
                if tag == '-inf': return float('-inf')
                if tag == '-0': return -0.0
                if tag == 'undefined': return None
                if tag == 'bigint': return int(d['v'])
            return {k: decode(v) for k, v in d.items()}
        return d

    def encode(v, depth=0):
        if depth > 500:
            raise ValueError('result nested too deeply')
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int):
            return int(v) if -(2 ** 53) < v < 2 ** 53 else {'$zerr': 'bigint', 'v': str(int(v))}
        if isinstance(v, float):
            if math.isnan(v): return {'$zerr': 'nan'}
            if math.isinf(v): return {'$zerr': 'inf' if v > 0 else '-inf'}
            if v == 0.0 and math.copysign(1.0, v) < 0: return {'$zerr': '-0'}
            return v
        if isinstance(v, (list, tuple)):
            return [encode(x, depth + 1) for x in v]
        if isinstance(v, (set, frozenset)):
            try:
                items = sorted(v)
            except TypeError:
                items = sorted(v, key=repr)
            return [encode(x, depth + 1) for x in items]
        if isinstance(v, dict):
            return {(k if isinstance(k, str) else json.dumps(encode(k, depth + 1), separators=(',', ':'))): encode(x, depth + 1) for k, x in v.items()}
        raise TypeError('cannot serialize a result of type ' + type(v).__name__)

    namespace = {'__name__': '__zerr_candidate__', '__builtins__': __builtins__}
    try:
        arm()
        exec(compile(data['code'], 'candidate.py', 'exec'), namespace)
        disarm()
    except _ZerrTimeout:
        disarm()
        emit({'kind': 'load-error', 'errorType': 'Timeout', 'message': 'loading the candidate took too long'})
    except BaseException as e:
        disarm()
        emit({'kind': 'load-error', 'errorType': type(e).__name__, 'message': text(e)})
    fn = namespace.get(data['entryPoint'])
    if not callable(fn):
        emit({'kind': 'load-error', 'errorType': 'EntryPointNotFound',
              'message': "entry point '" + data['entryPoint'] + "' is not defined as a function"})
    repeat = data.get('repeat')
    repeat = None if repeat is None else max(1, int(repeat))

    def call_once(call):
        started = time.perf_counter()
        try:
            args = decode(call)
            arm()
            started = time.perf_counter()
            result = fn(*args)
            disarm()
        except _ZerrTimeout:
            disarm()
            return {'kind': 'timeout'}, None, (time.perf_counter() - started) * 1000.0
        except BaseException as e:
            disarm()
            return {'kind': 'error', 'errorType': type(e).__name__, 'message': text(e)}, None, (time.perf_counter() - started) * 1000.0
        return None, result, (time.perf_counter() - started) * 1000.0

    outcomes = []
    for call in data['calls']:
        times = []
        first = None
        for _ in range(repeat or 1):
            failure, result, ms = call_once(call)
            times.append(ms)
            if first is None:
                first = (failure, result)
            if failure is not None:
                break
        failure, result = first
        if failure is None:
            try:
                failure = {'kind': 'value', 'value': encode(result)}
            except BaseException as e:
                failure = {'kind': 'error', 'errorType': 'UnserializableResult', 'message': text(e)}
        if repeat is not None:
            failure['timesMs'] = times
        outcomes.append(failure)
    emit({'kind': 'ran', 'outcomes': outcomes})


_main()
`;
