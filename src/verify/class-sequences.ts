/**
 * @module verify/class-sequences
 * How a class spec's call sequences (`sequences`, docs/spec.md "Classes") run in the sandbox: the engine appends a
 * driver function of its own (text it writes, in the candidate's language) to the candidate, and the candidate runner
 * calls that driver once per sequence with `[construct, steps]`. The driver constructs the class, runs each step (a
 * method call, a field read or a field assignment), and returns one entry per step: `["v", value]`, `["e", errorType, message]` for a
 * step that threw (the sequence goes on), `["s"]` for a step that returned the instance itself, `["o", typeName]` for
 * a value that is not plain data; or `[["c", errorType, message]]` when the constructor threw.
 *
 * An async method's result is awaited before it is judged: in TypeScript the driver is an `async` function that
 * awaits a returned promise (the harness awaits the driver's own); in Python a returned coroutine runs to completion
 * on one event loop per sequence.
 *
 * The driver runs in the candidate's process, like the harness: it only computes what the steps give. The candidate
 * can rewrite it as it can rewrite the harness, which is no more than returning other values; every verdict is made
 * here, from that plain data (trust model, decision 005). A per-sequence time limit covers all its steps.
 */
import type { CallOutcome, CandidateRunner, CandidateRunResult } from '../sandbox/index.js';
import type { CallSequence, Language, SequenceStep, TaskSpec } from '../task-spec/task-spec.js';
import { ANY, parseTypeRef, type TypeRef } from '../task-spec/type-ref.js';

/** The driver's function name (not a name a candidate would use). */
export const SEQUENCE_ENTRY = '__zerr_sequence__';

/** Longest a sequence may run: its steps and its construction each get `limits.timeoutMs`, up to this, in ms. */
export const MAX_SEQUENCE_MS = 60_000;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The driver's source for `className` in `language` (see the module note). `className` must be an identifier. */
export function sequenceDriver(language: Language, className: string): string {
  if (!IDENTIFIER.test(className)) throw new Error(`sequenceDriver: not an identifier: ${JSON.stringify(className)}`);
  return language === 'python' ? pythonDriver(className) : typeScriptDriver(className);
}

/**
 * The driver of a module spec (`taskType: module`): no instance, the steps call the module's functions and read its
 * constants by name (`members`, identifiers: the spec's methods and fields). Its answer has the class driver's shape,
 * with `construct` always empty.
 */
export function moduleSequenceDriver(language: Language, members: readonly string[]): string {
  for (const name of members) if (!IDENTIFIER.test(name)) throw new Error(`moduleSequenceDriver: not an identifier: ${JSON.stringify(name)}`);
  if (language === 'python') {
    return pythonDriver(null).replace(PYTHON_INSTANCE_MARK, '    scope = globals()\n    instance = None')
      .replace(PYTHON_CALL_MARK, 'scope[step[1]](*step[2])').replace(PYTHON_READ_MARK, 'scope[step[1]]');
  }
  const scope = members.map((name) => `${name}: typeof ${name} === 'undefined' ? undefined : ${name}`).join(', ');
  return typeScriptDriver(null).replace(TS_INSTANCE_MARK, `  const scope = { ${scope} };\n  const instance = undefined;`)
    .replace(TS_CALL_MARK, 'scope[step[1]](...step[2])').replace(TS_READ_MARK, 'scope[step[1]]');
}

/** The driver of `spec`: {@link moduleSequenceDriver} for a module spec, {@link sequenceDriver} for a class spec. */
export function sequenceDriverFor(spec: Pick<TaskSpec, 'taskType' | 'language' | 'signature' | 'methods' | 'fields'>): string {
  return spec.taskType === 'module'
    ? moduleSequenceDriver(spec.language, [...spec.methods.map((m) => m.name), ...spec.fields.map((f) => f.name)])
    : sequenceDriver(spec.language, spec.signature.entryPoint);
}

