/**
 * @module sandbox/harness/python-harness
 * Source of the Python harness that runs a candidate inside the sandbox (as `harness.py`, system python3 -I -B).
 * Same protocol as the node harness: nonce on stdin, JSON input file in argv[1], one `<nonce>{...}` line out;
 * with `repeat` each call runs that many times and its outcome carries `timesMs` (`time.perf_counter()` around
 * each call, ms), stopping at the first raise or timeout.
 *
 * Nonce isolation (hostile corpus p14): the candidate runs in a forked child that never holds the nonce. The harness
 * sets itself non-dumpable (`prctl(PR_SET_DUMPABLE, 0)`, so no ptrace and no /proc/<pid>/{mem,fd} for the child),
 * forks before reading stdin; the child swaps fd 0 for /dev/null, sets PR_SET_PDEATHSIG, waits for a go byte sent
 * once the parent has consumed the nonce line, runs the candidate and sends one JSON document through a pipe; the
 * parent validates it and prints the nonce-marked line. No document (os._exit, crash, rlimit kill), a malformed
 * one, or a child past a backstop deadline (the per-call budget plus 10 s, beyond the runner's wall clock) means no
 * result line, which the runner reports as a crash.
 * Remaining limit: candidate and child share one process, so frame introspection can still rewrite the child's
 * document (outcomes and `timesMs`) or write its own to the pipe. A forged outcome is no more than the candidate
 * could return itself; a forged timing is not, so the performance layer still treats Python timings as the
 * candidate's claim and cross-checks them against the sandbox's host-measured wall time.
 *
 * The candidate is `exec`uted in a fresh namespace dict; each call gets a per-call timer (`signal.setitimer`,
 * raising a `BaseException` subclass so `except Exception` in the candidate cannot swallow it). Results: tuples
 * become lists, sets sorted lists, dict keys strings (as `json` does), float nan/inf/-0.0 and integers outside
 * +-2^53 are tagged.
 */
export const PYTHON_HARNESS_SOURCE = String.raw`import json, math, os, select, signal, sys, time

MAX_MESSAGE = 500
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4


class _ZerrTimeout(BaseException):
    pass


def _run(data):
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
        return {'kind': 'load-error', 'errorType': 'Timeout', 'message': 'loading the candidate took too long'}
    except BaseException as e:
        disarm()
        return {'kind': 'load-error', 'errorType': type(e).__name__, 'message': text(e)}
    fn = namespace.get(data['entryPoint'])
    if not callable(fn):
        return {'kind': 'load-error', 'errorType': 'EntryPointNotFound',
              'message': "entry point '" + data['entryPoint'] + "' is not defined as a function"}
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
    return {'kind': 'ran', 'outcomes': outcomes}


def _prctl(option, value):
    try:
        import ctypes
        ctypes.CDLL(None).prctl(option, value, 0, 0, 0)
    except BaseException:
        pass


def _write_all(fd, out):
    while out:
        out = out[os.write(fd, out):]


def _child(data, parent, go_r, res_w):
    # No nonce here: stdin is swapped for /dev/null before the parent reads it, and no candidate code runs until
    # the parent has consumed the nonce line (go byte).
    try:
        nul = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nul, 0)
        os.close(nul)
        _prctl(PR_SET_DUMPABLE, 1)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
        if os.read(go_r, 1) != b'g':
            os._exit(1)
        os.close(go_r)
        doc = json.dumps(_run(data), allow_nan=False, separators=(',', ':')) + '\n'
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        _write_all(res_w, doc.encode('utf-8'))
    except BaseException:
        os._exit(1)
    os._exit(0)


def _valid(doc, count):
    if not isinstance(doc, dict):
        return False
    if doc.get('kind') == 'load-error':
        return isinstance(doc.get('errorType'), str) and isinstance(doc.get('message'), str)
    outcomes = doc.get('outcomes')
    return (doc.get('kind') == 'ran' and isinstance(outcomes, list) and len(outcomes) == count
            and all(isinstance(o, dict) and o.get('kind') in ('value', 'error', 'timeout') for o in outcomes))


def _crash(pid, why):
    # No result line: the runner reports a crash, with this on stderr.
    try:
        os.kill(pid, signal.SIGKILL)
    except BaseException:
        pass
    status = None
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:
        pass
    if status is not None and os.WIFSIGNALED(status):
        why += ' (candidate process killed by signal ' + str(os.WTERMSIG(status)) + ')'
        code = 128 + os.WTERMSIG(status)
    elif status is not None and os.WIFEXITED(status):
        why += ' (candidate process exit code ' + str(os.WEXITSTATUS(status)) + ')'
        code = os.WEXITSTATUS(status)
    else:
        code = 1
    try:
        os.write(2, ('\nzerr harness: ' + why + '\n').encode('utf-8'))
    except BaseException:
        pass
    os._exit(code)


def _main():
    # The candidate runs in a forked child that never holds the nonce: the parent forks before reading stdin and is
    # non-dumpable, so the child can neither read the nonce from its own memory nor from /proc/<ppid>/{mem,fd/0}
    # or by ptrace. The child sends its outcomes as one JSON document through a pipe; only the parent prints the
    # nonce-marked line.
    with open(sys.argv[1] if len(sys.argv) > 1 else 'input.json', encoding='utf-8') as f:
        data = json.load(f)
    count = len(data['calls'])
    repeat = data.get('repeat')
    runs = count * (1 if repeat is None else max(1, int(repeat))) + 1
    # Backstop only, past the runner's whole-run wall clock (which applies the same budget plus start-up).
    deadline_s = runs * (max(0.001, float(data['perCallTimeoutMs']) / 1000.0) + 0.05) + 10.0
    _prctl(PR_SET_DUMPABLE, 0)
    parent = os.getpid()
    go_r, go_w = os.pipe()
    res_r, res_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_w)
        os.close(res_r)
        _child(data, parent, go_r, res_w)
    os.close(go_r)
    os.close(res_w)
    del data
    nonce = sys.stdin.readline().strip()
    if not nonce:
        _crash(pid, 'no nonce on stdin')
    try:
        os.write(go_w, b'g')
    except BaseException:
        pass
    end = time.monotonic() + deadline_s
    chunks = []
    while True:
        left = end - time.monotonic()
        if left <= 0:
            _crash(pid, 'the candidate process went past the harness deadline')
        ready, _, _ = select.select([res_r], [], [], left)
        if not ready:
            continue
        chunk = os.read(res_r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
        if b'\n' in chunk:
            break
    raw = b''.join(chunks)
    if b'\n' not in raw:
        _crash(pid, 'the candidate process ended without a result')
    try:
        doc = json.loads(raw.split(b'\n', 1)[0].decode('utf-8'), parse_constant=lambda c: 1 / 0)
        ok = _valid(doc, count)
        line = json.dumps(doc, allow_nan=False, separators=(',', ':'))
    except BaseException:
        ok = False
    if not ok:
        _crash(pid, 'the candidate process sent a malformed result')
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except BaseException:
        pass
    _write_all(1, ('\n' + nonce + line + '\n').encode('utf-8'))
    os._exit(0)


_main()
`;
