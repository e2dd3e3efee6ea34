/**
 * @module orchestrate/project-build/build-marker
 * The marker `<outDir>/.zerr/build.json` that ties an output folder to its build run, so that `zerr build` on a
 * folder holding an unfinished build resumes it instead of starting over. `.zerr/` is git-ignored.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const MarkerSchema = z.object({ runId: z.string().min(1) }).strict();

/** Path of the marker inside `outDir`. */
export function buildMarkerPath(outDir: string): string {
  return join(outDir, '.zerr', 'build.json');
}

/** The marker of `outDir`, or undefined when it has none (or it is unreadable). */
export async function readBuildMarker(outDir: string): Promise<z.infer<typeof MarkerSchema> | undefined> {
  try {
    const parsed = MarkerSchema.safeParse(JSON.parse(await readFile(buildMarkerPath(outDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Writes the marker (creating `outDir/.zerr`), via a temporary file and rename. */
export async function writeBuildMarker(outDir: string, marker: z.infer<typeof MarkerSchema>): Promise<void> {
  const path = buildMarkerPath(outDir);
  await mkdir(join(outDir, '.zerr'), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(marker)}\n`);
  await rename(`${path}.tmp`, path);
}