/**
 * The Python drivers' test of plain data (`plain(value, depth)`: exact built-in types, nested at most 64 deep), inside
 * a driver function where `__zerr_b` is the `builtins` module. Shared by the sequence drivers and the class proxy's.
 */
export const PYTHON_PLAIN_CHECK = `    plain_types = (__zerr_b.int, __zerr_b.float, __zerr_b.str, __zerr_b.bool, __zerr_b.bytes, __zerr_b.type(None))

    def plain(value, depth):
        kind = __zerr_b.type(value)
        if kind in plain_types:
            return True
        if depth > 64:
            return False
        if kind in (__zerr_b.list, __zerr_b.tuple, __zerr_b.set, __zerr_b.frozenset):
            return __zerr_b.all(plain(item, depth + 1) for item in value)
        if kind is __zerr_b.dict:
            return __zerr_b.all(plain(k, depth + 1) and plain(v, depth + 1) for k, v in value.items())
        return False`;

const PYTHON_INSTANCE_MARK = '#zerr:instance';
const PYTHON_CALL_MARK = '#zerr:call';
const PYTHON_READ_MARK = '#zerr:read';
const TS_INSTANCE_MARK = '/*zerr:instance*/';
const TS_CALL_MARK = '/*zerr:call*/';
const TS_READ_MARK = '/*zerr:read*/';

function pythonDriver(className: string | null): string {
  return `

def ${SEQUENCE_ENTRY}(construct, steps):
    import builtins as __zerr_b
${PYTHON_PLAIN_CHECK}

    def failure(tag, error):
        if __zerr_b.type(error).__name__ == '_ZerrTimeout':
            raise error
        try:
            message = __zerr_b.str(error)[:500]
        except BaseException:
            message = '<unprintable>'
        return [tag, __zerr_b.type(error).__name__, message]

${className === null ? PYTHON_INSTANCE_MARK : `    try:
        instance = ${className}(*construct)
    except BaseException as error:
        return [failure('c', error)]`}
    out = []
    # One event loop per sequence for async methods, made at the first coroutine: their awaits share it.
    loop = [None]
    for step in steps:
        try:
            if step[0] == 'call':
                value = ${className === null ? PYTHON_CALL_MARK : '__zerr_b.getattr(instance, step[1])(*step[2])'}
                if __zerr_b.type(value).__name__ == 'coroutine':
                    if loop[0] is None:
                        import asyncio as __zerr_asyncio
                        loop[0] = __zerr_asyncio.new_event_loop()
                    value = loop[0].run_until_complete(value)
            elif step[0] == 'set':
                __zerr_b.setattr(instance, step[1], step[2])
                value = None
            else:
                value = ${className === null ? PYTHON_READ_MARK : '__zerr_b.getattr(instance, step[1])'}
        except BaseException as error:
            out.append(failure('e', error))
            continue
        if instance is not None and value is instance:
            out.append(['s'])
        elif plain(value, 0):
            out.append(['v', value])
        else:
            out.append(['o', __zerr_b.type(value).__name__])
    if loop[0] is not None:
        loop[0].close()
    return out
`;
}

