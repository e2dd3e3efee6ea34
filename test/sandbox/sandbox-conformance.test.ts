import { BwrapSandbox, UnsafeNoSandbox } from '../../src/sandbox/index.js';
import { runSandboxConformance } from './sandbox-conformance.js';

runSandboxConformance('bwrap', () => new BwrapSandbox());
runSandboxConformance('unsafe-no-sandbox', () => new UnsafeNoSandbox({ warn: () => undefined }));
