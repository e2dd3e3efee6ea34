/**
 * @module verify/create-default-verifier
 * The default verification pipeline (seed implementation guide §1.3, eight layers), on one sandbox, one warm
 * TypeScript compiler and one warm ESLint linter. Execution order puts the cheap static layers before any code runs:
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
import type { VerificationLayer } from './verification-layer.js';
import { Verifier } from './verifier.js';

/** Dependencies and switches of {@link createDefaultVerifier}. */
export interface DefaultVerifierOptions {
  readonly sandbox: Sandbox;
  /** Shared warm compiler. Default: a new one (parses the lib on first use, about 1-2 s). */
  readonly typescript?: TypeScriptCompilerService;
  /** Runner for the layers that execute code. Default: a `SandboxCandidateRunner` on `sandbox`. */
  readonly runner?: CandidateRunner;
  /** Shared warm ESLint linter. Default: a new one (loads its rules on first use, about 1.5 s). */
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
}

/** Builds the default {@link Verifier}. */
export function createDefaultVerifier(options: DefaultVerifierOptions): Verifier {
  const typescript = options.typescript ?? new TypeScriptCompilerService();
  const runner = options.runner ?? new SandboxCandidateRunner({ sandbox: options.sandbox });
  const linter = options.linter ?? new TypeScriptLinter({ programHost: typescript });
  const typesLayer = new TypesLayer({ typescript });
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
  ]);
}