function typeScriptDriver(className: string | null): string {
  return `
;async function ${SEQUENCE_ENTRY}(construct, steps) {
  const plain = (value, depth) => {
    if (value === null || ['number', 'string', 'boolean', 'bigint', 'undefined'].includes(typeof value)) return true;
    if (typeof value !== 'object' || depth > 64) return false;
    if (Array.isArray(value)) return value.every((item) => plain(item, depth + 1));
    if (value instanceof Map) return [...value].every(([k, v]) => plain(k, depth + 1) && plain(v, depth + 1));
    if (value instanceof Set) return [...value].every((item) => plain(item, depth + 1));
    const proto = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && Object.values(value).every((item) => plain(item, depth + 1));
  };
  const failure = (tag, error) => {
    let name = typeof error;
    let message = '';
    try { if (error !== null && typeof error === 'object' && typeof error.name === 'string') name = error.name; } catch (e) { /* keep */ }
    try { message = String(error !== null && typeof error === 'object' && 'message' in error ? error.message : error).slice(0, 500); } catch (e) { message = '<unprintable>'; }
    return [tag, name, message];
  };
${className === null ? TS_INSTANCE_MARK : `  let instance;
  try { instance = new ${className}(...construct); } catch (error) { return [failure('c', error)]; }`}
  const out = [];
  for (const step of steps) {
    let value;
    try {
      if (step[0] === 'call') value = ${className === null ? TS_CALL_MARK : 'instance[step[1]](...step[2])'};
      else if (step[0] === 'set') { instance[step[1]] = step[2]; value = null; }
      else value = ${className === null ? TS_READ_MARK : 'instance[step[1]]'};
      // An async method's promise is awaited (its rejection is the step's error).
      if (step[0] === 'call' && value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function' && value !== instance) value = await value;
    } catch (error) { out.push(failure('e', error)); continue; }
    if (instance !== undefined && value === instance) out.push(['s']);
    else if (plain(value, 0)) out.push(['v', value]);
    else out.push(['o', value === null || value === undefined ? String(value) : (value.constructor && value.constructor.name) || typeof value]);
  }
  return out;
}
`;
}

/**
 * Runs `sequences` on `code` (a class or module candidate) in one sandboxed process: the driver of `spec` appended,
 * one driver call per sequence with the arguments encoded by their declared types, each under
 * {@link sequenceTimeoutMs} of the longest. The outcomes are read with {@link readSequenceOutcome}.
 * @param options.language the candidate's language; default the spec's.
 * @throws SandboxUnavailableError from the runner; the signal's reason.
 */
