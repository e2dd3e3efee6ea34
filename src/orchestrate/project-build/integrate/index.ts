/**
 * @module orchestrate/project-build/integrate
 * Integration of a `zerr build`: verified pieces -> the files of a TypeScript project -> a verdict on the project
 * as a whole (type check in memory, all tests in the sandbox, failures traced to DAG nodes).
 */
export type { IntegratedPiece, PieceSource } from './integrated-piece.js';
export { ModuleNameClashError } from './module-name-clash-error.js';
export { kebabCase, planModules, type PlannedModule } from './project-layout.js';
export { projectFiles, type ProjectFilesOptions } from './project-files.js';
export { PROJECT_COMPILER_OPTIONS } from './project-config.js';
export {
  ProjectTypeChecker,
  type ProjectTypeCheckerOptions,
  type ProjectTypeCheckResult,
  type ProjectTypeError,
} from './project-type-checker.js';
export type { ProjectTestResult } from './sandbox-test-run.js';
export { verifyProject, type ProjectVerdict, type VerifyProjectOptions } from './verify-project.js';
