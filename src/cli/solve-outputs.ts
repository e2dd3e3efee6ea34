/**
 * @module cli/solve-outputs
 * What `zerr solve` (and a solve in `zerr chat`) leaves in its output folder: `<out>/<run-id>/<entry point>.<ts|py>`
 * with the chosen code, and `report.json` with the spec, the result and the hidden-test score.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SolveTaskResult, TaskSpec } from '../index.js';

/**
 * Writes the chosen code (when there is one) and the report under `<outDir>/<runId>/`; returns their paths.
 * @throws the file system's error (ENOSPC, EACCES) naming the path.
 */
export async function writeSolveOutputs(
  outDir: string, runId: string, spec: TaskSpec, result: SolveTaskResult, hidden: unknown = null,
): Promise<{ code: string | null; report: string }> {
  const dir = join(outDir, runId);
  await mkdir(dir, { recursive: true });
  const extension = spec.language === 'python' ? 'py' : 'ts';
  const codePath = result.code === null ? null : join(dir, `${spec.signature.entryPoint}.${extension}`);
  if (codePath !== null && result.code !== null) await writeFile(codePath, result.code);
  const reportPath = join(dir, 'report.json');
  await writeFile(reportPath, `${JSON.stringify({ runId, spec, result, hiddenTests: hidden ?? null }, null, 2)}\n`);
  return { code: codePath, report: reportPath };
}