export function runSequences(options: {
  readonly runner: CandidateRunner;
  readonly spec: TaskSpec;
  readonly code: string;
  readonly sequences: readonly CallSequence[];
  readonly language?: Language;
  readonly signal?: AbortSignal | undefined;
}): Promise<CandidateRunResult> {
  const { spec, sequences } = options;
  return options.runner.run({
    language: options.language ?? spec.language,
    code: `${options.code}\n${sequenceDriverFor(spec)}`,
    entryPoint: SEQUENCE_ENTRY,
    calls: sequences.map(sequenceCall),
    callArgumentTypes: sequences.map((sequence) => sequenceArgumentTypes(spec, sequence)),
    perCallTimeoutMs: sequenceTimeoutMs({ limits: spec.limits, sequences: [...sequences] }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

/** What one step gave. */
export type StepOutcome =
  | { readonly kind: 'value'; readonly value: unknown }
  /** The step returned the instance itself (a fluent method). */
  | { readonly kind: 'self' }
  /** The step returned something that is not plain data (an instance of `typeName`). */
  | { readonly kind: 'object'; readonly typeName: string }
  | { readonly kind: 'error'; readonly errorType: string; readonly message: string };

/** What one sequence gave: its steps' outcomes, or why none ran (the constructor threw, the run timed out, ...). */
export type SequenceOutcome =
  | { readonly kind: 'steps'; readonly steps: readonly StepOutcome[] }
  | { readonly kind: 'constructor-error'; readonly errorType: string; readonly message: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'malformed'; readonly message: string };

/** The driver's arguments for `sequence`: `[construct, steps]`, each step `["call", name, args]`, `["field", name]` or `["set", name, value]`. */
export function sequenceCall(sequence: CallSequence): unknown[] {
  return [sequence.construct, sequence.steps.map((step) => (step.call !== undefined ? ['call', step.call, step.args]
    : step.set !== undefined ? ['set', step.set, step.value ?? null] : ['field', step.field ?? '']))];
}

/**
 * The declared types of {@link sequenceCall}'s arguments for `sequence`, position by position: the constructor's
 * parameters, each called method's parameters, each set field's type (the step's name and tag are strings). The
 * driver's arguments then reach the candidate's constructor and methods as their declared types
 * (`sandbox/typed-encoding.ts`), as a function's do. Types the spec does not declare are left as written.
 */
export function sequenceArgumentTypes(spec: Pick<TaskSpec, 'language' | 'signature' | 'methods' | 'fields'>, sequence: CallSequence): TypeRef[] {
  const type = (text: string | undefined): TypeRef => (text === undefined ? ANY : parseTypeRef(spec.language, text));
  const tuple = (elements: readonly TypeRef[]): TypeRef => ({ kind: 'tuple', elements });
  const name: TypeRef = { kind: 'string' };
  const steps = sequence.steps.map((step): TypeRef => {
    if (step.call !== undefined) {
      const method = spec.methods.find((m) => m.name === step.call);
      return tuple([name, name, tuple(step.args.map((_, i) => type(method?.inputs[i]?.type)))]);
    }
    if (step.set !== undefined) return tuple([name, name, type(spec.fields.find((f) => f.name === step.set)?.type)]);
    return tuple([name, name]);
  });
  return [tuple(sequence.construct.map((_, i) => type(spec.signature.inputs[i]?.type))), tuple(steps)];
}

/** Per-sequence time limit of `spec`, in ms: `limits.timeoutMs` for the construction and for each step, at most {@link MAX_SEQUENCE_MS}. */
export function sequenceTimeoutMs(spec: Pick<TaskSpec, 'limits' | 'sequences'>): number {
  const longest = Math.max(1, ...spec.sequences.map((sequence) => sequence.steps.length));
  return Math.min(MAX_SEQUENCE_MS, spec.limits.timeoutMs * (longest + 1));
}

const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 500) : '');

/**
 * Reads the driver's answer for a sequence of `stepCount` steps (see the module note). Anything else - a driver the
 * candidate replaced, a missing step - is `malformed`, never a pass.
 */
export function readSequenceOutcome(outcome: CallOutcome, stepCount: number): SequenceOutcome {
  if (outcome.kind === 'timeout') return { kind: 'timeout' };
  if (outcome.kind === 'error') return { kind: 'malformed', message: `the sequence driver threw ${outcome.errorType}: ${outcome.message}` };
  const list = outcome.value;
  if (!Array.isArray(list)) return { kind: 'malformed', message: 'the sequence driver did not return a list' };
  const first: unknown = list[0];
  if (list.length === 1 && Array.isArray(first) && first[0] === 'c') return { kind: 'constructor-error', errorType: text(first[1]), message: text(first[2]) };
  if (list.length !== stepCount) return { kind: 'malformed', message: `the sequence driver returned ${list.length} outcomes for ${stepCount} steps` };
  const steps: StepOutcome[] = [];
  for (const entry of list as unknown[]) {
    if (!Array.isArray(entry)) return { kind: 'malformed', message: 'the sequence driver returned a step outcome that is not a list' };
    const [tag, a, b] = entry as unknown[];
    if (tag === 'v' && entry.length === 2) steps.push({ kind: 'value', value: a });
    else if (tag === 's' && entry.length === 1) steps.push({ kind: 'self' });
    else if (tag === 'o' && entry.length === 2) steps.push({ kind: 'object', typeName: text(a) });
    else if (tag === 'e' && entry.length === 3) steps.push({ kind: 'error', errorType: text(a), message: text(b) });
    else return { kind: 'malformed', message: 'the sequence driver returned a step outcome it does not write' };
  }
  return { kind: 'steps', steps };
}

/** How a step is shown in reasons: `deposit(50)`, `.balance` or `.balance = 10`. */
export function renderStep(step: SequenceStep, renderCall: (name: string, args: readonly unknown[]) => string, renderValue: (value: unknown) => string): string {
  if (step.call !== undefined) return renderCall(step.call, step.args);
  return step.set !== undefined ? `.${step.set} = ${renderValue(step.value)}` : `.${step.field ?? ''}`;
}
