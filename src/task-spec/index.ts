/**
 * @module task-spec
 * Public entry of task specs: the zod schema and types, loading and validation with field-level messages, the JSON
 * Schema, stub rendering, literal evaluators, benchmark importers (HumanEval, CodeT, MultiPL-E), dataset references
 * and scoring on hidden tests.
 */
export * from './task-spec.js';
export { parseTaskSpec, loadTaskSpec, parseSpecYaml, parseSpecJson } from './load-spec.js';
export { SpecValidationError, type SpecIssue } from './spec-validation-error.js';
export { SpecNotFoundError } from './spec-not-found-error.js';
export { SpecCheckError } from './spec-check-error.js';
export { checkSpecSync, checkSpecWithPython, checkTaskSpec, MAX_EXPRESSION_CHARS } from './check-spec.js';
export { MAX_SPEC_FILE_BYTES, MAX_SPEC_DEPTH, MAX_YAML_ALIAS_COUNT } from './spec-limits.js';
export { taskSpecJsonSchema, type JsonSchema } from './json-schema.js';
export { renderStub } from './render-stub.js';
export { simpleConditions, conditionsNeedJudge, SimpleEvaluationError, type SimpleConditions, type SimpleExpression } from './simple-conditions.js';
export type { JsonValue, CallExpression, LiteralFailure, LiteralResult, CallResult, CallPrefixResult } from './literal-result.js';
export { compareJsonValues } from './literal-result.js';
export { parsePythonLiteral, parsePythonCall, parsePythonCallPrefix } from './python-literal.js';
export { parseTypeScriptLiteral, parseTypeScriptCall } from './typescript-literal.js';
export {
  importHumanEvalRecord,
  loadHumanEval,
  HumanEvalRecordSchema,
  type HumanEvalRecord,
  type HumanEvalSource,
  type HumanEvalImportOptions,
  type LoadHumanEvalOptions,
} from './importers/humaneval.js';
export {
  importMultiPLERecord,
  loadMultiPLE,
  MultiPLERecordSchema,
  type MultiPLERecord,
  type MultiPLEDataset,
} from './importers/multipl-e.js';
export { loadClassEval, readClassEvalRecords, importClassEvalRecords, ClassEvalRecordSchema, type ClassEvalRecord, type ClassEvalImport } from './importers/classeval.js';
export {
  resolveDatasetProblem,
  listDatasetProblems,
  clearDatasetCache,
  DATASET_NAMES,
  type DatasetOptions,
} from './importers/dataset.js';
export { DATASET_FILES, resolveDataDir, findRepoRoot, type DatasetName } from './importers/data-dir.js';
export { UnknownDatasetError, UnknownProblemError, DatasetFileError } from './importers/dataset-errors.js';
