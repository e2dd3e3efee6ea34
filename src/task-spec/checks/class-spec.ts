/**
 * @module task-spec/checks/class-spec
 * The checks of a class spec (`taskType: class`, docs/spec.md "Classes"): the class name in `signature.entryPoint`
 * and again as `signature.output.type`; at least one method, methods and fields with valid, unique names and valid
 * types; tests as call sequences only (no `testCases`), each step a call of a declared method with its arity and
 * argument types, or a read of a declared field, and an expected value of the method's (field's) type. A class states
 * its contract as invariants over its fields and per method pre- and postconditions (`methodContractSpecs`); the
 * function-level preconditions, postconditions and properties are not evaluated on classes, so a class spec that
 * states them is refused rather than checked less than it says. A module spec (`taskType: module`) is checked the same way, with its exported functions as methods,
 * its exported constants as fields, no constructor inputs and no `set` steps. A function spec may not have methods,
 * fields or sequences.
 */
import { closeName } from '../closest-names.js';
import type { SpecIssue } from '../spec-validation-error.js';
import type { Language, SequenceStep, TaskSpec } from '../task-spec.js';
import { parseTypeRef } from '../type-ref.js';
import type { TypeRef } from '../type-ref-model.js';
import { identifierProblem } from './identifiers.js';
import { specIssue } from './issue.js';
import { checkCallTests, describeType, valueMismatch, type Callable } from './test-cases.js';
import { typeProblem } from './type-names.js';

/** Names a class spec's methods may not take: the constructor is `signature.inputs`. */
const CONSTRUCTOR_NAMES: Readonly<Record<Language, string>> = { python: '__init__', typescript: 'constructor' };

/** Names of the receiver, which a method's inputs leave out. */
const RECEIVER_NAMES: Readonly<Record<Language, string>> = { python: 'self', typescript: 'this' };

/**
 * The state of a class spec as a function spec, for its invariants: one parameter per declared field (its name and
 * type), the class's invariants, nothing else. A class's invariants are expressions over its fields by name
 * (`0 <= size <= capacity`), checked after construction and after every step of every call sequence; the expression
 * checks (names, types, compilation) and the judge read them as a function spec's invariants over these parameters.
 * Its entry point (`__zerr_state`) names no callable: only expressions are ever evaluated on it.
 */
export function stateSpec(spec: TaskSpec): TaskSpec {
  return {
    ...spec,
    taskType: 'function',
    signature: {
      entryPoint: '__zerr_state',
      inputs: spec.fields.map((field) => ({ name: field.name, type: field.type })),
      output: { type: spec.language === 'python' ? 'None' : 'void' },
    },
    testCases: [], sequences: [], methods: [], fields: [],
    preconditions: [], postconditions: [], properties: [],
  };
}

/** How a method's postconditions name a field's value before the call: `old_size`. */
export const OLD_FIELD_PREFIX = 'old_';

/**
 * A method's contract as two function specs whose expressions the checks and the judge read as a function's
 * (design by contract, Meyer 1992): `pre`, whose inputs are the method's parameters then the fields (their values
 * before the call), with the method's preconditions; `post`, whose inputs are the parameters, the fields after the
 * call, then each field before it as `old_<field>`, whose output is the method's, with its postconditions (`result`
 * is the returned value). `fields` defaults to the spec's declared fields (the verifier passes only the fields some
 * expression names). Their entry points name no callable.
 */
export function methodContractSpecs(spec: TaskSpec, method: TaskSpec['methods'][number], fields: TaskSpec['fields'] = spec.fields): { pre: TaskSpec; post: TaskSpec } {
  const asInputs = (list: TaskSpec['fields'], prefix = ''): TaskSpec['signature']['inputs'] => list.map((field) => ({ name: `${prefix}${field.name}`, type: field.type }));
  const base: TaskSpec = { ...stateSpec(spec), invariants: [] };
  return {
    pre: { ...base, signature: { entryPoint: `__zerr_pre_${method.name}`, inputs: [...method.inputs, ...asInputs(fields)], output: base.signature.output }, preconditions: [...method.preconditions] },
    post: {
      ...base,
      signature: { entryPoint: `__zerr_post_${method.name}`, inputs: [...method.inputs, ...asInputs(fields), ...asInputs(fields, OLD_FIELD_PREFIX)], output: { type: method.output.type } },
      postconditions: [...method.postconditions],
    },
  };
}

/**
 * Every spec whose expressions the expression checks read, with the path prefix of its expressions in the original
 * spec: a function spec itself; for a class, {@link stateSpec} (its invariants) and each method's
 * {@link methodContractSpecs} that has conditions (`methods.2.`).
 */
