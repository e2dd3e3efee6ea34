/**
 * @module orchestrate/compose-class
 * A class composed method by method (issue 14 #3, the MAKER way: each method a step, voted on its own; Meyerson et al.
 * 2025, arXiv 2511.09030, §3 - maximal decomposition, then a vote per step). Whole samples of a class often fail on
 * different methods, so the best method of each can come from a different sample.
 *
 * 1. Every sample is split into its class's members in the sandbox (Python's `ast`, run as candidate code: the sample
 *    is only data to it): each method's line range, the module's import statements.
 * 2. A base is chosen by the caller (the whole-class vote's winner, or the sample passing most visible sequences).
 * 3. For each method of the spec in turn, every sample's version of it is put into the base in place of the base's own
 *    (with the imports and the private helpers it uses that the base lacks), beside the methods chosen so far. Each
 *    variant runs the visible and the generated call sequences (`signature-sequences.ts`): versions passing fewer
 *    visible sequences than the best are discarded (never repaired); the others vote by behaviour, one vote per sample,
 *    and the class with the most votes wins (ties go to the base's own method, then to the earlier sample).
 * 4. The winners are composed into the base. The caller verifies the composed class through every layer, like any
 *    candidate, before it is kept.
 */
import type { CandidateRunner } from '../sandbox/index.js';
import type { CallSequence, TaskSpec } from '../task-spec/task-spec.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { judgeSequence } from '../verify/layers/unit-tests.js';
import { semanticSignature } from '../vote/semantic-signature.js';
import { runSequencesForSignature } from './signature-sequences.js';

/** How a class candidate behaves: its equivalence class key and how many visible sequences it passes (-1: it did not run). */
export interface ClassBehaviour {
  /** `semanticSignature` key of its outcomes on the sequences, or `run-<reason>` when the run failed. */
  readonly classKey: string;
  readonly visiblePassed: number;
}

/**
 * Runs `code` on `sequences` (visible first, as `signatureSequences` gives them) and reads its behaviour: the
 * equivalence class of its outcomes and the visible sequences whose every step meets its expectation (`judgeSequence`).
 */
export async function classBehaviour(options: {
  readonly runner: CandidateRunner;
  readonly spec: TaskSpec;
  readonly code: string;
  readonly sequences: readonly CallSequence[];
  readonly signal?: AbortSignal;
}): Promise<ClassBehaviour> {
  const { spec } = options;
  const run = await runSequencesForSignature(options);
  if (run.kind !== 'ran') return { classKey: `run-${run.reason}`, visiblePassed: -1 };
  const visiblePassed = spec.sequences.filter((_, index) => judgeSequence(spec, index, run.raw[index] ?? { kind: 'timeout' }).passed).length;
  return { classKey: semanticSignature(run.outcomes).classKey, visiblePassed };
}

/** One member of a class: a method's name and 1-based inclusive line range (decorators included), its indentation. */
export interface ClassMember {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly indent: number;
}

/** Where a sample's class and its members are. */
export interface ClassLayout {
  /** Top-level `import`/`from ... import` statements of the module, as written. */
  readonly imports: readonly string[];
  readonly members: readonly ClassMember[];
  /** Last line of the class (1-based). */
  readonly classEnd: number;
  /** Indentation of the class body. */
  readonly bodyIndent: number;
}

const SPLIT_ENTRY = '__zerr_split_class__';

const PYTHON_SPLITTER = `
def ${SPLIT_ENTRY}(source, class_name):
    import ast
    try:
        tree = ast.parse(source)
    except BaseException:
        return None
    imports = []
    found = None
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            segment = ast.get_source_segment(source, node)
            if segment is not None:
                imports.append(segment)
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            found = node
    if found is None or not found.body:
        return None
    members = []
    for node in found.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            members.append([node.name, start, node.end_lineno, node.col_offset])
    return {'imports': imports, 'members': members, 'classEnd': found.end_lineno, 'bodyIndent': found.body[0].col_offset}
`;

