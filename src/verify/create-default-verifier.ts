/**
 * @module verify/create-default-verifier
 * The default verification pipeline (seed implementation guide §1.3, eight layers), on one sandbox, one in-thread
 * TypeScript parser (syntax), one warm type-check worker and one warm ESLint worker (both bounded in time and memory,
 * started on first use). Execution order puts the cheap static layers before any code runs:
 * syntax -> types -> security -> static-analysis -> unit-tests -> contracts -> property-tests -> performance
 * (see docs/decisions/004-layer-order.md).
 */
import { SandboxCandidateRunner, type CandidateRunner, type Sandbox } from '../sandbox/index.js';
import { SandboxJudge } from './judge/sandbox-judge.js';
import { ContractsLayer } from './layers/contracts.js';
import { PerformanceLayer } from './layers/performance.js';
import { PropertyTestsLayer } from './layers/property-tests.js';
import { PythonTypesLayer } from './layers/python-types.js';
import { SecurityLayer } from './layers/security.js';
import { StaticAnalysisLayer } from './layers/static-analysis.js';
import { SyntaxLayer } from './layers/syntax.js';
import { TypesLayer } from './layers/types.js';
import { UnitTestsLayer } from './layers/unit-tests.js';
import { TypeScriptLinter } from './static/typescript-linter.js';
import { TypeScriptCompilerService } from './typescript/typescript-compiler-service.js';
import { TypeScriptTypeChecker } from './typescript/typescript-type-checker.js';
import type { VerificationLayer } from './verification-layer.js';
import { Verifier } from './verifier.js';

/** Dependencies and switches of {@link createDefaultVerifier}. */
export interface DefaultVerifierOptions {
  readonly sandbox: Sandbox;
  /** In-thread compiler of the syntax layer (parsing only; no lib is loaded). Default: a new one. */
  readonly typescript?: TypeScriptCompilerService;
  /**
   * Worker-backed type checker of the types layer (5 s per check, 512 MiB heap by default). Default: a new one
   * (its worker starts on the first check and parses the lib, about 1-2 s). Its worker is `unref()`ed while idle.
   */
  readonly typeChecker?: TypeScriptTypeChecker;
  /** Runner for the layers that execute code. Default: a `SandboxCandidateRunner` on `sandbox`. */
  readonly runner?: CandidateRunner;
  /**
   * Worker-backed ESLint linter shared by the security and static-analysis layers (5 s per lint, 512 MiB heap by
   * default). Default: a new one (its worker starts on the first lint and loads ESLint, about 1.5-3 s).
   */
  readonly linter?: TypeScriptLinter;
  /**
   * Python type checking with pyright (a cold process per candidate, 1.5-4.5 s). Default true; when false, or when
   * pyright is not installed, the Python `types` layer reports `skipped` with the reason.
   */
  readonly pythonTypes?: boolean;
  /**
   * The performance layer's growth check (inputs of 256..4096 elements, flags "accidentally quadratic" code; about
   * 0.5-5 s per candidate). Default false: only the median time per test input against `timeoutMs` is judged.
   */
  readonly growthCheck?: boolean;
  /** Extra layers appended at the end. */
  readonly extraLayers?: readonly VerificationLayer[];
  /**
   * Start the type-check and lint worker threads it creates now, in the background (TypeScript's lib and ESLint load
   * while the caller does other start-up work), instead of on the first check. Default false.
   */
  readonly prestart?: boolean;
}

/** Builds the default {@link Verifier}; `close()` it to end the analysis workers it created. */
export function createDefaultVerifier(options: DefaultVerifierOptions): Verifier {
  const typescript = options.typescript ?? new TypeScriptCompilerService();
  const runner = options.runner ?? new SandboxCandidateRunner({ sandbox: options.sandbox });
  const linter = options.linter ?? new TypeScriptLinter();
  const checker = options.typeChecker ?? new TypeScriptTypeChecker();
  const typesLayer = new TypesLayer({ checker });
  if (options.prestart === true) {
    if (options.typeChecker === undefined) checker.prestart();
    if (options.linter === undefined) linter.prestart();
  }
  const judge = new SandboxJudge({ sandbox: options.sandbox });
  return new Verifier([
    new SyntaxLayer({ typescript, sandbox: options.sandbox }),
    options.pythonTypes === false ? typesLayer : new PythonTypesLayer({ typescriptLayer: typesLayer }),
    new SecurityLayer({ sandbox: options.sandbox, linter }),
    new StaticAnalysisLayer({ sandbox: options.sandbox, linter }),
    new UnitTestsLayer({ runner }),
    new ContractsLayer({ runner, judge }),
    new PropertyTestsLayer({ runner, judge }),
    new PerformanceLayer({ runner, growthCheck: options.growthCheck ?? false }),
    ...(options.extraLayers ?? []),
  ], {
    // The linter and checker it made itself; shared ones given in `options` stay their owner's to close.
    onClose: async () => {
      await Promise.all([options.linter === undefined ? linter.close() : undefined, options.typeChecker === undefined ? checker.close() : undefined]);
    },
  });
}
