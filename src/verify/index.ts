/**
 * @module verify
 * Public entry of verification: the layer contract, the `Verifier`, the first three layers (syntax, types,
 * unit tests), the warm TypeScript compiler service, Python tools and code tokenizers.
 */
export type {
  CandidateSource,
  LayerName,
  LayerResult,
  VerificationContext,
  VerificationLayer,
} from './verification-layer.js';
export { Verifier, type VerificationReport, type VerifyOptions } from './verifier.js';
export { createDefaultVerifier, type DefaultVerifierOptions } from './create-default-verifier.js';
export { SyntaxLayer, type SyntaxLayerOptions } from './layers/syntax.js';
export { TypesLayer, signatureType, SIGNATURE_CHECK_NAME } from './layers/types.js';
export { UnitTestsLayer, type TestCaseOutcome } from './layers/unit-tests.js';
export { ContractsLayer, type ContractsLayerOptions } from './layers/contracts.js';
export { PerformanceLayer, type PerformanceLayerOptions } from './layers/performance.js';
export { StaticAnalysisLayer } from './layers/static-analysis.js';
export { SecurityLayer } from './layers/security.js';
export { PythonTypesLayer } from './layers/python-types.js';
export { TypeScriptLinter } from './static/typescript-linter.js';
export { TypeScriptTypeChecker } from './typescript/typescript-type-checker.js';
export { SharedTypeScriptAnalysis, type SharedTypeScriptAnalysisOptions } from './typescript/shared-typescript-analysis.js';
export { DaemonAnalysisChannel, daemonStatus, startDaemon, stopDaemon, type DaemonAnalysisChannelOptions } from './analysis-daemon/daemon-client.js';
export type { DaemonStatus } from './analysis-daemon/daemon-protocol.js';
export { AnalysisTimeoutError, AnalysisOutOfMemoryError, AnalysisWorkerError } from './typescript/analysis-limit-error.js';
export { PropertyTestsLayer, type PropertyTestsLayerOptions } from './layers/property-tests.js';
export { valuesEqual, DEFAULT_FLOAT_TOLERANCE, type FloatTolerance, type ValuesEqualOptions } from './values-equal.js';
export { SandboxJudge, type JudgeRequest, type JudgeResult, type JudgedCall } from './judge/sandbox-judge.js';
export { renderCall, renderValue } from './render-value.js';
export {
  TypeScriptCompilerService,
  CHECK_COMPILER_OPTIONS,
  type TypeCheckResult,
} from './typescript/typescript-compiler-service.js';
export { formatDiagnostic, type TypeScriptDiagnostic } from './typescript/typescript-diagnostic.js';
export { checkPythonSyntax, type PythonSyntaxResult } from './python/python-syntax.js';
export { PythonToolError } from './python/run-python-tool.js';
export { createCodeTokenizer, tokenizePython, tokenizeTypeScript, type TokenizeResult } from './tokenize/index.js';
export {
  scoreOnHiddenTests,
  hiddenTestProgram,
  type ScoreOnHiddenTestsOptions,
  type HiddenTestScore,
  type HiddenTestReason,
} from './score-hidden-tests.js';
