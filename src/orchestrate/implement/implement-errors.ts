/**
 * @module orchestrate/implement/implement-errors
 * The errors of `zerr implement` that are the user's to fix: a target that names no function zerr can implement, and
 * a working tree with changes it would mix into its commit.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * The target (`<file>[#symbol]`) cannot be implemented: no such file, not a git repository, an unknown symbol, a
 * parameter without a type. The message names the file, the symbol and what was expected.
 *
 * Code: `invalid_implement_target`.
 */
export class ImplementTargetError extends ZeroErrorError {
  /** The target as given, e.g. `src/strings.ts#slugify`. */
  readonly target: string;

  constructor(options: { readonly target: string; readonly message: string; readonly cause?: unknown }) {
    super('invalid_implement_target', `${options.target}: ${options.message}`, { cause: options.cause });
    this.target = options.target;
  }
}

/**
 * The repository has uncommitted changes and `allowDirty` was not given: zerr's commit must hold its own change only.
 *
 * Code: `dirty_tree`.
 */
export class DirtyTreeError extends ZeroErrorError {
  /** Paths git reports as changed (at most 10). */
  readonly paths: readonly string[];

  constructor(options: { readonly repository: string; readonly paths: readonly string[] }) {
    const shown = options.paths.slice(0, 10);
    super('dirty_tree', `${options.repository} has uncommitted changes (${shown.join(', ')}${options.paths.length > shown.length ? ', ...' : ''}): commit or stash them, or pass --allow-dirty (zerr then commits only the file it writes)`);
    this.paths = shown;
  }
}
