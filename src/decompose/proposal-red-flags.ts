/**
 * @module decompose/proposal-red-flags
 * Red flags of a decomposer's answer (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.3; seed implementation
 * guide §3): an answer that is not one JSON object, breaks the proposal schema, runs into the token cap, or
 * describes a graph that cannot be built (dangling or cyclic dependencies, duplicate ids or entry points) is
 * discarded, never repaired.
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import type { FinishReason } from '../llm/language-model.js';
import type { RedFlagHit } from '../redflag/red-flag-rule.js';
import { checkClassSpec } from '../task-spec/checks/class-spec.js';
import { type DecompositionProposal, DecompositionProposalSchema, type SubtaskProposal } from './decomposition-proposal.js';
import { subtaskToSpec } from './subtask-to-spec.js';
import { findCycle } from './find-cycle.js';
import { checkJsonAnswer } from './json-answer-checks.js';

/** Stable names of the proposal red-flag rules, in the order they are checked. */
export const PROPOSAL_RED_FLAG_RULES = [
  'over-token-cap',
  'not-json',
  'schema',
  'too-many-subtasks',
  'duplicate-id',
  'dangling-dependency',
  'cycle',
  'duplicate-entry-point',
  'missing-parent-entry-point',
  'class-shape',
  'service-shape',
] as const;
/** One of {@link PROPOSAL_RED_FLAG_RULES}. */
export type ProposalRedFlagRule = (typeof PROPOSAL_RED_FLAG_RULES)[number];

/** Default most subtasks of one proposal. */
export const DEFAULT_MAX_SUBTASKS = 12;

/** What the checks know besides the answer's text. */
export interface ProposalCheckContext {
  /** Most subtasks of one proposal. Default {@link DEFAULT_MAX_SUBTASKS} (12). */
  readonly maxSubtasks?: number;
  /** Token cap of the answer. Default 4096. */
  readonly maxOutputTokens?: number;
  /** Tokens the model generated. Default 0. */
  readonly outputTokens?: number;
  /** Why generation stopped; `length` is red-flagged `over-token-cap`. Default `stop`. */
  readonly finishReason?: FinishReason | string;
  /** Entry points already used elsewhere in the project. Default none. */
  readonly reservedEntryPoints?: readonly string[];
  /**
   * Entry point of the node being decomposed (absent for the root). The proposal must hold exactly one subtask with
   * it: the one implementing the parent by calling the others. It is exempt from the reserved check.
   */
  readonly parentEntryPoint?: string;
  /** Language of the project, for the types of a class subtask's members. Default `typescript`. */
  readonly language?: 'typescript' | 'python';
}

/** Result of {@link checkProposal}. */
export interface ProposalCheck {
  /** The proposal when no rule hit, else null (discarded). */
  readonly proposal: DecompositionProposal | null;
  /** The schema-valid proposal even when a structural rule hit (for inspection), else null. */
  readonly parsed: DecompositionProposal | null;
  /** At most one hit per rule (a rule with several findings names them all in one reason), in rule order. */
  readonly hits: readonly RedFlagHit[];
}

const ContextSchema = z
  .object({
    maxSubtasks: z.number().int().positive().default(DEFAULT_MAX_SUBTASKS),
    maxOutputTokens: z.number().int().positive().default(4096),
    outputTokens: z.number().int().nonnegative().default(0),
    finishReason: z.string().default('stop'),
    reservedEntryPoints: z.array(z.string()).default([]),
    parentEntryPoint: z.string().min(1).optional(),
    language: z.enum(['typescript', 'python']).default('typescript'),
  })
  .strict();

/**
 * Checks a decomposer's answer. Rules (stable names, {@link PROPOSAL_RED_FLAG_RULES}):
 * - `over-token-cap`: `finishReason` is `length` or `outputTokens > maxOutputTokens`;
 * - `not-json`: no JSON object can be extracted (a bare object or the first ```json block);
 * - `schema`: the object breaks `DecompositionProposalSchema` (zod issues listed in the reason);
 * - `too-many-subtasks`: more than `maxSubtasks` subtasks;
 * - `duplicate-id`: two subtasks share an id (named);
 * - `dangling-dependency`: a dependency names no sibling (`a depends on unknown id "x"`);
 * - `cycle`: the dependencies form a cycle, named in order (`a -> b -> a`, read "depends on");
 * - `duplicate-entry-point`: two subtasks share an entry point, or one uses a reserved entry point;
 * - `missing-parent-entry-point`: `parentEntryPoint` is set and no subtask has it;
 * - `class-shape`: a class subtask that is not a valid class spec (its output type is not the class, a sequence calls
 *   an undeclared method, a step's value does not fit its declared type, test cases instead of sequences: the
 *   checks of `zerr spec check`, `task-spec/checks/class-spec.ts`), or a function subtask with class members;
 * - `service-shape`: a service that is not one the integrator can serve: a route whose handler is not a function
 *   subtask taking two inputs (state, request), two routes with one method and path, a scenario request no route
 *   answers, or a service in the decomposition of a node (only the requirements' may have one).
 * `not-json` and `schema` end the checks (there is no proposal to look at).
 *
 * @throws InvalidArgumentError (`invalid_argument`, parameter `context.<field>`) for a malformed context.
 */
