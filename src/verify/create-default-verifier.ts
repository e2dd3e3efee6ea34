/**
 * @module verify/create-default-verifier
 * The default verification pipeline: syntax -> types -> unit tests, on one sandbox and one warm TypeScript compiler.
 */
import { SandboxCandidateRunner, type CandidateRunner, type Sandbox } from '../sandbox/index.js';
import { SyntaxLayer } from './layers/syntax.js';
import { TypesLayer } from './layers/types.js';
import { UnitTestsLayer } from './layers/unit-tests.js';
import { TypeScriptCompilerService } from './typescript/typescript-compiler-service.js';
import { Verifier } from './verifier.js';

/** Dependencies of {@link createDefaultVerifier}. */
export interface DefaultVerifierOptions {
  readonly sandbox: Sandbox;
  /** Shared warm compiler. Default: a new one (parses the lib on first use, about 1-2 s). */
  readonly typescript?: TypeScriptCompilerService;
  /** Runner for unit tests. Default: a `SandboxCandidateRunner` on `sandbox`. */
  readonly runner?: CandidateRunner;
}

/** Builds `Verifier([syntax, types, unit-tests])`. */
export function createDefaultVerifier(options: DefaultVerifierOptions): Verifier {
  const typescript = options.typescript ?? new TypeScriptCompilerService();
  const runner = options.runner ?? new SandboxCandidateRunner({ sandbox: options.sandbox });
  return new Verifier([
    new SyntaxLayer({ typescript, sandbox: options.sandbox }),
    new TypesLayer({ typescript }),
    new UnitTestsLayer({ runner }),
  ]);
}
