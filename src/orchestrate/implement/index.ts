/**
 * @module orchestrate/implement
 * `zerr implement`: verified edits of one function in an existing TypeScript or Python repository (decision 027).
 */
export { implementCommitMessage } from './commit-message.js';
export { DirtyTreeError, ImplementTargetError } from './implement-errors.js';
export { ProjectTypesLayer, RepoTestsLayer, type ImplementTarget } from './implement-layers.js';
export { prepareImplement, readImplementTarget, type ImplementTargetPath, type PrepareImplementOptions, type PreparedImplement } from './prepare-implement.js';
export { commitOnNewBranch, previewDiff, ZERR_AUTHOR, type ImplementCommit } from './repository.js';
export type { SourceSymbol } from './source-symbol.js';
export { spliceCandidate } from './splice.js';
export { readPythonDoc, readTypeScriptDoc, symbolSpec, type DocComment } from './symbol-spec.js';
