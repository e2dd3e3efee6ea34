/**
 * @module sandbox/work-folder
 * The private, per-run work folder on the host: created with `mkdtemp`, filled with the run's files, removed after.
 */
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A created work folder. `remove()` deletes it recursively and never throws. */
export interface WorkFolder {
  /** Absolute host path of the folder. */
  readonly path: string;
  remove(): Promise<void>;
}

/**
 * Creates a fresh folder under the OS temp folder (mode 0700) and writes `files` into it. Paths must already be
 * validated as relative without `..` (see `validateRunRequest`).
 *
 * @param owner When given, the folder and its files are chowned to this uid/gid (the host user the sandbox runs as).
 */
export async function createWorkFolder(
  files: Readonly<Record<string, string>>,
  owner?: { readonly uid: number; readonly gid: number },
): Promise<WorkFolder> {
  const path = await mkdtemp(join(tmpdir(), 'zerr-sbx-'));
  const remove = (): Promise<void> => rm(path, { recursive: true, force: true }).catch(() => undefined);
  try {
    for (const [relative, content] of Object.entries(files)) {
      const target = join(path, relative);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content, { mode: 0o600 });
      if (owner) await chownUpTo(path, target, owner);
    }
    if (owner) await chown(path, owner.uid, owner.gid);
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}

/** Chowns `target` and each of its parent folders up to (not including) `root`. */
async function chownUpTo(root: string, target: string, owner: { uid: number; gid: number }): Promise<void> {
  for (let p = target; p !== root && p.startsWith(root); p = dirname(p)) await chown(p, owner.uid, owner.gid);
}
