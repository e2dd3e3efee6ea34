/**
 * @module orchestrate/project-build/integrate/module-name-clash-error
 * Two pieces of one project would be written to the same module file.
 */
import { ZeroErrorError } from '../../../errors/index.js';

/**
 * Two entry points share a kebab-case module name (`fooBar` and `foo_bar` are both `src/foo-bar.ts`), or an entry
 * point's module name is reserved (`index`, which is the project's public entry).
 *
 * Code: `module_name_clash`.
 */
export class ModuleNameClashError extends ZeroErrorError {
  /** The contested module name, e.g. `foo-bar`. */
  readonly moduleName: string;
  /** Node ids that want it (one when the name is reserved). */
  readonly nodeIds: readonly string[];

  constructor(options: { moduleName: string; nodeIds: readonly string[]; reason: string }) {
    super('module_name_clash', `Module name "${options.moduleName}" cannot be used by ${options.nodeIds.map((id) => `"${id}"`).join(' and ')}: ${options.reason}`);
    this.moduleName = options.moduleName;
    this.nodeIds = options.nodeIds;
  }
}