export function expressionSpecs(spec: TaskSpec): { readonly spec: TaskSpec; readonly prefix: string }[] {
  if (!isClassSpec(spec)) return [{ spec, prefix: '' }];
  return [
    { spec: stateSpec(spec), prefix: '' },
    ...spec.methods.flatMap((method, index) => {
      const { pre, post } = methodContractSpecs(spec, method);
      return [
        ...(method.preconditions.length > 0 ? [{ spec: pre, prefix: `methods.${index}.` }] : []),
        ...(method.postconditions.length > 0 ? [{ spec: post, prefix: `methods.${index}.` }] : []),
      ];
    }),
  ];
}

/** `issue` of a derived spec's expression at its place in the original spec (`postconditions.0` -> `methods.2.postconditions.0`). */
export function rebaseIssue(issue: SpecIssue, source: string, prefix: string): SpecIssue {
  if (prefix === '') return issue;
  const path = `${prefix}${issue.path}`;
  const head = `${source}: ${issue.path}:`;
  return { ...issue, path, message: issue.message.startsWith(head) ? `${source}: ${path}:${issue.message.slice(head.length)}` : issue.message };
}

/** Whether `spec` is a class spec. */
export function isClassSpec(spec: Pick<TaskSpec, 'taskType'>): boolean {
  return spec.taskType === 'class';
}

/**
 * Whether `spec` is tested by call sequences over members: a class spec, or a module spec (`taskType: module`: its
 * exported functions in `methods`, its exported constants in `fields`, no constructor).
 */
export function hasMembers(spec: Pick<TaskSpec, 'taskType'>): boolean {
  return spec.taskType === 'class' || spec.taskType === 'module';
}

function parsedType(language: Language, text: string): TypeRef | null {
  return typeProblem(language, text) === undefined ? parseTypeRef(language, text) : null;
}

/** Whether the type `text` is the class `className` itself (Python may quote it: `'Stack'`). */
export function isClassName(text: string, className: string): boolean {
  const trimmed = text.trim();
  return trimmed === className || trimmed === `'${className}'` || trimmed === `"${className}"`;
}

/** What a step naming an undeclared method or field expected: `one of the declared fields (a, b) (did you mean "a"?)`. */
function declaredOne(kind: 'methods' | 'fields', name: string, known: readonly string[]): string {
  const close = closeName(name, known);
  return `one of the declared ${kind} (${known.join(', ') || 'none'})${close === undefined ? '' : ` (did you mean "${close}"?)`}`;
}

/** Issues of a function spec that carries class parts. */
function checkFunctionSpec(spec: TaskSpec, source: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const key of ['methods', 'fields', 'sequences'] as const) {
    if (spec[key].length > 0) {
      issues.push(specIssue(source, key, spec[key], `no ${key} in a ${spec.taskType} spec (methods, fields and sequences describe a class or a module: taskType: class or module)`, `${spec[key].length} ${key}`));
    }
  }
  return issues;
}

