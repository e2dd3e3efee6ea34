/**
 * @module decompose/unknown-dependency-error
 * Thrown when a task depends on an id that is not a task of the graph.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/** A task depends on an unknown id. Code: `unknown_dependency`. */
export class UnknownDependencyError extends ZeroErrorError {
  readonly taskId: string;
  readonly dependency: string;
  constructor(options: { taskId: string; dependency: string }) {
    super('unknown_dependency', `task ${JSON.stringify(options.taskId)} depends on ${JSON.stringify(options.dependency)}, which is not a task of the graph`);
    this.taskId = options.taskId;
    this.dependency = options.dependency;
  }
}
