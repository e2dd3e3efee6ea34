/**
 * @module decompose/specify-task
 * The specifier at work: a task in plain words becomes a {@link TaskSpec} by voting, as a decomposition does - sample
 * specifier contracts -> red-flag (the shared JSON rules, then the spec checks every command runs before a sample) ->
 * signature class -> first-to-ahead-by-k vote (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.3, Algorithm 2;
 * seed implementation guide §1.1). Contracts vote together when they describe the same function (entry point, input
 * types, output type); the winning class's first contract becomes the spec, less any test case another contract of
 * the class contradicts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import type { RedFlagHit } from '../redflag/red-flag-rule.js';
import { checkSpecSync } from '../task-spec/check-spec.js';
import { IdentifierSchema, LimitsSchema, TaskSpecSchema, type TaskSpec, type TestCase } from '../task-spec/task-spec.js';
import type { TaskProgress } from '../store/task-progress.js';
import { SpecifiedContractSchema, type SpecifiedContract } from './archetypes/output-schemas.js';
import { specifier, specifierVariables } from './archetypes/specifier.js';
import { checkJsonAnswer } from './json-answer-checks.js';
import { parseJsonWith } from './json-answer.js';
import { voteOnProposals, type ProposalKind, type ProposalVoteDependencies, type ProposalVoteResult } from './proposal-vote.js';
import { normaliseType } from './structural-signature.js';


/** Fewest visible test cases a chosen contract may have: verification needs behaviour to check. */
export const MIN_SPEC_TEST_CASES = 1;