/** Issues of the method and field declarations; returns the methods and fields that can be checked against. */
function checkDeclarations(spec: TaskSpec, source: string, issues: SpecIssue[]): { methods: Map<string, Callable>; fields: Map<string, TypeRef | null> } {
  const { language } = spec;
  const methods = new Map<string, Callable>();
  const fields = new Map<string, TypeRef | null>();
  const className = spec.signature.entryPoint;
  const typeChecked = (path: string, text: string): TypeRef | null => {
    // The class itself (a method returning the instance, taking another one): any value, compared structurally.
    if (isClassName(text, className)) return { kind: 'any' };
    const problem = typeProblem(language, text);
    if (problem !== undefined) issues.push(specIssue(source, path, text, problem));
    return problem === undefined ? parseTypeRef(language, text) : null;
  };
  if (spec.methods.length === 0) {
    issues.push(specIssue(source, 'methods', [], spec.taskType === 'module'
      ? 'at least one method (a module spec lists its exported functions as methods)'
      : 'at least one method (a class spec describes a class by its methods)'));
  }
  for (const [index, method] of spec.methods.entries()) {
    const path = `methods.${index}`;
    const problem = identifierProblem(language, method.name, 'function');
    if (problem !== undefined) issues.push(specIssue(source, `${path}.name`, method.name, problem));
    else if (method.name === CONSTRUCTOR_NAMES[language]) {
      issues.push(specIssue(source, `${path}.name`, method.name, `a method other than the constructor (its parameters are signature.inputs)`));
    } else if (methods.has(method.name)) {
      issues.push(specIssue(source, `${path}.name`, method.name, `a name not already used by another method (methods.${spec.methods.findIndex((m) => m.name === method.name)}.name)`));
    }
    const seen = new Set<string>();
    for (const [position, parameter] of method.inputs.entries()) {
      const parameterProblem = identifierProblem(language, parameter.name, 'member');
      const at = `${path}.inputs.${position}.name`;
      if (parameterProblem !== undefined) issues.push(specIssue(source, at, parameter.name, parameterProblem));
      else if (parameter.name === RECEIVER_NAMES[language]) {
        issues.push(specIssue(source, at, parameter.name, `a parameter other than ${RECEIVER_NAMES[language]} (inputs leave the receiver out)`));
      } else if (seen.has(parameter.name)) issues.push(specIssue(source, at, parameter.name, 'a name not already used by another input of the method'));
      seen.add(parameter.name);
    }
    const inputs = method.inputs.map((parameter, position) => typeChecked(`${path}.inputs.${position}.type`, parameter.type));
    const output = typeChecked(`${path}.output.type`, method.output.type);
    if (!methods.has(method.name)) methods.set(method.name, { what: `method ${method.name}`, inputs: method.inputs, output: method.output, types: { inputs, output } });
  }
  for (const [index, field] of spec.fields.entries()) {
    const path = `fields.${index}`;
    const problem = identifierProblem(language, field.name, 'member');
    if (problem !== undefined) issues.push(specIssue(source, `${path}.name`, field.name, problem));
    else if (fields.has(field.name) || methods.has(field.name)) {
      issues.push(specIssue(source, `${path}.name`, field.name, `a name not already used by another field or a method`));
    }
    const type = typeChecked(`${path}.type`, field.type);
    if (!fields.has(field.name)) fields.set(field.name, type);
  }
  return { methods, fields };
}

/** Names a method's contract could not tell apart: a parameter named like a field, `old_<field>` or `result`. */
function contractNameIssues(spec: TaskSpec, index: number, source: string): SpecIssue[] {
  const method = spec.methods[index];
  if (method === undefined) return [];
  const taken = new Map<string, string>([['result', 'the returned value'], ...spec.fields.flatMap((field): [string, string][] => [
    [field.name, `the field ${field.name}`], [`${OLD_FIELD_PREFIX}${field.name}`, `the field ${field.name} before the call`],
  ])]);
  const issues: SpecIssue[] = [];
  for (const [position, parameter] of method.inputs.entries()) {
    const clash = taken.get(parameter.name);
    if (clash !== undefined) issues.push(specIssue(source, `methods.${index}.inputs.${position}.name`, parameter.name, `a parameter name other than ${JSON.stringify(parameter.name)}, which the method's contract uses for ${clash}`));
  }
  return issues;
}

/** Issues of a `set` step: a declared field, a value of its type, and nothing a call would have. */
function checkSetStep(step: SequenceStep, at: string, source: string, fields: ReadonlyMap<string, TypeRef | null>, fieldNames: readonly string[]): SpecIssue[] {
  const name = step.set ?? '';
  if (!fields.has(name)) return [specIssue(source, `${at}.set`, name, declaredOne('fields', name, fieldNames))];
  const issues: SpecIssue[] = [];
  if (step.value === undefined) issues.push(specIssue(source, `${at}.value`, null, 'the value to assign'));
  const type = fields.get(name);
  const mismatch = step.value === undefined || type === null || type === undefined ? undefined : valueMismatch(step.value, type);
  if (mismatch !== undefined) issues.push(specIssue(source, `${at}.value`, step.value, `${describeType(type as TypeRef)} for the field ${name} (${mismatch})`));
  for (const key of ['expected', 'throws'] as const) {
    if (step[key] !== undefined) issues.push(specIssue(source, `${at}.${key}`, step[key], `no ${key} in a set step (it only assigns)`));
  }
  if (step.expectThrows) issues.push(specIssue(source, `${at}.expectThrows`, true, 'no expectThrows in a set step (it only assigns)'));
  if (step.args.length > 0) issues.push(specIssue(source, `${at}.args`, step.args, 'no arguments in a set step'));
  return issues;
}

/**
 * Issues of the class parts of `spec` (see the module note); for a function spec, issues of class parts it should
 * not have. Names and types of the signature itself are checked by `check-spec.ts`.
 */
