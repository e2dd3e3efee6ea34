/**
 * @module task-spec/task-spec
 * The formal specification of one atomic task (seed implementation guide §1.1): typed signature, contracts,
 * test cases, properties and limits. The zod schema is the single source of truth: the TypeScript type, the
 * exported JSON Schema and the loader's error messages all derive from it.
 */
import { z } from 'zod';

/** Target languages the engine can generate and verify. */
export const LanguageSchema = z.enum(['typescript', 'python']);
/** A target language: `typescript` or `python`. */
export type Language = z.infer<typeof LanguageSchema>;

/** The spec's name rule (names, entry points, methods, fields): a letter, `_` or `$`, then letters, digits, `_` or `$`. */
export const IdentifierSchema = z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'an identifier');

/**
 * One typed parameter. `type` is written in the target language's own syntax (`number[]`, `List[int]`,
 * `Record<string, number>`, `Optional[str]`), parsed by `parseTypeRef`.
 */
export const ParameterSchema = z
  .object({
    name: IdentifierSchema,
    type: z.string().min(1),
    description: z.string().optional(),
  })
  .strict();
export type Parameter = z.infer<typeof ParameterSchema>;

/** Parameters as both languages write them in a signature: `xs: number[], k: number` (`xs: List[int], k: int`). */
export function typedParameters(inputs: readonly Pick<Parameter, 'name' | 'type'>[]): string {
  return inputs.map((p) => `${p.name}: ${p.type}`).join(', ');
}

/**
 * How a returned value is compared with an expected one (docs/spec.md, "How results are compared"):
 * - `exact` (default): by the declared type - integers exactly, floats within the tolerance, lists in order;
 * - `unordered`: a list with the same elements as many times each, in any order (a multiset);
 * - `set`: a list with the same distinct elements; order and repeats ignored;
 * - `partial`: the expected value is a deep-partial pattern - an object needs only the expected keys (more are
 *   allowed), lists the same length, each element matched the same way.
 */
export const ComparatorSchema = z.enum(['exact', 'unordered', 'set', 'partial']);
export type Comparator = z.infer<typeof ComparatorSchema>;

/** Tolerance of float comparisons: `|a - b| <= max(absolute, relative * max(|a|, |b|))`. */
export const FloatToleranceSchema = z
  .object({ relative: z.number().min(0).max(1).default(1e-9), absolute: z.number().min(0).default(1e-12) })
  .strict();

/** The function's typed signature: entry point name, ordered inputs and the output type. */
export const SignatureSchema = z
  .object({
    /** Name of the function the candidate must define (HumanEval `entry_point`). */
    entryPoint: IdentifierSchema,
    inputs: z.array(ParameterSchema).default([]),
    output: z.object({
      type: z.string().min(1),
      description: z.string().optional(),
      /**
       * How every test's expected value is compared (a test's own `compare` wins). `unordered` and `set` also
       * group candidates into behaviour classes by the sorted (and, for `set`, de-duplicated) list, so that two
       * answers in different orders vote together. Default `exact`.
       */
      compare: ComparatorSchema.optional(),
    }).strict(),
  })
  .strict();
export type Signature = z.infer<typeof SignatureSchema>;

/** What a call must give, shared by test cases and sequence steps: the expected value or exception, and how to compare. */
function expectationShape() {
  return {
    expected: z.unknown().optional(),
    /** When true the call is expected to throw (any exception). Default false. */
    expectThrows: z.boolean().default(false),
    /**
     * The exception the call must throw (implies `expectThrows`): `type`, the exception's class name exactly as
     * the language names it (`ValueError`, `RangeError`); `message`, a regular expression in RE2 syntax (matched in
     * linear time; no lookaround or backreferences) the message must match somewhere. Either may be left out.
     */
    throws: z.object({ type: z.string().min(1).optional(), message: z.string().min(1).optional() }).strict().optional(),
    /** How `expected` is compared with the result; default the output's (method's) `compare`, else `exact`. */
    compare: ComparatorSchema.optional(),
    /** Float tolerance of this comparison; default the spec's `floatTolerance`. */
    tolerance: FloatToleranceSchema.optional(),
    description: z.string().optional(),
  };
}

/**
 * A visible test case: positional arguments and the expected return value, both as JSON values
 * (Python tuples become arrays; `null` stands for `None`/`null`). `expected` may be omitted to
 * only require that the call returns without throwing.
 */
