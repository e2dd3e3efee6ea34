/**
 * @module verify/judge/class-proxy
 * Hidden tests of a class spec (ClassEval's unittest suites) with the class in one sandboxed process and the tests in
 * another (decision 014). The tests construct the class, call its methods, read and set its fields and call its
 * static methods as if it were there; each of these is an operation the judge's proxy sends to the candidate's process,
 * where a driver of ours (appended to the candidate, like the sequence driver) performs it on the real object and
 * answers with plain data or a handle:
 *
 * - the test side ({@link pythonClassProxyPrelude}): for each class name, a proxy class whose metaclass forwards
 *   construction and class attributes, and whose instances hold a handle and forward attribute reads, assignments,
 *   method calls and the protocol operations (`len`, `in`, `[]`, `del`, iteration, comparisons, `hash`, `str`). A value that is plain data
 *   arrives as exact built-in types, decoded by the judge's own codec; anything else stays in the candidate's process
 *   and arrives as a handle (a proxy of its class when that class is proxied, a generic one otherwise).
 * - the candidate side ({@link pythonClassProxyDriver}): `__zerr_proxy__(op, target, name, args, kwargs)` with `op` one
 *   of `new`, `get`, `set`, `call`, `apply` (a protocol operation: `len`, `contains`, `getitem`, ...), `list`
 *   (iteration); a target `["g", name]` (a module-level name) or `["h", id]` (a handle). It answers
 *   `["v", value]`, `["m"]` (the attribute is callable: the test side calls it with `call`) or `["h", id, typeName]`
 *   (`list` answers `["l", [answer, ...]]`).
 *
 * What the candidate returns is only ever data to the tests: comparisons (`==`, `<`, ...) are asked of the candidate only
 * between two of its own objects, never against the test's plain values, so an object whose `__eq__` says yes to
 * anything is still unequal to the expected value; the assertions, `==` on plain values and unittest itself
 * run in the judge's process, which has never run candidate code. A forged answer is no more than another value. A built-in type (`int`, `str`, ...) or a proxied class passed as an argument is sent by name. What the
 * proxy cannot give: a test that mutates a returned list or dict in place (the copy changes, not the object), that
 * patches the class with `unittest.mock`, or that passes a function or an object of its own to the candidate. Such a test
 * fails; the benchmark counts how the proxy's scores agree with the dataset's recorded labels.
 */

import { PYTHON_PLAIN_CHECK } from '../class-sequences.js';

/** The driver's function name in the candidate's process. */
export const CLASS_PROXY_ENTRY = '__zerr_proxy__';

/** The candidate-side driver (Python), appended to the candidate's source. */
export function pythonClassProxyDriver(): string {
  return `

__zerr_proxy_handles__ = []


def ${CLASS_PROXY_ENTRY}(op, target, name, args, kwargs):
    import builtins as __zerr_b
    handles = __zerr_proxy_handles__
${PYTHON_PLAIN_CHECK}

    def resolve(value):
        kind = __zerr_b.type(value)
        if kind is __zerr_b.dict:
            if value.get('$zerr') == 'handle' and __zerr_b.type(value.get('v')) is __zerr_b.int:
                return handles[value['v']]
            if value.get('$zerr') == 'global' and __zerr_b.type(value.get('v')) is __zerr_b.str:
                return globals()[value['v']]
            if value.get('$zerr') == 'builtin' and __zerr_b.type(value.get('v')) is __zerr_b.str:
                return __zerr_b.getattr(__zerr_b, value['v'])
            return {resolve(k): resolve(v) for k, v in value.items()}
        if kind is __zerr_b.list:
            return [resolve(item) for item in value]
        if kind is __zerr_b.tuple:
            return __zerr_b.tuple(resolve(item) for item in value)
        return value

    def answer(value):
        if plain(value, 0):
            return ['v', value]
        handles.append(value)
        return ['h', __zerr_b.len(handles) - 1, __zerr_b.type(value).__name__]

    subject = globals()[target[1]] if target[0] == 'g' else handles[target[1]]
    if op == 'new':
        return answer(subject(*resolve(args), **resolve(kwargs)))
    if op == 'set':
        __zerr_b.setattr(subject, name, resolve(args[0]))
        return ['v', None]
    if op == 'apply':
        import operator as __zerr_o
        protocol = {'len': __zerr_b.len, 'contains': __zerr_o.contains, 'getitem': __zerr_o.getitem, 'setitem': __zerr_o.setitem,
                    'delitem': __zerr_o.delitem, 'bool': __zerr_b.bool, 'eq': __zerr_o.eq, 'ne': __zerr_o.ne, 'lt': __zerr_o.lt,
                    'le': __zerr_o.le, 'gt': __zerr_o.gt, 'ge': __zerr_o.ge, 'hash': __zerr_b.hash, 'str': __zerr_b.str, 'repr': __zerr_b.repr}
        return answer(protocol[name](subject, *resolve(args)))
    if op == 'list':
        return ['l', [answer(item) for item in subject]]
    if op == 'call':
        return answer(__zerr_b.getattr(subject, name)(*resolve(args), **resolve(kwargs)))
    value = __zerr_b.getattr(subject, name)
    if __zerr_b.callable(value) and not __zerr_b.isinstance(value, __zerr_b.type):
        return ['m']
    return answer(value)
`;
}