export function checkProposal(text: string, context: ProposalCheckContext = {}): ProposalCheck {
  const options = parseOptions(ContextSchema, context, 'context');
  const hits: RedFlagHit[] = [];
  const hit = (rule: ProposalRedFlagRule, reason: string): void => {
    hits.push({ rule, reason });
  };
  const json = checkJsonAnswer(text, DecompositionProposalSchema, { ...options, noun: 'proposal' });
  hits.push(...json.hits);
  if (json.value === null) return { proposal: null, parsed: null, hits };
  const proposal = json.value;
  const { subtasks } = proposal;

  if (subtasks.length > options.maxSubtasks) hit('too-many-subtasks', `${subtasks.length} subtasks exceed the limit of ${options.maxSubtasks}`);

  const duplicateIds = duplicates(subtasks.map((subtask) => subtask.id));
  if (duplicateIds.length > 0) hit('duplicate-id', `duplicate subtask ids: ${duplicateIds.map((id) => JSON.stringify(id)).join(', ')}`);

  const ids = new Set(subtasks.map((subtask) => subtask.id));
  const dangling = subtasks.flatMap((subtask) =>
    subtask.dependencies.filter((dependency) => !ids.has(dependency)).map((dependency) => `${subtask.id} depends on unknown id ${JSON.stringify(dependency)}`));
  if (dangling.length > 0) hit('dangling-dependency', dangling.join('; '));

  const graph = new Map<string, string[]>();
  for (const subtask of subtasks) graph.set(subtask.id, [...(graph.get(subtask.id) ?? []), ...subtask.dependencies]);
  const cycle = findCycle(graph);
  if (cycle !== null) hit('cycle', `dependency cycle: ${cycle.join(' -> ')}`);

  const entryPoints = subtasks.map((subtask) => subtask.signature.entryPoint);
  const reserved = new Set(options.reservedEntryPoints.filter((name) => name !== options.parentEntryPoint));
  const clashes = [
    ...duplicates(entryPoints).map((name) => `entry point ${JSON.stringify(name)} is used by more than one subtask`),
    ...[...new Set(entryPoints)].filter((name) => reserved.has(name)).map((name) => `entry point ${JSON.stringify(name)} is already used elsewhere in the project`),
  ];
  if (clashes.length > 0) hit('duplicate-entry-point', clashes.join('; '));

  if (options.parentEntryPoint !== undefined && !entryPoints.includes(options.parentEntryPoint)) {
    hit('missing-parent-entry-point', `no subtask has the parent's entry point ${JSON.stringify(options.parentEntryPoint)}`);
  }
  const shapes = subtasks.flatMap((subtask) => classShapeIssues(subtask, options.language));
  if (shapes.length > 0) hit('class-shape', `${shapes.slice(0, 6).join('; ')}${shapes.length > 6 ? `; and ${shapes.length - 6} more` : ''}`);
  const services = serviceIssues(proposal, options.parentEntryPoint !== undefined);
  if (services.length > 0) hit('service-shape', `${services.slice(0, 6).join('; ')}${services.length > 6 ? `; and ${services.length - 6} more` : ''}`);
  return { proposal: hits.length === 0 ? proposal : null, parsed: proposal, hits };
}

/** Why the proposal's service cannot be served (see `service-shape`); empty without a service. */
function serviceIssues(proposal: DecompositionProposal, nested: boolean): string[] {
  const { service } = proposal;
  if (service === undefined) return [];
  if (nested) return ['a service belongs to the decomposition of the requirements, not of one task'];
  const issues: string[] = [];
  const byId = new Map(proposal.subtasks.map((subtask) => [subtask.id, subtask]));
  const seen = new Set<string>();
  for (const route of service.routes) {
    const where = `route ${route.method} ${route.path}`;
    const handler = byId.get(route.handler);
    if (handler === undefined) issues.push(`${where}: handler ${JSON.stringify(route.handler)} is not a subtask id`);
    else if (handler.taskType === 'class' || handler.signature.inputs.length !== 2) {
      issues.push(`${where}: handler ${route.handler} must be a function of two inputs (state, request)`);
    }
    const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seen.has(key)) issues.push(`${where}: another route has the same method and path`);
    seen.add(key);
  }
  for (const [index, exchange] of service.scenario.entries()) {
    const path = exchange.path.split('?')[0] ?? '';
    if (!service.routes.some((route) => route.method === exchange.method && routePattern(route.path).test(path))) {
      issues.push(`scenario ${index + 1}: no route answers ${exchange.method} ${path}`);
    }
  }
  return issues;
}

/** The regular expression of a route's path template: each `{name}` one non-empty path segment. */
export function routePattern(template: string): RegExp {
  const source = template.split('/').map((part) => (/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${source}$`);
}

/** Why `subtask` is not a valid class (or function) spec, each prefixed with its id; empty when it is. */
function classShapeIssues(subtask: SubtaskProposal, language: 'typescript' | 'python'): string[] {
  if (subtask.taskType !== 'class') {
    const members = (['methods', 'fields', 'sequences'] as const).filter((key) => (subtask[key]?.length ?? 0) > 0);
    return members.length === 0 ? [] : [`${subtask.id} has ${members.join(' and ')} but is not a class (taskType: "class")`];
  }
  try {
    const spec = subtaskToSpec(subtask, { idPrefix: '', language });
    return checkClassSpec(spec, subtask.id).map((issue) => issue.message);
  } catch (error) {
    return [`${subtask.id}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** Values occurring more than once, in first-occurrence order. */
function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}