export const TestCaseSchema = z
  .object({
    inputs: z.array(z.unknown()),
    ...expectationShape(),
  })
  .strict();
export type TestCase = z.infer<typeof TestCaseSchema>;

/**
 * A method of a class spec (`taskType: class`): its name, typed parameters (without `self`/`this`) and return type,
 * as a function's signature is written, and optionally its contract (design by contract, Meyer 1992):
 * `preconditions` over its parameters and the fields before the call, `postconditions` over its parameters, `result`,
 * the fields after the call by name and before it as `old_<field>` (`size == old_size + 1`). Checked after every call
 * of the visible and generated call sequences (`verify/contracts/class-contracts.ts`).
 */
export const MethodSchema = z
  .object({
    name: IdentifierSchema,
    inputs: z.array(ParameterSchema).default([]),
    output: z.object({
      type: z.string().min(1),
      description: z.string().optional(),
      /** How the steps that call this method compare their expected value (a step's own `compare` wins). Default `exact`. */
      compare: ComparatorSchema.optional(),
    }).strict(),
    description: z.string().optional(),
    /** Boolean expressions over the parameters and the fields before the call; a call where one is false is outside the contract. */
    preconditions: z.array(z.string().min(1)).default([]),
    /** Boolean expressions over the parameters, `result`, the fields after the call and `old_<field>` before it. */
    postconditions: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type Method = z.infer<typeof MethodSchema>;

/** A field of a class spec that steps may observe (read after a call): its name and declared type. */
export const FieldSchema = z
  .object({
    name: IdentifierSchema,
    type: z.string().min(1),
    description: z.string().optional(),
  })
  .strict();
export type Field = z.infer<typeof FieldSchema>;

/**
 * One step of a call sequence: a method call (`call` with `args`), a field read (`field`) or a field assignment
 * (`set` with `value`), with what a call or read must give -
 * an expected value (compared as a test's, by the method's output type or the field's type), or an expected
 * exception (`throws`, `expectThrows`). `expected` may be left out to require only that the call returns.
 */
export const SequenceStepSchema = z
  .object({
    /** Name of the method to call (one of `methods`). Exactly one of `call`, `field` and `set`. */
    call: IdentifierSchema.optional(),
    /** Name of the field to read (one of `fields`). Exactly one of `call`, `field` and `set`. */
    field: IdentifierSchema.optional(),
    /** Name of the field to assign `value` to (one of `fields`), as a test sets up state. Exactly one of `call`, `field` and `set`. */
    set: IdentifierSchema.optional(),
    /** The value a `set` step assigns, as JSON. */
    value: z.unknown().optional(),
    /** Positional arguments of the call, as JSON values. */
    args: z.array(z.unknown()).default([]),
    ...expectationShape(),
  })
  .strict();
export type SequenceStep = z.infer<typeof SequenceStepSchema>;

/**
 * A test of a class spec: construct an instance with `construct` (the constructor's arguments, `signature.inputs`),
 * then run `steps` on it in order, each checked as it ends. A step that throws does not end the sequence.
 */
export const CallSequenceSchema = z
  .object({
    construct: z.array(z.unknown()).default([]),
    steps: z.array(SequenceStepSchema).min(1),
    description: z.string().optional(),
  })
  .strict();
export type CallSequence = z.infer<typeof CallSequenceSchema>;

/** Whether the test expects the call to throw: `expectThrows`, or an expected exception (`throws`). */
export function expectsThrow(test: Pick<TestCase, 'expectThrows' | 'throws'> | Pick<SequenceStep, 'expectThrows' | 'throws'>): boolean {
  return test.expectThrows || test.throws !== undefined;
}

/**
 * A property that must hold for every generated input: a boolean expression in the target language over the
 * input names and `result`.
 */
export const PropertySchema = z
  .object({
    name: z.string().min(1),
    expression: z.string().min(1),
    description: z.string().optional(),
  })
  .strict();
export type Property = z.infer<typeof PropertySchema>;

/** Limits on the candidate and its run. Units are in the names. */
export const LimitsSchema = z
  .object({
    /** Maximum non-blank lines of the candidate. Default 80. */
    maxLines: z.number().int().positive().default(80),
    /** Maximum cyclomatic complexity of any function in the candidate. Default 15. */
    maxComplexity: z.number().int().positive().default(15),
    /** Wall-clock limit of one call of the entry point, in ms. Default 2000. */
    timeoutMs: z.number().int().positive().default(2000),
    /** Token cap for one sample; longer samples are red-flagged. Default 512. */
    maxOutputTokens: z.number().int().positive().default(512),
  })
  .strict();
export type Limits = z.infer<typeof LimitsSchema>;

/** Kinds of task. `function` is the atomic unit `solve` handles. */
export const TaskTypeSchema = z.enum(['function', 'module', 'class', 'test', 'refactor', 'documentation']);
export type TaskType = z.infer<typeof TaskTypeSchema>;

/**
 * A task specification (seed implementation guide §1.1).
 *
 * `stub` is the code prefix a completion-style model continues (a HumanEval prompt: imports, signature and
 * docstring). When absent it is rendered from the signature and description (see `renderStub`).
 */
export const TaskSpecSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'letters, digits and _ . : / -'),
    name: z.string().min(1),
    description: z.string().min(1),
    taskType: TaskTypeSchema.default('function'),
    language: LanguageSchema,
    signature: SignatureSchema,
    stub: z.string().optional(),
    /** Boolean expressions over the inputs that callers guarantee. */
    preconditions: z.array(z.string().min(1)).default([]),
    /** Boolean expressions over the inputs and `result` that must hold after every call. */
    postconditions: z.array(z.string().min(1)).default([]),
    /** Boolean expressions that must hold before and after every call. */
    invariants: z.array(z.string().min(1)).default([]),
    testCases: z.array(TestCaseSchema).default([]),
    properties: z.array(PropertySchema).default([]),
    /**
     * A class spec (`taskType: class`) names the class in `signature.entryPoint`, its constructor's parameters in
     * `signature.inputs` and the class again as `signature.output.type`; these are its methods (at least one) ...
     */
    methods: z.array(MethodSchema).default([]),
    /** ... the fields its tests may read ... */
    fields: z.array(FieldSchema).default([]),
    /** ... and its tests: call sequences (a class spec has no `testCases`). */
    sequences: z.array(CallSequenceSchema).default([]),
    limits: LimitsSchema.default(LimitsSchema.parse({})),
    /**
     * Tolerance of float comparisons (test expectations, advisory tests): `|a - b| <= max(absolute, relative *
     * max(|a|, |b|))`. Integers always compare exactly. Default relative 1e-9, absolute 1e-12.
     */
    floatTolerance: FloatToleranceSchema.optional(),
    /** Higher runs first among ready tasks. Default 0. */
    priority: z.number().int().default(0),
    /** Ids of tasks whose verified code this one may use. */
    dependencies: z.array(z.string()).default([]),
    /**
     * Verified code of the task's dependencies that the candidate may call (seed guide: execute with retrieved
     * context). Shown in the prompt, prepended to the candidate before verification and voting; the candidate must
     * not redefine it. Never counted against `limits.maxLines`. Usually filled in by `zerr build`, not by hand.
     */
    contextCode: z.string().optional(),
    /** Free-form provenance (dataset, problem id, licence). Never shown to the model. */
    metadata: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** A validated task specification (output of {@link TaskSpecSchema}, defaults applied). */
export type TaskSpec = z.infer<typeof TaskSpecSchema>;
/** A task specification as written by a user (defaults not yet applied). */
export type TaskSpecInput = z.input<typeof TaskSpecSchema>;

/**
 * The exact text prepended to every candidate of `spec`: `contextCode`, followed by a newline when it does not end
 * in one; the empty string when the spec has no (or an empty) `contextCode`. Shared by candidate assembly and the
 * line count of the static-analysis layer, so both cut the candidate at the same place.
 */
export function contextPrefix(spec: Pick<TaskSpec, 'contextCode'>): string {
  const context = spec.contextCode ?? '';
  if (context === '') return '';
  return context.endsWith('\n') ? context : `${context}\n`;
}

/**
 * Tests kept apart from the spec for scoring only (HumanEval `check`, MultiPL-E `tests`). The engine never sees
 * them while choosing a candidate.
 */
export interface HiddenTests {
  readonly language: Language;
  /** A test program in the target language, appended after the candidate's code. */
  readonly program: string;
  /** Code appended after `program` to run it, e.g. `check(has_close_elements)` for HumanEval. */
  readonly runner: string;
}

/** An imported benchmark problem: the spec the engine sees, and the hidden tests it never sees. */
export interface BenchmarkProblem {
  readonly spec: TaskSpec;
  readonly hidden: HiddenTests;
}