/**
 * The test-side prelude (Python) that stands in for `classNames` (identifiers), to run before the hidden tests in the
 * judge's process, where `__zerr_call(args)` sends `args` to the candidate's driver and returns its decoded answer.
 * @throws Error when a class name is not an identifier (callers pass names from the dataset's skeleton).
 */
export function pythonClassProxyPrelude(classNames: readonly string[]): string {
  for (const name of classNames) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`pythonClassProxyPrelude: not an identifier: ${JSON.stringify(name)}`);
  }
  return `
import builtins as __zerr_builtins__
__zerr_proxy_classes__ = {}


def __zerr_wrap__(value):
    if isinstance(value, __ZerrObject__):
        return {'$zerr': 'handle', 'v': object.__getattribute__(value, '_zerr_h')}
    if isinstance(value, __ZerrClassMeta__):
        return {'$zerr': 'global', 'v': type.__getattribute__(value, '_zerr_name')}
    if isinstance(value, type) and getattr(__zerr_builtins__, value.__name__, None) is value:
        return {'$zerr': 'builtin', 'v': value.__name__}
    if type(value) is list:
        return [__zerr_wrap__(item) for item in value]
    if type(value) is tuple:
        return tuple(__zerr_wrap__(item) for item in value)
    if type(value) is dict:
        return {key: __zerr_wrap__(item) for key, item in value.items()}
    return value


def __zerr_op__(op, target, name, args=(), kwargs=None):
    out = __zerr_call([op, target, name, [__zerr_wrap__(a) for a in args], {k: __zerr_wrap__(v) for k, v in (kwargs or {}).items()}])
    if type(out) is list and len(out) == 2 and out[0] == 'l' and type(out[1]) is list:
        return [__zerr_answer__(item, target, name) for item in out[1]]
    return __zerr_answer__(out, target, name)


def __zerr_answer__(out, target, name):
    if type(out) is not list or not out:
        raise RuntimeError('the class proxy got a malformed answer')
    if out[0] == 'v' and len(out) == 2:
        return out[1]
    if out[0] == 'm':
        return lambda *a, **kw: __zerr_op__('call', target, name, a, kw)
    if out[0] == 'h' and len(out) == 3 and type(out[1]) is int:
        kind = __zerr_proxy_classes__.get(out[2], __ZerrObject__)
        instance = object.__new__(kind)
        object.__setattr__(instance, '_zerr_h', out[1])
        return instance
    raise RuntimeError('the class proxy got a malformed answer')


class __ZerrObject__:
    def __getattr__(self, name):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        return __zerr_op__('get', ['h', object.__getattribute__(self, '_zerr_h')], name)

    def __setattr__(self, name, value):
        __zerr_op__('set', ['h', object.__getattribute__(self, '_zerr_h')], name, [value])

    def _zerr_apply(self, name, *args):
        return __zerr_op__('apply', ['h', object.__getattribute__(self, '_zerr_h')], name, args)

    def __len__(self):
        return self._zerr_apply('len')

    def __contains__(self, item):
        return self._zerr_apply('contains', item)

    def __getitem__(self, key):
        return self._zerr_apply('getitem', key)

    def __setitem__(self, key, value):
        return self._zerr_apply('setitem', key, value)

    def __delitem__(self, key):
        return self._zerr_apply('delitem', key)

    def __bool__(self):
        return self._zerr_apply('bool')

    def __iter__(self):
        return iter(__zerr_op__('list', ['h', object.__getattribute__(self, '_zerr_h')], ''))

    # Comparisons are asked of the candidate only between two of its objects: against plain data (the test's own
    # expected values) a handle is never equal, whatever the candidate's __eq__ would say.
    def __eq__(self, other):
        return self._zerr_apply('eq', other) if isinstance(other, __ZerrObject__) else NotImplemented

    def __ne__(self, other):
        return self._zerr_apply('ne', other) if isinstance(other, __ZerrObject__) else NotImplemented

    def __lt__(self, other):
        return self._zerr_apply('lt', other) if isinstance(other, __ZerrObject__) else NotImplemented

    def __le__(self, other):
        return self._zerr_apply('le', other) if isinstance(other, __ZerrObject__) else NotImplemented

    def __gt__(self, other):
        return self._zerr_apply('gt', other) if isinstance(other, __ZerrObject__) else NotImplemented

    def __ge__(self, other):
        return self._zerr_apply('ge', other) if isinstance(other, __ZerrObject__) else NotImplemented

    def __hash__(self):
        return self._zerr_apply('hash')

    def __str__(self):
        return self._zerr_apply('str')

    def __repr__(self):
        return self._zerr_apply('repr')


class __ZerrClassMeta__(type):
    def __getattr__(cls, name):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        return __zerr_op__('get', ['g', type.__getattribute__(cls, '_zerr_name')], name)

    def __call__(cls, *args, **kwargs):
        return __zerr_op__('new', ['g', type.__getattribute__(cls, '_zerr_name')], '', args, kwargs)

${classNames.map((name) => `
${name} = __ZerrClassMeta__('${name}', (__ZerrObject__,), {'_zerr_name': '${name}'})
__zerr_proxy_classes__['${name}'] = ${name}
`).join('')}
`;
}
