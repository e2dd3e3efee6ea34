/**
 * @module verify/typescript/typescript-type-check-worker
 * Entry module of the type-check worker thread (started by {@link TypeScriptTypeChecker}): one warm
 * {@link TypeScriptCompilerService} whose lib cache lives as long as the worker. Not imported by the engine itself.
 */
import { serveBoundedWorker } from './bounded-worker-protocol.js';
import { TypeScriptCompilerService, type TypeCheckResult } from './typescript-compiler-service.js';

/** A request to the worker: type check `code` as the candidate file. */
export interface TypeCheckRequest {
  readonly code: string;
}

const service = new TypeScriptCompilerService();

serveBoundedWorker<TypeCheckRequest, TypeCheckResult>({
  // Parses the ES2022 lib once, before the first candidate's time limit starts.
  warmUp: () => void service.checkTypes('const warm: number = 1;\n'),
  handle: (request) => service.checkTypes(request.code),
});