/** Reads the splitter's answer strictly (it ran beside nothing but data, yet its answer is checked like any other). */
function readLayout(value: unknown): ClassLayout | null {
  if (value === null || typeof value !== 'object') return null;
  const { imports, members, classEnd, bodyIndent } = value as Record<string, unknown>;
  const int = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (!Array.isArray(imports) || !imports.every((line) => typeof line === 'string') || !Array.isArray(members) || !int(classEnd) || !int(bodyIndent)) return null;
  const read: ClassMember[] = [];
  for (const member of members as unknown[]) {
    if (!Array.isArray(member)) return null;
    const [name, start, end, indent] = member as unknown[];
    if (typeof name !== 'string' || !int(start) || !int(end) || !int(indent) || end < start) return null;
    read.push({ name, start, end, indent });
  }
  return { imports: imports as string[], members: read, classEnd, bodyIndent };
}

/**
 * The layout of `className` in each of `sources` (Python), null where a source does not parse or lacks the class.
 * Parsed in the sandbox, one run for all sources.
 * @throws InvalidArgumentError for a language other than Python (TypeScript classes are not split yet).
 */
export async function splitClasses(options: {
  readonly runner: CandidateRunner;
  readonly language: TaskSpec['language'];
  readonly className: string;
  readonly sources: readonly string[];
  readonly signal?: AbortSignal;
}): Promise<(ClassLayout | null)[]> {
  if (options.language !== 'python') throw new InvalidArgumentError({ parameter: 'options.language', value: options.language, expected: "'python' (classes are composed per method in Python only so far)" });
  if (options.sources.length === 0) return [];
  const run = await options.runner.run({
    language: 'python',
    code: PYTHON_SPLITTER,
    entryPoint: SPLIT_ENTRY,
    calls: options.sources.map((source) => [source, options.className]),
    perCallTimeoutMs: 5000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (run.kind !== 'ran') return options.sources.map(() => null);
  return options.sources.map((_, index) => {
    const outcome = run.outcomes[index];
    return outcome?.kind === 'value' ? readLayout(outcome.value) : null;
  });
}

/** A sample as the composer reads it: its code and layout. */
export interface SplitSample {
  readonly code: string;
  readonly layout: ClassLayout;
}

const reindent = (lines: readonly string[], from: number, to: number): string[] =>
  lines.map((line) => (line.trim() === '' ? line : to >= from ? ' '.repeat(to - from) + line : line.slice(Math.min(from - to, line.length - line.trimStart().length))));

/**
 * `base` with each method named in `donors` taken from its donor: the method's lines replace the base's own (or are
 * added at the end of the class when the base lacks it), re-indented to the base's class body; with the donor's
 * private helpers (`self._name` members the base lacks) and the import statements the base lacks.
 */
export function composeClass(base: SplitSample, donors: ReadonlyMap<string, SplitSample>): string {
  const lines = base.code.split('\n');
  const baseNames = new Set(base.layout.members.map((member) => member.name));
  const replaced: { start: number; end: number; text: string[] }[] = [];
  const appended: string[][] = [];
  const imports = new Set<string>();
  const added = new Set<string>();
  const take = (donor: SplitSample, member: ClassMember): string[] =>
    reindent(donor.code.split('\n').slice(member.start - 1, member.end), member.indent, base.layout.bodyIndent);
  for (const [name, donor] of donors) {
    if (donor === base) continue;
    const member = donor.layout.members.find((m) => m.name === name);
    if (member === undefined) continue;
    const text = take(donor, member);
    const own = base.layout.members.find((m) => m.name === name);
    if (own === undefined) appended.push(text);
    else replaced.push({ start: own.start, end: own.end, text });
    for (const line of donor.layout.imports) if (!base.layout.imports.includes(line)) imports.add(line);
    for (const helper of donor.layout.members) {
      const used = new RegExp(`\\bself\\.${helper.name}\\b`).test(text.join('\n'));
      if (used && !baseNames.has(helper.name) && !donors.has(helper.name) && !added.has(helper.name)) {
        added.add(helper.name);
        appended.push(take(donor, helper));
      }
    }
  }
  const out = [...lines];
  if (appended.length > 0) out.splice(base.layout.classEnd, 0, ...appended.flatMap((text) => ['', ...text]));
  for (const edit of replaced.sort((a, b) => b.start - a.start)) out.splice(edit.start - 1, edit.end - edit.start + 1, ...edit.text);
  return [...imports, ...out].join('\n');
}

/** How one method was chosen. */
export interface MethodVote {
  readonly method: string;
  /** Index (into the samples given) of the sample whose version won, or null when none passed the visible sequences. */
  readonly winner: number | null;
  /** Votes of the winning behaviour class, of the samples defining the method. */
  readonly votes: number;
  readonly voters: number;
  /** Behaviour classes among the samples' versions that passed the visible sequences. */
  readonly classes: number;
  /** Samples whose version passed fewer visible sequences than the best version (discarded). */
  readonly discarded: number;
}

/** A class composed method by method, with how each method was chosen. */
export interface ComposedClass {
  readonly code: string;
  readonly methods: readonly MethodVote[];
  /** Methods whose winner came from a sample other than the base. */
  readonly changed: number;
}

/**
 * Composes `spec`'s class from `samples` (see the module note), starting from `samples[baseIndex]`. Each method's
 * variants run `sequences` (visible first, then generated: `signatureSequences`). Identical variants run once.
 * @throws InvalidArgumentError when `baseIndex` is not the index of a sample.
 */
export async function composeByMethodVote(options: {
  readonly spec: TaskSpec;
  readonly runner: CandidateRunner;
  readonly samples: readonly SplitSample[];
  readonly baseIndex: number;
  readonly sequences: readonly CallSequence[];
  readonly signal?: AbortSignal;
}): Promise<ComposedClass> {
  const { spec, samples } = options;
  const base = samples[options.baseIndex];
  if (base === undefined) throw new InvalidArgumentError({ parameter: 'options.baseIndex', value: options.baseIndex, expected: `an index of the ${samples.length} samples` });
  const behaviour = new Map<string, Promise<ClassBehaviour>>();
  const judge = (code: string): Promise<ClassBehaviour> => {
    let pending = behaviour.get(code);
    if (pending === undefined) {
      pending = classBehaviour({ runner: options.runner, spec, code, sequences: options.sequences, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      behaviour.set(code, pending);
    }
    return pending;
  };
  const winners = new Map<string, SplitSample>();
  const methods: MethodVote[] = [];
  for (const method of spec.methods) {
    const voters = samples.flatMap((sample, index) => (sample.layout.members.some((m) => m.name === method.name) ? [index] : []));
    const judged = await Promise.all(voters.map(async (index) => {
      const code = composeClass(base, new Map([...winners, [method.name, samples[index] as SplitSample]]));
      return { index, ...(await judge(code)) };
    }));
    // Only the versions that pass the most visible sequences (with the methods chosen so far) take part.
    const most = Math.max(0, ...judged.map((entry) => entry.visiblePassed));
    const eligible = judged.filter((entry) => entry.visiblePassed === most && entry.visiblePassed >= 0);
    const tally = new Map<string, number[]>();
    for (const entry of eligible) tally.set(entry.classKey, [...(tally.get(entry.classKey) ?? []), entry.index]);
    const ranked = [...tally.values()].sort((a, b) => b.length - a.length ||
      Number(b.includes(options.baseIndex)) - Number(a.includes(options.baseIndex)) || (a[0] ?? 0) - (b[0] ?? 0));
    const best = ranked[0];
    const winner = best === undefined ? null : (best.includes(options.baseIndex) ? options.baseIndex : (best[0] ?? null));
    if (winner !== null) winners.set(method.name, samples[winner] as SplitSample);
    methods.push({ method: method.name, winner, votes: best?.length ?? 0, voters: voters.length, classes: tally.size, discarded: judged.length - eligible.length });
    options.signal?.throwIfAborted();
  }
  const changed = [...winners.values()].filter((sample) => sample !== base).length;
  return { code: composeClass(base, winners), methods, changed };
}
