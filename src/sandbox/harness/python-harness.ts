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
 * tagged as in `value-encoding.ts` (the codec is `python-codec.ts`, shared with the judges) (tuples, sets, frozensets, dicts with non-string keys and bytes keep their type),
 * nesting at most 256 levels, cycles refused. The protocol runs on private copies of stdin/stdout; the candidate's
 * own `print` goes to stderr and its stdin is /dev/null.
 *
 * Each call gets a per-call timer (`signal.setitimer`, raising a `BaseException` subclass so `except Exception` in the
 * candidate cannot swallow it) covering the call and the serialization of its result. A call that returns a
 * coroutine (an `async def` entry point) is run to completion with `asyncio.run` within the same timer.
 */
import { PYTHON_CODEC_SOURCE, PYTHON_PROTOCOL_SOURCE } from './python-codec.js';

export const PYTHON_HARNESS_SOURCE = String.raw`import json, os, signal, sys, types as _types

MAX_MESSAGE = 500


class _ZerrTimeout(BaseException):
    pass


${PYTHON_PROTOCOL_SOURCE}


def _text(value):
    try:
        return str(value)[:MAX_MESSAGE]
    except BaseException:
        return '<unprintable>'


${PYTHON_CODEC_SOURCE}

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
                if _type(result) is _types.CoroutineType:
                    import asyncio
                    result = asyncio.run(result)
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