export function checkClassSpec(spec: TaskSpec, source: string): SpecIssue[] {
  if (!hasMembers(spec)) return checkFunctionSpec(spec, source);
  const issues: SpecIssue[] = [];
  const { language, signature } = spec;
  const module = spec.taskType === 'module';
  const kind = module ? 'module' : 'class';
  if (signature.output.type.trim() !== signature.entryPoint) {
    issues.push(specIssue(source, 'signature.output.type', signature.output.type, module
      ? `the module name ${signature.entryPoint} (a module spec names itself in signature.entryPoint and signature.output.type)`
      : `the class name ${signature.entryPoint} (a class spec's entry point is its constructor, which returns an instance)`));
  }
  if (module && signature.inputs.length > 0) {
    issues.push(specIssue(source, 'signature.inputs', signature.inputs, 'no inputs in a module spec (a module has no constructor: its functions are methods, its constants fields)', `${signature.inputs.length} inputs`));
  }
  if (spec.testCases.length > 0) {
    issues.push(specIssue(source, 'testCases', spec.testCases, `no test cases in a ${kind} spec (its tests are call sequences: sequences)`, `${spec.testCases.length} test cases`));
  }
  // A class's invariants are expressions over its fields, checked after construction and every step (see
  // stateSpec); a module has no state to keep invariant.
  for (const key of module ? (['preconditions', 'postconditions', 'invariants', 'properties'] as const) : (['preconditions', 'postconditions', 'properties'] as const)) {
    if (spec[key].length > 0) {
      issues.push(specIssue(source, key, spec[key], `no ${key} in a ${kind} spec: they are not evaluated on ${kind === 'class' ? 'classes (a class states invariants over its fields, and each method its own preconditions and postconditions)' : 'modules'} yet, and a spec is never checked less than it says`));
    }
  }
  for (const [index, method] of spec.methods.entries()) {
    for (const key of ['preconditions', 'postconditions'] as const) {
      if (method[key].length === 0) continue;
      if (module) issues.push(specIssue(source, `methods.${index}.${key}`, method[key], `no ${key} on a module's functions: they are not evaluated on modules yet, and a spec is never checked less than it says`));
    }
    if (!module && method.preconditions.length + method.postconditions.length > 0) issues.push(...contractNameIssues(spec, index, source));
  }
  if (!module && spec.invariants.length > 0 && spec.fields.length === 0) {
    issues.push(specIssue(source, 'invariants', spec.invariants, 'fields for the invariants to speak of (a class\'s invariants are expressions over its declared fields)', 'no fields'));
  }
  const { methods, fields } = checkDeclarations(spec, source, issues);
  const constructor: Callable = {
    what: module ? `the module ${signature.entryPoint} (it takes no construct arguments)` : 'the constructor', inputs: module ? [] : signature.inputs, output: { type: signature.entryPoint },
    types: { inputs: (module ? [] : signature.inputs).map((parameter) => parsedType(language, parameter.type)), output: null },
  };
  const methodNames = [...methods.keys()];
  const fieldNames = [...fields.keys()];
  for (const [index, sequence] of spec.sequences.entries()) {
    const path = `sequences.${index}`;
    issues.push(...checkCallTests(language, source, constructor, [{ path, argsKey: 'construct', args: sequence.construct, test: { expectThrows: false } }]));
    for (const [position, step] of sequence.steps.entries()) {
      const at = `${path}.steps.${position}`;
      if ([step.call, step.field, step.set].filter((name) => name !== undefined).length !== 1) {
        issues.push(specIssue(source, at, step, 'exactly one of call (a method to call), field (a field to read) and set (a field to assign)'));
        continue;
      }
      if (step.set !== undefined) {
        if (module) issues.push(specIssue(source, `${at}.set`, step.set, 'no set step in a module spec (its fields are exported constants: read them with field)'));
        else issues.push(...checkSetStep(step, at, source, fields, fieldNames));
        continue;
      }
      if (step.call !== undefined) {
        const method = methods.get(step.call);
        if (method === undefined) {
          issues.push(specIssue(source, `${at}.call`, step.call, declaredOne('methods', step.call, methodNames)));
          continue;
        }
        issues.push(...checkCallTests(language, source, method, [{ path: at, argsKey: 'args', args: step.args, test: step }]));
        continue;
      }
      const field = step.field ?? '';
      if (!fields.has(field)) {
        issues.push(specIssue(source, `${at}.field`, field, declaredOne('fields', field, fieldNames)));
        continue;
      }
      if (step.args.length > 0) issues.push(specIssue(source, `${at}.args`, step.args, 'no arguments for a field read'));
      const declared = spec.fields.find((each) => each.name === field);
      const callable: Callable = { what: `field ${field}`, inputs: [], output: { type: declared?.type ?? 'any' }, types: { inputs: [], output: fields.get(field) ?? null } };
      issues.push(...checkCallTests(language, source, callable, [{ path: at, argsKey: 'args', args: [], test: step }]));
    }
  }
  return issues;
}
