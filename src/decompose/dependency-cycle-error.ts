/**
 * @module decompose/dependency-cycle-error
 * Thrown when task dependencies form a cycle, so no topological order exists.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/** The dependencies form a cycle. Code: `dependency_cycle`. */
export class DependencyCycleError extends ZeroErrorError {
  /** The cycle as a closed path `[a, b, ..., a]`, each id depending on the next. */
  readonly cycle: readonly string[];
  constructor(options: { cycle: readonly string[] }) {
    super('dependency_cycle', `task dependencies form a cycle: ${options.cycle.join(' -> ')} (each depends on the next)`);
    this.cycle = [...options.cycle];
  }
}
