/**
 * @module orchestrate/implement/typescript-repo-check-worker
 * Entry of the analysis worker that type-checks repositories for `zerr implement` (see `typescript-repo-types.ts`):
 * one {@link RepositoryTypeChecker} per repository root, kept warm between checks.
 */
import { serveBoundedWorker } from '../../verify/typescript/bounded-worker-protocol.js';
import { RepositoryTypeChecker, type RepositoryTypeCheckRequest, type RepositoryTypeCheckResult } from './typescript-repo-types.js';

const checkers = new Map<string, RepositoryTypeChecker>();

serveBoundedWorker<RepositoryTypeCheckRequest, RepositoryTypeCheckResult>({
  handle: (request) => {
    let checker = checkers.get(request.root);
    if (checker === undefined) {
      checker = new RepositoryTypeChecker();
      checkers.set(request.root, checker);
    }
    return checker.check(request);
  },
});
