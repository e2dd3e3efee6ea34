/**
 * @module orchestrate/project-build/integrate/integrated-piece
 * One verified function of a `zerr build` DAG, as integration receives it: its node id, its spec, its own code and
 * the nodes whose entry points that code calls.
 */
import type { TaskSpec } from '../../../task-spec/task-spec.js';

/**
 * How a piece's code was obtained: `consensus` (won a first-to-ahead-by-k vote), `best-partial` (the largest
 * equivalence class without a k margin) or `person` (written or fixed by a person after escalation).
 */
export type PieceSource = 'consensus' | 'best-partial' | 'person';

/** One verified function of the build DAG. */
export interface IntegratedPiece {
  /** DAG node id, e.g. `word-count` or `stats.mean` (letters, digits and `_ . : / -`). */
  readonly nodeId: string;
  /** `signature.entryPoint` is the exported function; `testCases` become the module's tests. TypeScript only. */
  readonly spec: TaskSpec;
  /** The piece's own verified code: a TS function declaration and maybe helpers; no imports or exports. */
  readonly code: string;
  /** Node ids whose entry points this code calls; each must be another piece of the same project. */
  readonly dependencies: readonly string[];
  readonly source: PieceSource;
}
