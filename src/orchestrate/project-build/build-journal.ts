/**
 * @module orchestrate/project-build/build-journal
 * The checkpoints of a build and the state they add up to. Every state change is written to the run store as a
 * checkpoint before it takes effect (task created, task settled, escalation, commit, ...); a resumed build folds
 * the checkpoints back into a {@link BuildState} and continues from exactly there. Samples, votes and decisions
 * of each task live in the store's own tables; the checkpoints hold only what the build adds on top.
 */
import { z } from 'zod';
import { TaskGraph } from '../../decompose/task-graph.js';
import { ServiceSchema, type Service } from '../../decompose/decomposition-proposal.js';
import { TaskSpecSchema, type TaskSpec } from '../../task-spec/task-spec.js';
import type { CheckpointRecord } from '../../store/run-store.js';
import { BuildRequestSchema, type BuildRequest } from './build-request.js';
import { BuildJournalError } from './build-errors.js';

/** A node of the build graph: an atomic task to solve, or a task still to be decomposed. */
export const BuildNodeSchema = z
  .object({
    /** Node id, e.g. `split-words` or (nested) `stats.mean`. The task's spec id for its first attempt. */
    id: z.string().min(1),
    spec: TaskSpecSchema,
    /** Node ids whose code this node's code calls. */
    dependencies: z.array(z.string()),
    /** Decomposition depth: 1 for the root's children. */
    depth: z.number().int().positive(),
    /** True while the node must be decomposed further before it can be solved. */
    needsDecomposition: z.boolean(),
  })
  .strict();
export type BuildNode = z.infer<typeof BuildNodeSchema>;

const settled = z.object({
  nodeId: z.string(),
  /** How the code was obtained. */
  source: z.enum(['consensus', 'best-partial', 'person']),
  /** The node's own code (without its dependencies' code). */
  code: z.string(),
  /** Store task id of the solve that produced it (attempts after the first carry a suffix). */
  solveTaskId: z.string(),
}).strict();

/** Every checkpoint kind and its body. */
export const CHECKPOINT_BODIES = {
  'build-start': z.object({
    request: BuildRequestSchema, outDir: z.string(), startedAt: z.number(),
    /** Epoch (ms) of the first commit's date; commit n is dated n - 1 seconds later. */
    commitEpochMs: z.number().int().nonnegative(),
  }).strict(),
  'session-start': z.object({ at: z.number() }).strict(),
  /** A decomposition replaced `replaces` (null: the root) by `nodes`. */
  'nodes-created': z.object({
    replaces: z.string().nullable(), nodes: z.array(BuildNodeSchema),
    /** The requirements' service (routes, scenario), with the root's decomposition only. */
    service: ServiceSchema.optional(),
  }).strict(),
  /** A task got its code. */
  'task-settled': settled,
  /** A task failed and is to be decomposed with halved limits (seed guide §5: simplify and retry). */
  'task-simplified': z.object({ nodeId: z.string(), maxLines: z.number().int().positive(), maxComplexity: z.number().int().positive(), reason: z.string() }).strict(),
  /** A task or node waits on a person. */
  'escalation-opened': z.object({ escalationId: z.string(), nodeId: z.string(), kind: z.enum(['code', 'decomposition']) }).strict(),
  /** An answer was checked: accepted (the node is settled / decomposed by the following checkpoint) or rejected. */
  'escalation-resolved': z.object({ escalationId: z.string(), nodeId: z.string(), accepted: z.boolean(), reason: z.string() }).strict(),
  /** Integration traced a failure to this task; it goes back through solve as a new attempt. */
  'task-reopened': z.object({ nodeId: z.string(), attempt: z.number().int().positive(), reason: z.string() }).strict(),
  'commit-created': z.object({ label: z.string(), message: z.string(), sha: z.string() }).strict(),
  'integration-end': z.object({
    round: z.number().int().nonnegative(), passed: z.boolean(), failingNodeIds: z.array(z.string()),
    typeErrors: z.number().int().nonnegative(), testsPassed: z.number().int().nonnegative(), testsFailed: z.number().int().nonnegative(),
  }).strict(),
  /** The build stopped cleanly and can be resumed. */
  'build-paused': z.object({ reason: z.string() }).strict(),
  'build-completed': z.object({ at: z.number() }).strict(),
} as const;

