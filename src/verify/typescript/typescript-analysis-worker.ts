/**
 * @module verify/typescript/typescript-analysis-worker
 * Entry module of the shared analysis worker thread (started by {@link SharedTypeScriptAnalysis}): type checks and
 * lints in one thread, on one warm {@link TypeScriptCompilerService} - TypeScript is loaded and its lib parsed once,
 * where the separate type-check and lint workers each do both. Not imported by the engine itself.
 */
import { TypeScriptLintEngine, type LintResult } from '../static/typescript-lint-engine.js';
import { WARM_UP_CODE, WARM_UP_RULES, type LintRequest } from '../static/typescript-lint-worker-warm-up.js';
import { serveBoundedWorker } from './bounded-worker-protocol.js';
import { TypeScriptCompilerService, type TypeCheckResult } from './typescript-compiler-service.js';
import type { TypeCheckRequest } from './typescript-type-check-worker.js';

/** A request to the worker: a type check or a lint. */
export type AnalysisRequest =
  | { readonly kind: 'types'; readonly request: TypeCheckRequest }
  | { readonly kind: 'lint'; readonly request: LintRequest };

const service = new TypeScriptCompilerService();
const engine = new TypeScriptLintEngine({ programHost: service });

serveBoundedWorker<AnalysisRequest, TypeCheckResult | LintResult>({
  // Loads TypeScript, parses the lib, loads ESLint and the plugins, before the first candidate's limit starts.
  warmUp: () => {
    service.checkTypes('const warm: number = 1;\n');
    engine.lint(WARM_UP_CODE, { rules: WARM_UP_RULES, typeAware: true });
  },
  handle: (message) => (message.kind === 'types' ? service.checkTypes(message.request.code) : engine.lint(message.request.code, message.request.options)),
});
