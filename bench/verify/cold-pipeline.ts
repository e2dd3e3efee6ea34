/**
 * @module bench/verify/cold-pipeline
 * The cold verification pipeline that `verify-latency` compares the warm one with: per candidate, a fresh temp
 * folder, a spawned `tsc --noEmit --strict` on the candidate plus the signature check, then a spawned plain `node`
 * running the candidate with the dataset's own assert-based tests. No sandbox: the candidates are trusted
 * dataset solutions, not model output.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ts } from '../../src/task-spec/typescript-api.js';
import { SIGNATURE_CHECK_NAME, signatureType } from '../../src/verify/index.js';
import type { MbxpProblem } from './mbxp-dataset.js';

/** The repository's own `tsc`. */
export const TSC_PATH = resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsc');

/**
 * Compiler flags of the cold check, chosen to match the warm `TypeScriptCompilerService` (ES2022 lib, strict, no
 * ambient types, module detection forced).
 */
export const COLD_TSC_FLAGS: readonly string[] = [
  '--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022', '--module', 'esnext', '--moduleDetection', 'force',
  '--skipLibCheck',
];

/** Outcome and wall time (ms) of one cold verification. */
export interface ColdResult {
  readonly passed: boolean;
  /** `types` (tsc exit code != 0) or `unit-tests` (node exit code != 0), or null when both passed. */
  readonly failedStep: 'types' | 'unit-tests' | null;
  readonly tscMs: number;
  readonly nodeMs: number;
  readonly totalMs: number;
  /** First line of the failing step's output. */
  readonly message: string;
}

/** Runs a process to completion; resolves with its exit code and combined output (never rejects on exit code). */
function runProcess(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: AbortSignal.timeout(timeoutMs) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => (error.name === 'AbortError' ? resolvePromise({ code: 124, output: `timed out after ${timeoutMs} ms` }) : reject(error)));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/**
 * Verifies one candidate cold: `tsc` on `candidate.ts` (candidate + `const __zerr_signature_check: (sig) => R = f`),
 * then `node` on `run.cjs` (candidate + the dataset's tests, transpiled to CommonJS in-process because Node 20 does
 * not run TypeScript; the transpile is inside the timed span). Node stops after tsc fails, as the warm verifier does.
 */
export async function verifyCold(problem: MbxpProblem, options: { readonly timeoutMs?: number } = {}): Promise<ColdResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = performance.now();
  const folder = await mkdtemp(join(tmpdir(), 'zerr-cold-'));
  try {
    const { signature } = problem.spec;
    const checked = `${problem.candidate}\n;const ${SIGNATURE_CHECK_NAME}: ${signatureType(signature)} = ${signature.entryPoint};\n`;
    await writeFile(join(folder, 'candidate.ts'), checked);
    const tscStarted = performance.now();
    const tsc = await runProcess(TSC_PATH, [...COLD_TSC_FLAGS, 'candidate.ts'], folder, timeoutMs);
    const tscMs = performance.now() - tscStarted;
    if (tsc.code !== 0) {
      return { passed: false, failedStep: 'types', tscMs, nodeMs: 0, totalMs: performance.now() - started, message: firstLine(tsc.output) };
    }
    const nodeStarted = performance.now();
    const program = ts.transpileModule(`${problem.candidate}\n;\n${problem.testProgram}`, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
      fileName: 'run.ts',
    }).outputText;
    await writeFile(join(folder, 'run.cjs'), program);
    const node = await runProcess(process.execPath, ['run.cjs'], folder, timeoutMs);
    const nodeMs = performance.now() - nodeStarted;
    const passed = node.code === 0;
    return {
      passed, failedStep: passed ? null : 'unit-tests', tscMs, nodeMs, totalMs: performance.now() - started,
      message: passed ? '' : firstLine(node.output),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? '';
}