/** A checkpoint kind. */
export type CheckpointKind = keyof typeof CHECKPOINT_BODIES;
/** The body of checkpoint kind `K`. */
export type CheckpointBody<K extends CheckpointKind> = z.infer<(typeof CHECKPOINT_BODIES)[K]>;

/** A settled task. */
export type SettledTask = z.infer<typeof settled>;

/** The state a build's checkpoints add up to. */
export interface BuildState {
  readonly request: BuildRequest;
  readonly outDir: string;
  readonly startedAt: number;
  /** Epoch (ms) of the first commit's date (`SOURCE_DATE_EPOCH` or the start time). */
  readonly commitEpochMs: number;
  /** Session start times, in order (one per `zerr build` / `zerr resume` process). */
  readonly sessions: number[];
  /** Current graph nodes by id (decomposed nodes are replaced by their children). */
  readonly nodes: Map<string, BuildNode>;
  /** True once the root has been decomposed. */
  rootDecomposed: boolean;
  /** The HTTP service the requirements' decomposition described, if any. */
  service: Service | undefined;
  readonly settled: Map<string, SettledTask>;
  /** Solve attempt per node (0 for the first). */
  readonly attempts: Map<string, number>;
  /** Open escalations: escalation id -> node id and kind. */
  readonly openEscalations: Map<string, { readonly nodeId: string; readonly kind: 'code' | 'decomposition' }>;
  /** Escalation ids already resolved (accepted or rejected). */
  readonly resolvedEscalations: Set<string>;
  /** Commits by label, in order. */
  readonly commits: { readonly label: string; readonly message: string; readonly sha: string }[];
  readonly integrations: CheckpointBody<'integration-end'>[];
  /** Nodes already simplified once (they are not simplified again). */
  readonly simplified: Set<string>;
  completed: boolean;
  /** Number of checkpoints folded. */
  seq: number;
}


/**
 * Folds checkpoints (in `seq` order) into a {@link BuildState}.
 * @throws BuildJournalError when the first checkpoint is not `build-start` or a body does not match its kind.
 */
export function foldCheckpoints(checkpoints: readonly CheckpointRecord[]): BuildState {
  const [first] = checkpoints;
  if (first?.kind !== 'build-start') throw new BuildJournalError('not a build run: its first checkpoint is not build-start');
  const start = parseBody('build-start', first.body, first.seq);
  const state: BuildState = {
    request: start.request, outDir: start.outDir, startedAt: start.startedAt, commitEpochMs: start.commitEpochMs, sessions: [], nodes: new Map(),
    rootDecomposed: false, service: undefined, settled: new Map(), attempts: new Map(), openEscalations: new Map(),
    resolvedEscalations: new Set(), commits: [], integrations: [], simplified: new Set(), completed: false, seq: first.seq,
  };
  for (const checkpoint of checkpoints.slice(1)) applyCheckpoint(state, checkpoint);
  return state;
}