/** Options of {@link specifyTask}. Units and defaults in the field docs. */
export interface SpecifyTaskOptions {
  readonly runId: string;
  /** The task in the user's words: the spec's `description`, shown to every coder sample. */
  readonly requirements: string;
  readonly language: 'typescript' | 'python';
  /** The spec's id. Default: the chosen entry point. */
  readonly id?: string | undefined;
  /** Fix the function's name (the specifier is told; a contract naming another is red-flagged `invalid-spec`). */
  readonly entryPoint?: string | undefined;
  /** Limits of the spec (defaults of `LimitsSchema` for missing fields). */
  readonly limits?: Partial<TaskSpec['limits']> | undefined;
  /** Lead the winning class needs over the runner-up (first-to-ahead-by-k). Default 3. */
  readonly k?: number | undefined;
  /** Sample budget: answers, red-flagged ones included (calls without an answer count apart). Default 12. */
  readonly maxSamples?: number | undefined;
  /** Samples per round. Default `k`. */
  readonly parallelism?: number | undefined;
  /** Sample `i` is called with seed `seed + i`. Default 42. */
  readonly seed?: number | undefined;
  /** Token cap of one answer (longer answers are red-flagged). Default 2048. */
  readonly maxOutputTokens?: number | undefined;
  /** Records of an interrupted specification (`taskProgress(run, 'specify:root')`). */
  readonly resume?: TaskProgress | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A test case of the chosen contract that another contract of its class contradicts (left out of the spec). */
export interface DroppedTestCase {
  readonly inputs: readonly unknown[];
  readonly reason: string;
}

/** The specification's decision. `spec` is null when no contract passed red-flagging. */
export type SpecifyTaskResult = Omit<ProposalVoteResult<SpecifiedContract>, 'members' | 'proposal'> & {
  readonly spec: TaskSpec | null;
  readonly droppedTestCases: readonly DroppedTestCase[];
};

const OptionsSchema = z
  .object({
    runId: z.string().min(1),
    requirements: z.string().trim().min(1, 'a non-empty description of the task'),
    language: z.enum(['typescript', 'python']),
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'letters, digits and _ . : / -').optional(),
    entryPoint: IdentifierSchema.optional(),
    limits: LimitsSchema.partial().strict().optional(),
    k: z.number().int().min(1, 'an integer >= 1').default(3),
    maxSamples: z.number().int().min(1, 'an integer >= 1').default(12),
    parallelism: z.number().int().min(1, 'an integer >= 1').optional(),
    seed: z.number().int().default(42),
    maxOutputTokens: z.number().int().positive().default(2048),
    resume: z.custom<TaskProgress>(
      (value) => typeof value === 'object' && value !== null && ['samples', 'redFlags', 'votes'].every((key) => Array.isArray((value as Record<string, unknown>)[key])),
      'a TaskProgress ({ samples, redFlags, layerResults, votes })',
    ).optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict();

/**
 * Specifies one function from `requirements` by voting (store task id `specify:root`; records as
 * {@link voteOnProposals}). Red flags of an answer, in order (the specifier's `redFlagProfile.checks`):
 * `over-token-cap`, `not-json`, `schema` (the answer breaks `SpecifiedContractSchema`), `invalid-spec` (the spec it
 * makes fails the checks `zerr spec check` runs without a sandbox: names, types, test cases against the signature,
 * expressions; or it names another entry point than `entryPoint`), `too-few-tests` (fewer than
 * {@link MIN_SPEC_TEST_CASES} test cases). A Python spec's expressions are checked by python3, and preconditions by
 * the judge, when the spec is run (`Engine.run` preflights every spec).
 *
 * Classes: contracts with the same entry point, input types and output type (types normalised as in
 * `structuralSignature`; parameter names ignored) vote together. The chosen class's first contract becomes the spec -
 * id `options.id` (default the entry point), name the entry point, description `requirements`, metadata
 * `{ source: 'specifier', specifyRun, classKey, votes }` - less each test case that another contract of the class
 * gives the same inputs with another expectation (listed in `droppedTestCases`).
 *
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.<field>`) for bad options; as
 *   {@link voteOnProposals} (ModelUnavailableError after recording the decision; the signal's reason).
 */
export async function specifyTask(deps: ProposalVoteDependencies, options: SpecifyTaskOptions): Promise<SpecifyTaskResult> {
  const o = parseOptions(OptionsSchema, options);
  const limits = LimitsSchema.parse(o.limits ?? {});
  const specOf = (contract: SpecifiedContract, metadata: Record<string, string> = {}): TaskSpec => TaskSpecSchema.parse({
    id: o.id ?? contract.signature.entryPoint,
    name: contract.signature.entryPoint,
    description: o.requirements,
    language: o.language,
    ...contract,
    limits,
    metadata: { source: 'specifier', ...metadata },
  });
  const kind: ProposalKind<SpecifiedContract> = {
    archetype: specifier,
    variables: specifierVariables({ task: o.requirements, language: o.language, entryPoint: o.entryPoint }),
    check: (answer) => {
      const json = checkJsonAnswer(answer.text, SpecifiedContractSchema, { ...answer, maxOutputTokens: o.maxOutputTokens, noun: 'contract' });
      if (json.value === null) return { proposal: null, parsed: null, hits: json.hits };
      const hits: RedFlagHit[] = [...json.hits];
      const contract = json.value;
      const issues = specIssues(contract, specOf, o.entryPoint);
      if (issues.length > 0) hits.push({ rule: 'invalid-spec', reason: `${issues.slice(0, 6).join('; ')}${issues.length > 6 ? `; and ${issues.length - 6} more` : ''}` });
      if (contract.testCases.length < MIN_SPEC_TEST_CASES) hits.push({ rule: 'too-few-tests', reason: `${contract.testCases.length} test cases; a contract needs at least ${MIN_SPEC_TEST_CASES}` });
      return { proposal: hits.length === 0 ? contract : null, parsed: contract, hits };
    },
    classify: contractSignature,
    toJson: (contract) => JSON.stringify(contract),
    fromJson: (json) => parseJsonWith(SpecifiedContractSchema, json),
    noun: 'contract class',
  };
  const { members, proposal, ...result } = await voteOnProposals(deps, kind, {
    runId: o.runId, taskId: 'specify:root', k: o.k, maxSamples: o.maxSamples, parallelism: o.parallelism, seed: o.seed,
    maxOutputTokens: o.maxOutputTokens, resume: o.resume, recordUnavailable: true, signal: o.signal,
  });
  if (proposal === null) return { ...result, spec: null, droppedTestCases: [] };
  const { kept, dropped } = corroboratedTestCases(proposal, members.slice(1));
  const spec = specOf({ ...proposal, testCases: kept }, { specifyRun: o.runId, classKey: result.classKey ?? '', votes: String(result.votes) });
  return { ...result, spec, droppedTestCases: dropped };
}

/**
 * The equivalence class of a contract: `[entryPoint, [inputType...], outputType]` as JSON, types normalised; its key
 * the first 16 hex characters of the SHA-256.
 */
export function contractSignature(contract: SpecifiedContract): { readonly classKey: string; readonly signature: string } {
  const { signature } = contract;
  const text = JSON.stringify([signature.entryPoint, signature.inputs.map((input) => normaliseType(input.type)), normaliseType(signature.output.type)]);
  return { signature: text, classKey: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

/** Why the spec a contract makes cannot be run: each issue as `<field>: got <value>, expected <what>`. */
function specIssues(contract: SpecifiedContract, specOf: (contract: SpecifiedContract) => TaskSpec, entryPoint: string | undefined): string[] {
  const issues: string[] = [];
  if (entryPoint !== undefined && contract.signature.entryPoint !== entryPoint) {
    issues.push(`signature.entryPoint: got ${JSON.stringify(contract.signature.entryPoint)}, expected ${JSON.stringify(entryPoint)}`);
  }
  let spec: TaskSpec;
  try {
    spec = specOf(contract);
  } catch (error) {
    return [...issues, error instanceof Error ? error.message : String(error)];
  }
  return [...issues, ...checkSpecSync(spec, 'contract').map((issue) => issue.message.replace(/^contract: /, ''))];
}

/** What a test case expects, as comparable text. */
function expectation(test: TestCase): string {
  return JSON.stringify([test.expectThrows || test.throws !== undefined, test.throws ?? null, test.expected ?? null]);
}

/**
 * The chosen contract's test cases, less those another contract of its class contradicts: the same inputs (as JSON)
 * with another expected value or exception. Test cases only the others give are not added: each is one sample's
 * claim, and a wrong one would reject every correct implementation.
 */
function corroboratedTestCases(chosen: SpecifiedContract, others: readonly SpecifiedContract[]): { kept: TestCase[]; dropped: DroppedTestCase[] } {
  const claims = new Map<string, Set<string>>();
  for (const contract of others) {
    for (const test of contract.testCases) {
      const key = JSON.stringify(test.inputs);
      const set = claims.get(key) ?? new Set<string>();
      set.add(expectation(test));
      claims.set(key, set);
    }
  }
  const kept: TestCase[] = [];
  const dropped: DroppedTestCase[] = [];
  for (const test of chosen.testCases) {
    const other = [...(claims.get(JSON.stringify(test.inputs)) ?? [])].filter((claim) => claim !== expectation(test));
    if (other.length === 0) kept.push(test);
    else dropped.push({ inputs: test.inputs, reason: `another contract of the class expects ${other.join(' or ')} where this one expects ${expectation(test)} (as [throws, exception, expected])` });
  }
  return { kept, dropped };
}
