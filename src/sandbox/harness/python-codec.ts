/**
 * @module sandbox/harness/python-codec
 * Python source of the tagged value codec (`value-encoding.ts`), shared by the candidate harness and the judges:
 * `_decode(data)` turns wire data into exact Python values (tuple, set, frozenset, dict with any keys, bytes, big
 * ints, floats with an integral value (tagged `float`, so 3.0 stays a float through any JSON reader), nan/inf/-0.0); `_encode(value, 0, set())` accepts only plain data of exact built-in types (never a subclass,
 * so no user `__eq__` survives), at most 256 levels deep, without cycles, and raises otherwise. Defines `_type`.
 */
export const PYTHON_CODEC_SOURCE = String.raw`import base64 as _base64
import math as _math

_type = type
_MAX_DEPTH = 256


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
            if tag == 'float': return float(v)
            if tag == 'tuple': return tuple(_decode(x) for x in v)
            if tag == 'set': return set(_decode(x) for x in v)
            if tag == 'frozenset': return frozenset(_decode(x) for x in v)
            if tag in ('dict', 'map'): return {_decode(p[0]): _decode(p[1]) for p in v}
            if tag == 'bytes': return _base64.b64decode(v)
            if tag == 'object': return {k: _decode(x) for k, x in v.items()}
        return {k: _decode(x) for k, x in d.items()}
    return d


def _sorted(items):
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _encode(v, depth, ancestors):
    if depth > _MAX_DEPTH:
        raise ValueError('the result is nested deeper than ' + str(_MAX_DEPTH) + ' levels')
    t = _type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return v if -(2 ** 53) < v < 2 ** 53 else {'$zerr': 'bigint', 'v': int.__repr__(v)}
    if t is float:
        if _math.isnan(v): return {'$zerr': 'nan'}
        if v in (float('inf'), float('-inf')): return {'$zerr': 'inf' if v > 0 else '-inf'}
        if v == 0.0 and _math.copysign(1.0, v) < 0: return {'$zerr': '-0'}
        return {'$zerr': 'float', 'v': v} if v.is_integer() else v
    if t is bytes:
        return {'$zerr': 'bytes', 'v': _base64.b64encode(v).decode('ascii')}
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
`;

/**
 * Python source of the line protocol's I/O, shared by the candidate harness and the hidden-test judge: the protocol
 * moves to private copies of stdin/stdout, fd 0 becomes /dev/null and fd 1 stderr (so `print` cannot corrupt it);
 * `_read_line()` returns the next line or None at EOF, `_write_line(text)` writes one line. Needs `import os`.
 */
export const PYTHON_PROTOCOL_SOURCE = String.raw`_proto_in = os.dup(0)
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
`;