/** Applies one checkpoint to `state` (mutating it). */
export function applyCheckpoint(state: BuildState, checkpoint: CheckpointRecord): void {
  state.seq = checkpoint.seq;
  const kind = checkpoint.kind as CheckpointKind;
  if (!(kind in CHECKPOINT_BODIES)) throw new BuildJournalError(`checkpoint ${checkpoint.seq}: unknown kind ${JSON.stringify(checkpoint.kind)}`);
  switch (kind) {
    case 'build-start':
      throw new BuildJournalError(`checkpoint ${checkpoint.seq}: a second build-start`);
    case 'session-start':
      state.sessions.push(parseBody(kind, checkpoint.body, checkpoint.seq).at);
      return;
    case 'nodes-created': {
      const body = parseBody(kind, checkpoint.body, checkpoint.seq);
      if (body.replaces === null) {
        state.rootDecomposed = true;
        state.service = body.service;
      }
      else state.nodes.delete(body.replaces);
      for (const node of body.nodes) state.nodes.set(node.id, node);
      return;
    }
    case 'task-settled': {
      const body = parseBody(kind, checkpoint.body, checkpoint.seq);
      state.settled.set(body.nodeId, body);
      return;
    }
    case 'task-simplified': {
      const body = parseBody(kind, checkpoint.body, checkpoint.seq);
      const node = state.nodes.get(body.nodeId);
      if (node === undefined) throw new BuildJournalError(`checkpoint ${checkpoint.seq}: unknown node ${body.nodeId}`);
      state.simplified.add(body.nodeId);
      state.nodes.set(body.nodeId, {
        ...node, needsDecomposition: true,
        spec: { ...node.spec, limits: { ...node.spec.limits, maxLines: body.maxLines, maxComplexity: body.maxComplexity } },
      });
      return;
    }
    case 'escalation-opened': {
      const body = parseBody(kind, checkpoint.body, checkpoint.seq);
      state.openEscalations.set(body.escalationId, { nodeId: body.nodeId, kind: body.kind });
      return;
    }
    case 'escalation-resolved': {
      const body = parseBody(kind, checkpoint.body, checkpoint.seq);
      state.openEscalations.delete(body.escalationId);
      state.resolvedEscalations.add(body.escalationId);
      return;
    }
    case 'task-reopened': {
      const body = parseBody(kind, checkpoint.body, checkpoint.seq);
      state.settled.delete(body.nodeId);
      state.attempts.set(body.nodeId, body.attempt);
      return;
    }
    case 'commit-created':
      state.commits.push(parseBody(kind, checkpoint.body, checkpoint.seq));
      return;
    case 'integration-end':
      state.integrations.push(parseBody(kind, checkpoint.body, checkpoint.seq));
      return;
    case 'build-paused':
      parseBody(kind, checkpoint.body, checkpoint.seq);
      return;
    case 'build-completed':
      parseBody(kind, checkpoint.body, checkpoint.seq);
      state.completed = true;
      return;
  }
}

/**
 * Validates the body of a checkpoint of kind `kind`.
 * @throws BuildJournalError naming the checkpoint and the first issue.
 */
export function parseBody<K extends CheckpointKind>(kind: K, body: unknown, seq: number): CheckpointBody<K> {
  const result = CHECKPOINT_BODIES[kind].safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BuildJournalError(`checkpoint ${seq} (${kind}): ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return result.data as CheckpointBody<K>;
}

/** Store task id of a node's solve attempt: the node id, then `<id>/retry-<n>`. */
export function solveTaskId(nodeId: string, attempt: number): string {
  return attempt === 0 ? nodeId : `${nodeId}/retry-${attempt}`;
}

/** Store task id of a node's decomposition (`decompose:root` for the requirements). */
export function decomposeTaskId(nodeId: string | null): string {
  return `decompose:${nodeId ?? 'root'}`;
}

/** The spec a node is solved with on attempt `attempt`. */
export function attemptSpec(spec: TaskSpec, attempt: number): TaskSpec {
  return attempt === 0 ? spec : { ...spec, id: solveTaskId(spec.id, attempt) };
}

/**
 * The current task DAG of a build (topological levels, level of each node).
 * @throws DependencyCycleError / UnknownDependencyError (never for a state built through checkpoints, which are
 *   checked before they are recorded).
 */
export function taskGraphOf(state: Pick<BuildState, 'nodes'>): TaskGraph {
  return TaskGraph.fromTasks([...state.nodes.values()].map((node) => ({ id: node.id, dependencies: node.dependencies })));
}
